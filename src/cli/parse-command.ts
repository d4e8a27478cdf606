import {readFile, stat} from 'node:fs/promises';
import {Command, InvalidArgumentError} from 'commander';
import {type CaptureDecoding, decodeCapture} from '../iec62056/capture-decoder.ts';
import {BlockCheckError} from '../iec62056/protocol-errors.ts';
import {isRawArchive} from '../output/raw-archive.ts';
import {CaptureTimeError, captureTimes} from './capture-times.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {parseRawArchive} from './raw-archive-output.ts';
import {
	addTelegramOutputOptions,
	checkTelegramOutputOptions,
	type TelegramOutputOptions,
	writeTelegrams,
} from './telegram-output.ts';

export interface ParseOptions extends TelegramOutputOptions {
	readonly ignoreBcc: boolean;
	/**
	 * Readout time for values without their own date, for every telegram. Default, per telegram: the
	 * meter's clock in it, else (a single telegram) the file's modification time, or now for stdin.
	 */
	readonly readAt?: Date;
}

export function parseCommand(io: CommandIo): Command {
	return addTelegramOutputOptions(
		new Command('parse')
			.description('parse a captured readout (raw bytes or text) and print its identification and data sets')
			.argument('[file]', 'capture to read; "-" or nothing reads stdin', '-'),
	)
		.option('--ignore-bcc', 'accept blocks whose BCC/CRC is wrong (they must still be complete)', false)
		.option('--read-at <time>', 'readout time (ISO 8601) for values without their own date', parseInstant)
		.action(async (file: string, options: ParseOptions) => {
			await runParse(file, options, io);
		});
}

export async function runParse(file: string, options: ParseOptions, io: CommandIo): Promise<void> {
	const place = file === '-' ? 'stdin' : file;
	const selection = checkTelegramOutputOptions(options);
	const {bytes, modifiedAt} = await readInput(file, place, io);
	if (isRawArchive(bytes)) {
		parseRawArchive(bytes, options, place, selection, io);
		return;
	}
	const decoding = decode(bytes, options, place, io);
	const readAt =
		options.format === 'line-protocol'
			? telegramTimes(decoding.telegrams, options, modifiedAt ?? new Date(), place, io)
			: (options.readAt ?? modifiedAt ?? new Date());
	if (decoding.telegrams.length > 0)
		writeTelegrams(decoding.telegrams, options, {place, readAt, selection}, io);
	failOnRejectedBlocks(decoding, place);
}

/** Each telegram's readout time by the capture time rule (capture-times.ts); a usage error when it cannot tell. */
function telegramTimes(
	telegrams: CaptureDecoding['telegrams'],
	options: ParseOptions,
	fallback: Date,
	place: string,
	io: CommandIo,
): Date[] {
	try {
		const timeZone = options.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
		const {times, warnings} = captureTimes(telegrams, {
			...(options.readAt === undefined ? {} : {readAt: options.readAt}),
			timeZone,
			fallback,
		});
		for (const warning of warnings) io.stderr.write(`${place}: warning: ${warning}\n`);
		return times;
	} catch (error) {
		if (!(error instanceof CaptureTimeError)) throw error;
		throw new CliError(`${place}: ${error.message}`, {exitCode: EXIT_CODES.usage, cause: error});
	}
}

/** Blocks that were cut or failed their check: reported after the good telegrams were printed, exit non-zero. */
function failOnRejectedBlocks(decoding: CaptureDecoding, place: string): void {
	const [first, ...others] = decoding.errors;
	if (first === undefined) return;
	const more = others.length > 0 ? ` (and ${others.length} more)` : '';
	const printed = decoding.telegrams.length;
	throw new CliError(
		`${place}: ${first.message}${more}; ${printed === 0 ? 'no values printed' : `nothing of it printed, ${printed} complete telegram${printed === 1 ? '' : 's'} printed`}`,
		{
			cause: first,
			...(decoding.errors.some((error) => error instanceof BlockCheckError)
				? {hint: 'a meter known to send a wrong BCC (e.g. Itron ACE3000) can be read with --ignore-bcc'}
				: {}),
		},
	);
}

function decode(bytes: Buffer, options: ParseOptions, place: string, io: CommandIo): CaptureDecoding {
	let decoding = decodeCapture(bytes, {ignoreBlockCheck: options.ignoreBcc});
	if (decoding.telegrams.length === 0 && decoding.highBitBytes > 0) {
		// 7E1 data captured on an 8N1 port: every byte with odd bits set carries the parity bit in bit 7.
		const stripped = decodeCapture(bytes, {ignoreBlockCheck: options.ignoreBcc, parity: 'strip-even'});
		if (stripped.telegrams.length > 0) {
			io.stderr.write(
				`${place}: ${decoding.highBitBytes} bytes had bit 7 set (7E1 data captured as 8N1); parity bits stripped\n`,
			);
			decoding = stripped;
		}
	}
	if (decoding.telegrams.length === 0 && decoding.errors.length === 0) {
		const garbled =
			decoding.garbledBlocks > 0
				? `; ${decoding.garbledBlocks} STX…ETX span${decoding.garbledBlocks === 1 ? '' : 's'} without data sets (noise)`
				: '';
		throw new CliError(
			`${place}: no telegram found (expected "/XXX5…" and data sets such as "1.8.0(…)")${garbled}`,
			{
				...(decoding.highBitBytes > 0
					? {hint: `${decoding.highBitBytes} bytes have bit 7 set: was 7E1 data read as 8N1?`}
					: {}),
			},
		);
	}
	return decoding;
}

async function readInput(
	file: string,
	place: string,
	io: CommandIo,
): Promise<{bytes: Buffer; modifiedAt?: Date}> {
	if (file === '-') {
		if (io.stdin.isTTY) {
			throw new CliError(
				'no input: give a capture FILE, or pipe one in (dlms-logger parse - < capture.bin)',
				{
					exitCode: EXIT_CODES.usage,
				},
			);
		}
		const chunks: Buffer[] = [];
		for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
		return {bytes: Buffer.concat(chunks)};
	}
	try {
		const [bytes, info] = await Promise.all([readFile(file), stat(file)]);
		return {bytes, modifiedAt: info.mtime};
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const cause =
			code === 'ENOENT'
				? 'no such file'
				: code === 'EACCES'
					? 'permission denied'
					: code === 'EISDIR'
						? 'is a directory'
						: (error as Error).message;
		throw new CliError(`${place}: cannot read: ${cause}`, {cause: error});
	}
}

function parseInstant(value: string): Date {
	const date = new Date(value);
	if (Number.isNaN(date.getTime()))
		throw new InvalidArgumentError('expected an ISO 8601 time such as 2026-01-31T12:00:00Z');
	return date;
}
