import type {Command} from 'commander';
import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import {formatLineProtocolBatch} from '../output/line-protocol.ts';
import {assertTimeZone} from '../readings/meter-clock.ts';
import {meterIdentity} from '../readings/meter-identity.ts';
import {ObisSelection} from '../readings/obis-selection.ts';
import {mapReading} from '../readings/point-mapper.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
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
	/** Codes to write as line protocol (the seed's dlms_obis_code forms), comma-separated. Default: every numeric value. */
	readonly select?: string;
}

/** Adds --format, --verbose, --timezone, --meter and --select to a command that prints telegrams. */
export function addTelegramOutputOptions(command: Command): Command {
	return command
		.option(
			'-f, --format <format>',
			'table, json or line-protocol',
			parseOutputFormat,
			'table' as OutputFormat,
		)
		.option('-v, --verbose', "include the *NN / &NN billing history, as the seed's verbose mode", false)
		.option('--timezone <zone>', "IANA time zone of the meter's clock (line protocol)")
		.option('--meter <id>', 'meter tag for line protocol (default: the serial number it reports)')
		.option('--select <codes>', 'line protocol: only these codes, e.g. "1.8.1,1.6.2*01~1,2.8.*"');
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
	try {
		return new ObisSelection(
			options.select
				.split(',')
				.map((code) => code.trim())
				.filter(Boolean)
				.map((code) => ({code})),
		);
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
		case 'line-protocol': {
			const timeZone = options.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
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
				if (mapped.skipped.length > 0) warn(`${context.place}: ${describeSkipped(mapped.skipped)}`);
				if (mapped.unknownUnits.length > 0) {
					warn(`${context.place}: units passed through unconverted: ${mapped.unknownUnits.join(', ')}`);
				}
			}
		}
	}
}

function describeSkipped(skipped: readonly {reason: string}[]): string {
	const counts = new Map<string, number>();
	for (const {reason} of skipped) counts.set(reason, (counts.get(reason) ?? 0) + 1);
	const parts = [...counts].map(([reason, count]) => `${count} ${reason}`);
	return `${skipped.length} data sets not written as points: ${parts.join(', ')}`;
}
