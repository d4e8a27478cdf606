import {Command} from 'commander';
import {dataSetsBeforeNote} from '../backfill/pasted-readouts.ts';
import {hostTimeZone} from '../daemon/host-time-zone.ts';
import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import {BlockCheckError} from '../iec62056/protocol-errors.ts';
import {plural} from '../observability/plural.ts';
import {isRawArchive} from '../output/raw-archive.ts';
import {type BlockCheckEvidence, blockShapeEvidence} from '../readout/block-check-evidence.ts';
import {blockCheckHint} from './block-check-hint.ts';
import {CaptureReader} from './capture-reader.ts';
import {CaptureTimeError} from './capture-times.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {parseIsoTimeArgument} from './iso-time-argument.ts';
import {parseRawArchive} from './raw-archive-output.ts';
import {looksLike7E1Text} from './seven-bit-text.ts';
import {StreamingCaptureTimes} from './streaming-capture-times.ts';
import {
	addTelegramOutputOptions,
	checkTelegramOutputOptions,
	type TelegramOutputOptions,
	utcReadingNote,
} from './telegram-output.ts';
import {createTelegramWriter, TelegramSummary} from './telegram-writers.ts';

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
		.option(
			'--read-at <time>',
			"readout time (ISO 8601) of every telegram, for values without their own date (default: the meter clock in the telegram, 0-0:1.0.0 or 0.9.1 with 0.9.2; else, for one telegram, the file's modification time, or now for stdin)",
			parseIsoTimeArgument,
		)
		.action(async (file: string, options: ParseOptions) => {
			await runParse(file, options, io);
		});
}

export async function runParse(file: string, options: ParseOptions, io: CommandIo): Promise<void> {
	const selection = checkTelegramOutputOptions(options);
	const note = utcReadingNote(options);
	if (note !== undefined) io.stderr.write(`${note}\n`);
	const reader = await CaptureReader.open(file, io, {ignoreBcc: options.ignoreBcc});
	const {place} = reader;
	// A raw archive (gzip members, one readout each) is read whole: one day's file is small.
	if (isRawArchive(reader.head)) {
		parseRawArchive(await reader.readAll(), options, place, selection, io);
		return;
	}
	const timeZone = options.timezone ?? hostTimeZone();
	const summary = new TelegramSummary();
	const writer = createTelegramWriter(
		{
			format: options.format,
			verbose: options.verbose,
			timeZone,
			place,
			...(options.meter === undefined ? {} : {meter: options.meter}),
			...(selection === undefined ? {} : {selection}),
		},
		io.stdout,
		summary,
	);
	// Line protocol needs each telegram's time; the other formats print what the telegram says.
	const times =
		options.format === 'line-protocol'
			? new StreamingCaptureTimes({
					...(options.readAt === undefined ? {} : {readAt: options.readAt}),
					timeZone,
					fallback: reader.modifiedAt ?? new Date(),
				})
			: undefined;
	const readAt = options.readAt ?? reader.modifiedAt ?? new Date();
	let timeError: CaptureTimeError | undefined;
	try {
		for await (const telegram of reader.telegrams()) {
			if (times === undefined) await writer.write(telegram, readAt);
			else for (const timed of times.next(telegram)) await writer.write(timed.telegram, timed.readAt);
		}
		if (times !== undefined) {
			try {
				const {ready, warnings} = times.finish();
				for (const timed of ready) await writer.write(timed.telegram, timed.readAt);
				for (const warning of warnings) io.stderr.write(`${place}: warning: ${warning}\n`);
			} catch (error) {
				if (!(error instanceof CaptureTimeError)) throw error;
				timeError = error;
			}
		}
	} finally {
		if (summary.telegrams > 0) await writer.end();
		if (reader.parityNote !== undefined) io.stderr.write(`${place}: ${reader.parityNote}\n`);
		if (reader.leadingDataSets > 0)
			io.stderr.write(`${place}: warning: ${dataSetsBeforeNote(reader.leadingDataSets)}\n`);
		// One summary per capture, not a line per telegram; also before an error that ends the command.
		for (const line of summary.lines()) io.stderr.write(`${place}: ${line}\n`);
	}
	if (timeError !== undefined) {
		throw new CliError(`${place}: ${timeError.message}`, {exitCode: EXIT_CODES.usage, cause: timeError});
	}
	if (reader.telegramCount === 0 && reader.errors.length === 0) throw noTelegram(reader);
	await failOnRejectedBlocks(reader);
}

/** Blocks that were cut or failed their check: reported after the good telegrams were printed, exit non-zero. */
async function failOnRejectedBlocks(reader: CaptureReader): Promise<void> {
	const [first, ...others] = reader.errors;
	if (first === undefined) return;
	const evidence = reader.errors.some(
		(error) => error instanceof BlockCheckError && error.algorithm === 'bcc',
	)
		? bccEvidence(await reader.bccFailures())
		: undefined;
	const more = others.length > 0 ? ` (and ${others.length} more)` : '';
	const printed = reader.telegramCount;
	throw new CliError(
		`${reader.place}: ${first.message}${more}; ${printed === 0 ? 'no values printed' : `nothing of it printed, ${plural(printed, 'complete telegram')} printed`}`,
		{
			cause: first,
			...blockCheckHintOf(reader.errors, evidence),
		},
	);
}

function blockCheckHintOf(
	errors: readonly Error[],
	evidence: BlockCheckEvidence | undefined,
): {hint?: string} {
	const algorithms = new Set(
		errors.filter((error) => error instanceof BlockCheckError).map((error) => error.algorithm),
	);
	const hint = blockCheckHint(algorithms, evidence);
	return hint === undefined ? {} : {hint};
}

/** Line noise when any failed block shows it, the meter's own BCC when every one is well-formed. */
function bccEvidence(failed: readonly DecodedTelegram[] | undefined): BlockCheckEvidence | undefined {
	if (failed === undefined || failed.length === 0) return undefined;
	const judged = failed.map((telegram) => blockShapeEvidence(telegram));
	return judged.find((evidence) => evidence.kind === 'noise') ?? judged[0];
}

function noTelegram(reader: CaptureReader): CliError {
	// Said as it is: the decoder's "expected …" would send one looking for a wrong format.
	if (reader.head.length === 0) return new CliError(`${reader.place}: is empty: no bytes, so no telegram`);
	const garbled =
		reader.garbledBlocks > 0
			? `; ${plural(reader.garbledBlocks, 'STX…ETX span')} without data sets (noise)`
			: '';
	return new CliError(
		`${reader.place}: no telegram found (expected "/XXX5…" and data sets such as "1.8.0(…)")${garbled}`,
		// Only for bytes that read as text with bit 7 cleared: noise has bit 7 set as often, and no such hint.
		reader.highBitBytes > 0 && looksLike7E1Text(reader.head)
			? {hint: `${plural(reader.highBitBytes, 'byte')} with bit 7 set: was 7E1 data read as 8N1?`}
			: {},
	);
}
