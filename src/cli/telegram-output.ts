import type {Command} from 'commander';
import {hostTimeZone, isUtcZone} from '../daemon/host-time-zone.ts';
import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import type {DataSet} from '../iec62056/data-set.ts';
import {formatLineProtocolBatch} from '../output/line-protocol.ts';
import {assertTimeZone} from '../readings/meter-clock.ts';
import {meterIdentity} from '../readings/meter-identity.ts';
import {ObisSelection} from '../readings/obis-selection.ts';
import type {SkippedDataSet, SkipReason} from '../readings/point-mapper.ts';
import {mapReading} from '../readings/point-mapper.ts';
import {countSkipped, describeSkipCounts} from '../readings/skip-summary.ts';
import {describeShortSelection, describeUnmatchedSelection} from '../readings/unmatched-selection.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {describeNoResetDate, splitNoResetDate} from './no-reset-date.ts';
import {type OutputFormat, parseOutputFormat} from './output-format.ts';
import {readoutToJson} from './readout-json.ts';
import {readoutToTable} from './readout-table.ts';

/** The output options `parse` and `read` share. */
export interface TelegramOutputOptions {
	readonly format: OutputFormat;
	readonly verbose: boolean;
	/** IANA zone of the meter's clock, for line protocol. Default: the host's zone. */
	readonly timezone?: string;
	readonly meter?: string;
	/** Codes to write as line protocol (the smarthomeNG dlms plugin's dlms_obis_code forms), comma-separated. Default: every numeric value. */
	readonly select?: string;
}

/** Adds --format, --verbose, --timezone, --meter and --select to a command that prints telegrams. */
export function addTelegramOutputOptions(command: Command): Command {
	return command
		.option(
			'-f, --format <format>',
			'table, json, ndjson (one telegram a line) or line-protocol',
			parseOutputFormat,
			'table' as OutputFormat,
		)
		.option(
			'-v, --verbose',
			"include the *NN / &NN billing history, as the smarthomeNG dlms plugin's verbose mode",
			false,
		)
		.option(
			'--timezone <zone>',
			`IANA time zone of the meter's clock, for line protocol (e.g. Europe/Berlin); default the host's zone ` +
				`(${hostTimeZone()}), the rule run follows for a meter without a timezone. On a UTC host meter times ` +
				'are then read as UTC, which is said once: most meters keep local time',
		)
		.option('--meter <id>', 'meter tag for line protocol (default: the serial number it reports)')
		.option('--select <codes>', 'line protocol: only these codes, e.g. "1.8.1,1.6.2*01~1,2.8.*"');
}

/**
 * Said once by `read` and `parse` when meter times become instants (line protocol) in the host's zone
 * and that zone is UTC: most meters keep local time, and a wrong zone shifts every meter-stamped value
 * (peaks, billing history, the readout time from the meter's clock) by hours. Undefined when a zone
 * was given, the host is not on UTC, or the format prints the meter's times as sent (table, JSON).
 */
export function utcReadingNote(
	options: TelegramOutputOptions,
	hostZone = hostTimeZone(),
): string | undefined {
	if (options.format !== 'line-protocol' || options.timezone !== undefined || !isUtcZone(hostZone)) {
		return undefined;
	}
	return (
		`note: no --timezone given and this host runs ${hostZone}: meter times are read as UTC. ` +
		"If the meter's clock shows local time, give its zone, e.g. --timezone Europe/Berlin"
	);
}

/** Checks the options a user typed before any work starts: a bad zone or selection is a usage error. */
export function checkTelegramOutputOptions(options: TelegramOutputOptions): ObisSelection | undefined {
	if (options.timezone !== undefined) {
		try {
			assertTimeZone(options.timezone);
		} catch (error) {
			throw new CliError(`--timezone: ${(error as Error).message}`, {
				exitCode: EXIT_CODES.usage,
				cause: error,
			});
		}
	}
	if (options.select === undefined) return undefined;
	const codes = options.select
		.split(',')
		.map((code) => code.trim())
		.filter(Boolean);
	// An empty selection would select nothing and print nothing, with exit 0.
	if (codes.length === 0) {
		throw new CliError('--select: no code given; give codes such as "1.8.1,1.6.2*01"', {
			exitCode: EXIT_CODES.usage,
		});
	}
	try {
		return new ObisSelection(codes.map((code) => ({code})));
	} catch (error) {
		throw new CliError(`--select: ${(error as Error).message}`, {exitCode: EXIT_CODES.usage, cause: error});
	}
}

