#!/usr/bin/env -S node --max-semi-space-size=1
// A 1 MB young generation (default 16 MB) keeps the long-running collector's memory low: it allocates
// a few kilobytes per readout, so the smaller nursery costs nothing measurable and saves ~6 MB of RSS.
import {readFileSync} from 'node:fs';
import {Command, CommanderError} from 'commander';
import {backfillCommand} from './backfill-command.ts';
import {checkConfigCommand} from './check-config-command.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import {parseCommand} from './parse-command.ts';
import {portsCommand} from './ports-command.ts';
import {readCommand} from './read-command.ts';
import {runCommand} from './run-command.ts';
import {simulateCommand} from './simulate-command.ts';

/** The `dlms-logger` entry point: the only module that owns process (argv, exit code, signals). */
async function main(argv: readonly string[]): Promise<number> {
	// SIGINT/SIGTERM end long-running commands cleanly through this signal; a second one exits at once.
	const controller = new AbortController();
	const onSignal = (signal: NodeJS.Signals) => {
		if (controller.signal.aborted) process.exit(130);
		controller.abort(new Error(`received ${signal}`));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	// A reader that went away (`dlms-logger run | head`) ends the output, not with a crash.
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EPIPE') controller.abort(new Error('stdout closed'));
	});
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
	const context = {env: process.env, cwd: process.cwd()};
	for (const command of [
		runCommand(io, context),
		checkConfigCommand(io, context),
		parseCommand(io),
		backfillCommand(io, context),
		readCommand(io),
		portsCommand(io),
		simulateCommand(io, {signal: controller.signal}),
	]) {
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
