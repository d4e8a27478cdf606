import type {Command} from 'commander';
import {shellWord} from './shell-word.ts';

/** One example of a command: its arguments (after `dlms-logger`), a file piped in, and what it does. */
export interface HelpExample {
	readonly args: readonly string[];
	/** A file given on stdin (`< FILE`). */
	readonly stdin?: string;
	readonly what: string;
}

/**
 * A few working examples per command, printed after its `--help` (file names as the README uses them:
 * config.yaml, capture.bin, the raw archive in data/raw).
 */
export const HELP_EXAMPLES: Readonly<Record<string, readonly HelpExample[]>> = {
	run: [
		{args: ['run'], what: 'without a configuration: the built-in simulated meter, points printed'},
		{args: ['run', '-c', 'config.yaml'], what: 'the collector on your configuration'},
		{
			args: ['run', '-c', 'config.yaml', '--once'],
			what: 'read every meter once, write, exit (0: all stored)',
		},
	],
	'check-config': [
		{args: ['check-config', '-c', 'config.yaml'], what: 'list every problem of a configuration file'},
		{args: ['check-config'], what: './config.yaml, or the METER_* and INFLUX_* variables'},
	],
	spool: [
		{args: ['spool', '-c', 'config.yaml'], what: 'unsent and dropped points, dead letters, the target'},
		{args: ['spool', '-c', 'config.yaml', '-f', 'json'], what: 'the same for a program'},
	],
	parse: [
		{args: ['parse', 'capture.bin'], what: 'a capture (raw bytes, pasted text, .gz) as a table'},
		{args: ['parse', '--verbose', 'capture.bin'], what: 'with the *NN billing history'},
		{
			args: [
				'parse',
				'-f',
				'line-protocol',
				'--meter',
				'house',
				'--timezone',
				'Europe/Berlin',
				'capture.bin',
			],
			what: 'the points run would write',
		},
		{args: ['parse', '-'], stdin: 'capture.bin', what: 'from stdin'},
	],
	backfill: [
		{args: ['backfill', '-c', 'config.yaml', '--dry-run', 'capture.bin'], what: 'what a capture would write'},
		{args: ['backfill', '-c', 'config.yaml', 'data/raw'], what: 'import the raw archive'},
		{
			args: ['backfill', '-c', 'config.yaml', '--since', '2025-01-01', 'data/raw'],
			what: 'only points from 2025 on (UTC midnight)',
		},
		{args: ['backfill', '-c', 'config.yaml'], what: 'read each meter once with its full history'},
		{args: ['backfill', '-c', 'config.yaml', '--resend'], what: 'send what an earlier backfill left unsent'},
	],
	read: [
		{args: ['read', '/dev/ttyUSB0'], what: 'read the meter at an IR head once'},
		{
			args: ['read', '--verbose', '--save-raw', 'capture.bin', '/dev/ttyUSB0'],
			what: 'with history, bytes kept',
		},
		{args: ['read', 'tcp://127.0.0.1:8888'], what: 'through a TCP bridge (or `simulate --tcp`)'},
	],
	ports: [
		{args: ['ports'], what: 'the serial ports, with /dev/serial/by-id names'},
		{args: ['ports', '-f', 'json'], what: 'the same for a program'},
	],
	simulate: [
		{
			args: ['simulate', '--tcp', '127.0.0.1:8888'],
			what: 'a ZMD120 on a TCP port (read tcp://127.0.0.1:8888)',
		},
		{args: ['simulate', '--list-profiles'], what: 'the meters and faults it can play'},
		{
			args: ['simulate', '--tcp', '127.0.0.1:8888', '--profile', 'zmd120-verbose', '--fault', 'bad-bcc'],
			what: 'another profile, sending a wrong BCC',
		},
	],
};

/** The command line of an example as a shell reads it. */
export function exampleLine(example: HelpExample): string {
	const words = ['dlms-logger', ...example.args].map(shellWord);
	return example.stdin === undefined ? words.join(' ') : `${words.join(' ')} < ${shellWord(example.stdin)}`;
}

/** Adds the command's examples after its help text (nothing for a command without any). */
export function withHelpExamples(command: Command): Command {
	const examples = HELP_EXAMPLES[command.name()];
	if (examples === undefined || examples.length === 0) return command;
	// What it does above the line, as a shell comment: lines stay short enough for a terminal and copy whole.
	const text = examples.map((example) => `  # ${example.what}\n  ${exampleLine(example)}`);
	return command.addHelpText('after', `\nExamples:\n${text.join('\n')}\n`);
}
