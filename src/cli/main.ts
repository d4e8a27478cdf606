#!/usr/bin/env -S node --max-semi-space-size=1
// A 1 MB young generation (default 16 MB) keeps the long-running collector's memory low: it allocates
// a few kilobytes per readout, so the smaller nursery costs nothing measurable and saves ~6 MB of RSS.
import {readFileSync} from 'node:fs';
import {setFlagsFromString} from 'node:v8';
import {Command, CommanderError} from 'commander';
import {CliError, EXIT_CODES} from './cli-error.ts';
import {ClosedOutputWatch} from './closed-output.ts';
import type {CommandIo} from './command-io.ts';
import {v8FlagsFor} from './command-v8-flags.ts';
import {withHelpExamples} from './help-examples.ts';

interface CommandContext {
	readonly io: CommandIo;
	readonly env: NodeJS.ProcessEnv;
	readonly cwd: string;
	readonly signal: AbortSignal;
}

/**
 * Every command, in the order `--help` lists them, each loaded only when it runs: a command's code
 * (the collector, the InfluxDB client, serialport) costs memory and start-up time the others need not
 * pay (`parse` of a large capture, the long-running collector).
 */
const COMMANDS: Readonly<Record<string, (context: CommandContext) => Promise<Command>>> = {
	run: async ({io, env, cwd}) => (await import('./run-command.ts')).runCommand(io, {env, cwd}),
	'check-config': async ({io, env, cwd}) =>
		(await import('./check-config-command.ts')).checkConfigCommand(io, {env, cwd}),
	spool: async ({io, env, cwd}) => (await import('./spool-command.ts')).spoolCommand(io, {env, cwd}),
	parse: async ({io}) => (await import('./parse-command.ts')).parseCommand(io),
	backfill: async ({io, env, cwd}) => (await import('./backfill-command.ts')).backfillCommand(io, {env, cwd}),
	read: async ({io}) => (await import('./read-command.ts')).readCommand(io),
	ports: async ({io}) => (await import('./ports-command.ts')).portsCommand(io),
	simulate: async ({io, signal}) => (await import('./simulate-command.ts')).simulateCommand(io, {signal}),
};

/** The command argv names (the first argument that is not an option), if it is one of ours. */
function namedCommand(argv: readonly string[]): string | undefined {
	const first = argv.slice(2).find((argument) => !argument.startsWith('-'));
	return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

/** The `dlms-logger` entry point: the only module that owns process (argv, exit code, signals). */
async function main(argv: readonly string[]): Promise<number> {
	// SIGINT/SIGTERM end long-running commands cleanly through this signal; a second one exits at once.
	const controller = new AbortController();
	const onSignal = (signal: NodeJS.Signals) => {
		if (controller.signal.aborted) process.exit(EXIT_CODES.interrupted);
		controller.abort(new Error(`received ${signal}`));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	// A reader that went away (`dlms-logger run | head`) ends the command quietly, with exit 0.
	const output = new ClosedOutputWatch(process.stdout, () => controller.abort(new Error('stdout closed')));
	// Warnings and the final error go to stderr; when its reader has gone too (`… 2>&1 | head`), they
	// are dropped instead of crashing the process with an unhandled EPIPE (exit 1).
	new ClosedOutputWatch(process.stderr, () => undefined);
	const io = {
		stdin: process.stdin,
		stdout: process.stdout,
		stderr: process.stderr,
		signal: controller.signal,
	};
	const program = new Command('dlms-logger')
		.description(
			'Reads electricity meters over the IEC 62056-21 optical interface and logs them to InfluxDB.',
		)
		.version(packageVersion(), '-V, --version')
		.option('--debug', 'print the full cause chain of an error')
		.exitOverride()
		.showHelpAfterError('(add --help for usage)');
	const context: CommandContext = {io, env: process.env, cwd: process.cwd(), signal: controller.signal};
	// With a command named, only that one is loaded; without (help, a typo), all of them, for the listing.
	const named = namedCommand(argv);
	for (const flag of v8FlagsFor(named)) setFlagsFromString(flag);
	const names = named === undefined ? Object.keys(COMMANDS) : [named];
	for (const name of names) {
		const command = await (COMMANDS[name] as (context: CommandContext) => Promise<Command>)(context);
		program.addCommand(withHelpExamples(command).exitOverride().showHelpAfterError('(add --help for usage)'));
	}

	try {
		await program.parseAsync(argv);
		return EXIT_CODES.ok;
	} catch (error) {
		if (output.explains(error)) return EXIT_CODES.ok;
		if (error instanceof CommanderError) {
			// commander has printed the message (or the help) already.
			return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
		}
		const debug = argv.includes('--debug');
		if (error instanceof CliError) {
			process.stderr.write(`dlms-logger: ${error.message}\n`);
			if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
			if (debug && error.cause) process.stderr.write(`${describeCause(error.cause)}\n`);
			return error.exitCode;
		}
		process.stderr.write(`dlms-logger: unexpected error: ${(error as Error).message ?? String(error)}\n`);
		if (debug) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
		return EXIT_CODES.failed;
	}
}

function describeCause(cause: unknown): string {
	const lines: string[] = [];
	let current: unknown = cause;
	while (current instanceof Error) {
		lines.push(`caused by: ${current.stack ?? current.message}`);
		current = current.cause;
	}
	return lines.join('\n');
}

function packageVersion(): string {
	// dist/src/cli/main.js → the package root three levels up.
	const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
		version: string;
	};
	return manifest.version;
}

process.exitCode = await main(process.argv);