/**
 * Prints telegrams as a table, JSON, or the line protocol the collector would write; malformed data
 * sets and points not written go to stderr, so stdout stays clean for pipes. `extra` is merged into
 * the JSON document (the readout's mode, rate and timings for `read`).
 */
export function writeTelegrams(
	telegrams: readonly DecodedTelegram[],
	options: TelegramOutputOptions,
	context: {
		place: string;
		/** The readout time of every telegram, or of each by index (see captureTimes). */
		readAt: Date | readonly Date[];
		selection: ObisSelection | undefined;
		extra?: Record<string, unknown>;
	},
	io: CommandIo,
): void {
	const warn = (line: string) => io.stderr.write(`${line}\n`);
	for (const telegram of telegrams) {
		for (const note of telegram.notes ?? []) warn(`${context.place}: ${note}`);
		for (const error of telegram.malformed) warn(`${context.place}: ${error.message}`);
	}
	switch (options.format) {
		case 'table':
			io.stdout.write(readoutToTable(telegrams, options.verbose));
			return;
		case 'json':
			io.stdout.write(
				`${JSON.stringify({...context.extra, ...readoutToJson(telegrams, options.verbose)}, null, 2)}\n`,
			);
			return;
		case 'ndjson':
			for (const telegram of readoutToJson(telegrams, options.verbose).telegrams) {
				io.stdout.write(`${JSON.stringify({...context.extra, ...telegram})}\n`);
			}
			return;
		case 'line-protocol': {
			const timeZone = options.timezone ?? hostTimeZone();
			for (const [index, telegram] of telegrams.entries()) {
				if (
					options.meter === undefined &&
					meterIdentity(telegram.dataSets, telegram.identification) === undefined
				) {
					throw new CliError(
						`${context.place}: the telegram names no meter (no identification line, no serial number such as 0.0.0 or 0.0); give the meter tag with --meter`,
						{exitCode: EXIT_CODES.usage},
					);
				}
				const mapped = mapReading(
					{
						readAt: context.readAt instanceof Date ? context.readAt : (context.readAt[index] as Date),
						dataSets: telegram.dataSets,
						...(telegram.identification ? {identification: telegram.identification} : {}),
					},
					{
						timeZone,
						...(options.meter === undefined ? {} : {meterId: options.meter}),
						...(context.selection === undefined ? {} : {selection: context.selection}),
					},
				);
				io.stdout.write(formatLineProtocolBatch(mapped.points));
				if (mapped.skipped.length > 0)
					warn(`${context.place}: ${describeSkipped(mapped.skipped, telegram.dataSets)}`);
				if (mapped.unknownUnits.length > 0) {
					warn(`${context.place}: units passed through unconverted: ${mapped.unknownUnits.join(', ')}`);
				}
			}
			const sets = telegrams.flatMap((telegram) => telegram.dataSets);
			const missing = context.selection?.unmatched(sets) ?? [];
			if (missing.length > 0) warn(`${context.place}: ${describeUnmatchedSelection(missing)}`);
			const short = context.selection?.shortOfValues(sets) ?? [];
			if (short.length > 0) warn(`${context.place}: ${describeShortSelection(short)}`);
		}
	}
}

function describeSkipped(skipped: readonly SkippedDataSet[], dataSets: readonly DataSet[]): string {
	const {rest, noResetDate} = splitNoResetDate(skipped, dataSets);
	const counts = new Map<SkipReason, number>();
	countSkipped(counts, rest);
	return [describeSkipCounts(counts), describeNoResetDate(noResetDate)]
		.filter((part) => part !== '')
		.join('; ');
}
