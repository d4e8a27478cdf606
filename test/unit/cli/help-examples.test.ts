import {PassThrough, Readable} from 'node:stream';
import {type Command, CommanderError} from 'commander';
import {describe, expect, it} from 'vitest';
import {backfillCommand} from '../../../src/cli/backfill-command.ts';
import {checkConfigCommand} from '../../../src/cli/check-config-command.ts';
import {exampleLine, HELP_EXAMPLES, withHelpExamples} from '../../../src/cli/help-examples.ts';
import {parseCommand} from '../../../src/cli/parse-command.ts';
import {portsCommand} from '../../../src/cli/ports-command.ts';
import {readCommand} from '../../../src/cli/read-command.ts';
import {runCommand} from '../../../src/cli/run-command.ts';
import {simulateCommand} from '../../../src/cli/simulate-command.ts';
import {spoolCommand} from '../../../src/cli/spool-command.ts';

const io = {stdin: Readable.from([]), stdout: new PassThrough(), stderr: new PassThrough()};
const context = {env: {}, cwd: '/nonexistent'};
const commands: Record<string, () => Command> = {
	run: () => runCommand(io, context),
	'check-config': () => checkConfigCommand(io, context),
	spool: () => spoolCommand(io, context),
	parse: () => parseCommand(io),
	backfill: () => backfillCommand(io, context),
	read: () => readCommand(io),
	ports: () => portsCommand(io),
	simulate: () => simulateCommand(io, {signal: new AbortController().signal}),
};

/** Stands in for the action: the example's arguments and options were all accepted. */
class Accepted extends Error {}

describe('help examples', () => {
	it('has examples for every command, printed after its help', () => {
		expect(Object.keys(HELP_EXAMPLES).sort()).toEqual(Object.keys(commands).sort());
		for (const [name, make] of Object.entries(commands)) {
			let help = '';
			const command = withHelpExamples(make()).configureOutput({writeOut: (text) => (help += text)});
			command.outputHelp();
			expect(help, name).toMatch(/\nExamples:\n {2}# .+\n {2}dlms-logger /);
			for (const example of HELP_EXAMPLES[name] ?? []) expect(help).toContain(`  ${exampleLine(example)}\n`);
		}
	});

	it('gives only arguments and options the command takes', async () => {
		for (const [name, examples] of Object.entries(HELP_EXAMPLES)) {
			for (const example of examples) {
				expect(example.args[0]).toBe(name);
				const command = (commands[name] as () => Command)()
					.exitOverride()
					.configureOutput({writeErr: () => undefined})
					.hook('preAction', () => {
						throw new Accepted();
					});
				const outcome = await command
					.parseAsync(example.args.slice(1), {from: 'user'})
					.catch((error) => error);
				expect(outcome, exampleLine(example)).toBeInstanceOf(Accepted);
				expect(outcome).not.toBeInstanceOf(CommanderError);
			}
		}
	});

	it('quotes what a shell would split', () => {
		expect(exampleLine({args: ['parse', 'my capture.bin'], what: ''})).toBe(
			"dlms-logger parse 'my capture.bin'",
		);
		expect(exampleLine({args: ['parse', '-'], stdin: 'capture.bin', what: ''})).toBe(
			'dlms-logger parse - < capture.bin',
		);
	});
});
