import {type DecodedTelegram, decodeCapture} from '../iec62056/capture-decoder.ts';
import {rawTelegramsOf} from '../output/raw-archive.ts';
import type {ObisSelection} from '../readings/obis-selection.ts';
import {CliError} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {type TelegramOutputOptions, writeTelegrams} from './telegram-output.ts';

/**
 * `parse` of a raw archive file (`raw-YYYY-MM-DD.jsonl.gz`, see RawArchive): each record's telegram
 * decoded from its bytes, stamped with the time it was received and, for line protocol, tagged with
 * the meter the collector read (unless --meter says otherwise). Damaged records are skipped with a
 * warning; a record whose telegram does not decode is reported by its number, and the others printed.
 */
export function parseRawArchive(
	file: Buffer,
	options: TelegramOutputOptions & {readonly ignoreBcc: boolean},
	place: string,
	selection: ObisSelection | undefined,
	io: CommandIo,
): void {
	const warn = (message: string) => io.stderr.write(`${place}: warning: ${message}\n`);
	const all: DecodedTelegram[] = [];
	const failures: string[] = [];
	let records = 0;
	for (const record of rawTelegramsOf(file, warn)) {
		records++;
		const decoding = decodeCapture(record.bytes, {ignoreBlockCheck: options.ignoreBcc});
		const at = `${place}: record ${records} (${record.meterId}, ${record.readAt.toISOString()})`;
		for (const error of decoding.errors) failures.push(`${at}: ${error.message}`);
		if (decoding.telegrams.length === 0) continue;
		if (options.format === 'line-protocol') {
			writeTelegrams(
				decoding.telegrams,
				{...options, meter: options.meter ?? record.meterId},
				{place: at, readAt: record.readAt, selection},
				io,
			);
		} else {
			all.push(...decoding.telegrams);
		}
	}
	if (options.format !== 'line-protocol' && all.length > 0) {
		writeTelegrams(all, options, {place, readAt: new Date(), selection}, io);
	}
	const [first, ...others] = failures;
	if (first !== undefined) {
		throw new CliError(`${first}${others.length > 0 ? ` (and ${others.length} more)` : ''}`);
	}
	if (records === 0) throw new CliError(`${place}: raw archive holds no readable record`);
}
