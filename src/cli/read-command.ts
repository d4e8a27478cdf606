import {writeFile} from 'node:fs/promises';
import {Command, InvalidArgumentError, Option} from 'commander';
import {STANDARD_BAUD_RATES} from '../config/standard-baud-rates.ts';
import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {plural} from '../observability/plural.ts';
import {ReadoutError} from '../readout/readout-errors.ts';
import {describePlan} from '../readout/readout-plan.ts';
import {type ReadoutResult, readMeter} from '../readout/readout-session.ts';
import {readoutOptionsFrom} from '../readout/readout-settings.ts';
import type {Link} from '../transport/link.ts';
import {createLink} from '../transport/link-from-port.ts';
import {blockCheckHint} from './block-check-hint.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {
	addTelegramOutputOptions,
	checkTelegramOutputOptions,
	type TelegramOutputOptions,
	utcReadingNote,
	writeTelegrams,
} from './telegram-output.ts';

export interface ReadFlags extends TelegramOutputOptions {
	readonly mode: 'auto' | 'A' | 'B' | 'C' | 'D';
	readonly address?: string;
	readonly queryChar?: string;
	readonly baudMax?: number;
	readonly saveRaw?: string;
	readonly ignoreBcc: boolean;
	readonly wakeUp: boolean;
	readonly pushBaud?: number;
	readonly dataBits?: 7 | 8;
	/** Wait after the ACK left the line before the rate switch, ms. */
	readonly switchGuard?: number;
}

export interface ReadCommandOptions {
	/** Opens the link for a port argument; tests swap it. Default createLink. */
	readonly openLink?: (port: string) => Link;
}

/** `dlms-logger read <port>`: the smarthomeNG dlms plugin's standalone mode, one readout printed. */
export function readCommand(io: CommandIo, options: ReadCommandOptions = {}): Command {
	return addTelegramOutputOptions(
		new Command('read')
			.description(
				"read a meter once and print what it sends (the smarthomeNG dlms plugin's standalone mode)",
			)
			.argument(
				'<port>',
				'serial port (/dev/ttyUSB0, /dev/serial/by-id/…) or tcp://host:port of an IR bridge',
			)
			.addOption(
				new Option('--mode <mode>', 'protocol mode; auto takes it from the identification')
					.choices(['auto', 'A', 'B', 'C', 'D'])
					// After choices(), which sets its own parser: `--mode c` is mode C, as in config.yaml.
					.argParser(protocolMode)
					.default('auto'),
			)
			.option('--address <address>', 'device address sent in the sign-on /?address!')
			.option(
				'--query-char <char>',
				"the sign-on's query character: ? (default), or # for a Siemens 2WR5's further data",
				queryCharacter,
			)
			.option(
				'--baud-max <rate>',
				`highest rate to ask for in mode C, Bd (${STANDARD_BAUD_RATES.join(', ')})`,
				standardRate,
			),
	)
		.option('--save-raw <file>', 'write every byte received to this file (also when the readout fails)')
		.option('--ignore-bcc', 'accept blocks whose BCC is wrong (they must still be complete)', false)
		.option('--wake-up', 'send the wake-up sequence (NULs, then a pause) before the sign-on', false)
		.option(
			'--switch-guard <ms>',
			'wait after the ACK left the line before the rate switch, ms (default 33, 10 for 20 ms meters)',
			wholeMilliseconds,
		)
		.option('--push-baud <rate>', 'mode D: the rate the meter pushes at, Bd (default 9600)', positiveInteger)
		.addOption(
			new Option('--data-bits <bits>', 'mode D: 7 (7E1, default) or 8 (8N1)')
				.choices(['7', '8'])
				.argParser(Number),
		)
		.action(async (port: string, flags: ReadFlags) => {
			await runRead(port, flags, io, options);
		});
}

