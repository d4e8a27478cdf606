#!/usr/bin/env node
import {readFileSync} from 'node:fs';
import {Command, CommanderError} from 'commander';
import {CliError, EXIT_CODES} from './cli-error.ts';
import {parseCommand} from './parse-command.ts';

/** The `dlms-logger` entry point: the only module that owns process (argv, exit code, signals). */
async function main(argv: readonly string[]): Promise<number> {
	const io = {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr};
	const program = new Command('dlms-logger')
		.description(
			'Reads electricity meters over the IEC 62056-21 optical interface and logs them to InfluxDB.',
		)
		.version(packageVersion(), '-V, --version')
		.option('--debug', 'print the full cause chain of an error')
		.exitOverride()
		.showHelpAfterError('(add --help for usage)');
	for (const command of [parseCommand(io)]) {
		program.addCommand(command.exitOverride().showHelpAfterError('(add --help for usage)'));
	}

	try {
		await program.parseAsync(argv);
		return EXIT_CODES.ok;
	} catch (error) {
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