export async function runRead(
	port: string,
	flags: ReadFlags,
	io: CommandIo,
	options: ReadCommandOptions = {},
) {
	const selection = checkTelegramOutputOptions(flags);
	const note = utcReadingNote(flags);
	if (note !== undefined) io.stderr.write(`${note}\n`);
	let link: Link;
	try {
		link = (options.openLink ?? createLink)(port);
	} catch (error) {
		throw new CliError(`${port}: ${(error as Error).message}`, {exitCode: EXIT_CODES.usage, cause: error});
	}
	// The flags are the config keys of one meter: the options are built where the collector builds them.
	const readoutOptions = readoutOptionsFrom(
		{
			mode: flags.mode,
			ignore_bcc: flags.ignoreBcc,
			wake_up: flags.wakeUp,
			...(flags.address === undefined ? {} : {address: flags.address}),
			...(flags.baudMax === undefined ? {} : {baud_max: flags.baudMax}),
			...(flags.pushBaud === undefined && flags.dataBits === undefined
				? {}
				: {push: {baud: flags.pushBaud ?? 9600, data_bits: flags.dataBits ?? 7}}),
			...(flags.switchGuard === undefined ? {} : {timeouts: {switch_guard: flags.switchGuard}}),
		},
		{queryChar: flags.queryChar, signal: io.signal},
	);
	let result: ReadoutResult;
	try {
		result = await readMeter(link, readoutOptions);
	} catch (error) {
		if (error instanceof ReadoutError) {
			if (flags.saveRaw !== undefined) await saveRaw(flags.saveRaw, error.received, io);
			throw new CliError(error.message, {
				exitCode: EXIT_CODES.failed,
				cause: error,
				...hintFor(error),
			});
		}
		if (error instanceof TypeError)
			throw new CliError(error.message, {exitCode: EXIT_CODES.usage, cause: error});
		throw error;
	}
	if (flags.saveRaw !== undefined) await saveRaw(flags.saveRaw, result.raw, io);

	const summary = describeReadout(result);
	if (flags.format === 'table') io.stdout.write(`${summary}\n`);
	else io.stderr.write(`${summary}\n`);
	if (result.fellBack) {
		const failed =
			result.fallback === undefined
				? ''
				: ` (${describePlan(result.fallback.failed)}: ${result.fallback.reason})`;
		io.stderr.write(
			`${port}: the meter did not answer as announced${failed}; it worked in ${describePlan(result.plan)}. Nothing is remembered: the collector tries the announced plan first and keeps a lower one only after it failed several readouts in a row (fallback.learn_after)\n`,
		);
	}
	const telegram: DecodedTelegram = {
		...result.parsed,
		...(result.identification ? {identification: result.identification} : {}),
		framing: result.block.framing,
		check: result.check,
		bytes: result.block.bytes,
	};
	writeTelegrams(
		[telegram],
		flags,
		{
			place: port,
			readAt: result.readAt,
			selection,
			extra: {
				readout: {
					port,
					mode: result.mode,
					baudRate: result.baudRate,
					timings: result.timings,
					fellBack: result.fellBack,
					plan: result.plan,
					...(result.fallback === undefined ? {} : {fallback: result.fallback}),
				},
			},
		},
		io,
	);
}

/** `mode C, 9600 Bd, 1.84 s (sign-on 0.17 s, identification 0.40 s, switch 0.20 s, data 1.07 s)`. */
export function describeReadout(result: ReadoutResult): string {
	const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
	const {timings} = result;
	const phases =
		result.mode === 'D'
			? `waited ${seconds(timings.dataMs)}`
			: `sign-on ${seconds(timings.signOnMs)}, identification ${seconds(timings.identificationMs)}, switch ${seconds(timings.switchMs)}, data ${seconds(timings.dataMs)}`;
	return `${result.place}: mode ${result.mode}, ${result.baudRate} Bd, ${seconds(timings.totalMs)} (${phases})`;
}

function hintFor(error: ReadoutError): {hint?: string} {
	if (error.pushMeter)
		return {
			hint: 'read it with --mode D (and --push-baud, --data-bits if it pushes at another rate than 9600 7E1)',
		};
	if (error.failure === 'block-check') {
		// The readout names the algorithm first: "CRC16 mismatch: …" or "BCC mismatch: …".
		const hint = blockCheckHint(
			new Set([/\bCRC16 mismatch/.test(error.message) ? 'crc16' : 'bcc']),
			error.blockCheck,
		);
		return hint === undefined ? {} : {hint};
	}
	if (error.failure === 'garbage')
		return {
			hint: 'try --mode A, a lower --baud-max, or check 7E1 vs 8N1; a meter that sends without being asked (push) needs --mode D',
		};
	if (error.failure === 'no-answer')
		return {hint: 'a battery meter may need --wake-up; an addressed meter needs --address'};
	return {};
}

async function saveRaw(file: string, bytes: Buffer, io: CommandIo): Promise<void> {
	try {
		await writeFile(file, bytes);
		io.stderr.write(`${file}: ${plural(bytes.length, 'byte')} saved\n`);
	} catch (error) {
		io.stderr.write(`${file}: cannot save the raw bytes: ${fsErrorCause(error)}\n`);
	}
}

function positiveInteger(value: string): number {
	const number = Number(value);
	if (!Number.isInteger(number) || number <= 0)
		throw new InvalidArgumentError('expected a positive whole number');
	return number;
}

const MODES = ['auto', 'A', 'B', 'C', 'D'] as const;

/** `--mode`: auto or a mode letter, in either case. */
export function protocolMode(value: string): ReadFlags['mode'] {
	const mode = /^auto$/i.test(value) ? 'auto' : value.toUpperCase();
	const known = MODES.find((candidate) => candidate === mode);
	if (known === undefined) throw new InvalidArgumentError(`choose one of ${MODES.join(', ')}`);
	return known;
}

/** `--baud-max`: one of the rates of IEC 62056-21, as `baud_max` in config.yaml. */
export function standardRate(value: string): number {
	const rate = Number(value);
	if (!(STANDARD_BAUD_RATES as readonly number[]).includes(rate)) {
		throw new InvalidArgumentError(
			`expected one of the rates of IEC 62056-21: ${STANDARD_BAUD_RATES.join(', ')} (Bd)`,
		);
	}
	return rate;
}

function wholeMilliseconds(value: string): number {
	const number = Number(value);
	if (!Number.isInteger(number) || number < 0)
		throw new InvalidArgumentError('expected a whole number of ms >= 0');
	return number;
}

/** `--query-char`: one character the sign-on `/?!` can carry in place of `?`. */
function queryCharacter(value: string): string {
	if (value.length !== 1 || '/!\r\n'.includes(value)) {
		throw new InvalidArgumentError('expected one character other than / ! or a line break, e.g. ? or #');
	}
	return value;
}
