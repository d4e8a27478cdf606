import type {Writable} from 'node:stream';
import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import type {DataSet} from '../iec62056/data-set.ts';
import {formatLineProtocolBatch} from '../output/line-protocol.ts';
import {meterIdentity} from '../readings/meter-identity.ts';
import type {ObisSelection} from '../readings/obis-selection.ts';
import {mapReading, type SkippedDataSet, type SkipReason} from '../readings/point-mapper.ts';
import {countSkipped, describeSkipCounts} from '../readings/skip-summary.ts';
import {describeShortSelection, describeUnmatchedSelection} from '../readings/unmatched-selection.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import {describeNoResetDate, splitNoResetDate} from './no-reset-date.ts';
import type {OutputFormat} from './output-format.ts';
import {PacedOutput} from './paced-output.ts';
import {readoutToJson} from './readout-json.ts';
import {readoutToTable} from './readout-table.ts';

/** Prints telegrams one at a time, as they are decoded, so a capture of any size needs no more memory than one. */
export interface TelegramWriter {
	/** `readAt`: the readout time of this telegram (line protocol only). */
	write(telegram: DecodedTelegram, readAt: Date): Promise<void>;
	/** Closes the document (JSON) and flushes. */
	end(): Promise<void>;
}

export interface TelegramWriterOptions {
	readonly format: OutputFormat;
	readonly verbose: boolean;
	/** IANA zone of the meter's clock (line protocol). */
	readonly timeZone: string;
	readonly meter?: string;
	readonly selection?: ObisSelection;
	/** Where the telegrams come from, for messages. */
	readonly place: string;
}

/** The writer for a format; what it notices on the way is gathered in `summary`. */
export function createTelegramWriter(
	options: TelegramWriterOptions,
	stdout: Writable,
	summary: TelegramSummary,
): TelegramWriter {
	const out = new PacedOutput(stdout);
	switch (options.format) {
		case 'table':
			return new DocumentWriter(out, options.verbose, summary, TABLE_FORMAT);
		case 'json':
			return new DocumentWriter(out, options.verbose, summary, JSON_DOCUMENT_FORMAT);
		case 'ndjson':
			return new DocumentWriter(out, options.verbose, summary, NDJSON_FORMAT);
		case 'line-protocol':
			return new LineProtocolWriter(out, options, summary);
	}
}

/**
 * What a capture's telegrams had to say beside their values, gathered over the whole input and said
 * once at the end: one line per kind, not one per telegram (a capture may hold 50 000 telegrams).
 */
export class TelegramSummary {
	readonly #skipped = new Map<SkipReason, number>();
	/** History of periods whose reset stamp is a placeholder, not written (see splitNoResetDate). */
	#noResetDate = 0;
	readonly #unknownUnits = new Set<string>();
	/** Message → in how many telegrams (malformed data sets, notes); the first 50 distinct ones. */
	readonly #messages = new Map<string, number>();
	#otherMessages = 0;
	/** Selected codes none of the telegrams so far contained; undefined before the first telegram. */
	#unmatched: Set<string> | undefined;
	/** Selected codes with a value index (`~2`) beyond their data set: code → most values seen. */
	readonly #shortOfValues = new Map<string, number>();
	#telegrams = 0;

	get telegrams(): number {
		return this.#telegrams;
	}

	/** Notes and malformed data sets of a telegram (every format). */
	noteTelegram(telegram: DecodedTelegram): void {
		this.#telegrams++;
		for (const note of telegram.notes ?? []) this.#message(note);
		for (const error of telegram.malformed) this.#message(error.message);
	}

	/** `dataSets`: the telegram's, to tell history of a period with a placeholder reset stamp apart. */
	noteMapping(
		skipped: readonly (Pick<SkippedDataSet, 'reason'> & {readonly address?: string})[],
		unknownUnits: readonly string[],
		dataSets: readonly DataSet[] = [],
	): void {
		const {rest, noResetDate} = splitNoResetDate(skipped, dataSets);
		this.#noResetDate += noResetDate;
		countSkipped(this.#skipped, rest);
		for (const unit of unknownUnits) this.#unknownUnits.add(unit);
	}

	noteSelection(selection: ObisSelection, telegram: DecodedTelegram): void {
		// Said once at the end, with the most values a telegram's data set had.
		for (const {code, values} of selection.shortOfValues(telegram.dataSets)) {
			this.#shortOfValues.set(code, Math.max(values, this.#shortOfValues.get(code) ?? 0));
		}
		const missing = selection.unmatched(telegram.dataSets);
		this.#unmatched =
			this.#unmatched === undefined
				? new Set(missing)
				: new Set(missing.filter((code) => this.#unmatched?.has(code)));
	}

	/** The lines to print on stderr, each without its place. */
	lines(): string[] {
		const several = this.#telegrams > 1;
		const lines = [...this.#messages].map(([message, count]) =>
			several ? `${message} (in ${count} of ${this.#telegrams} telegrams)` : message,
		);
		if (this.#otherMessages > 0) lines.push(`${this.#otherMessages} further messages not shown`);
		const skipped = [describeSkipCounts(this.#skipped), describeNoResetDate(this.#noResetDate)]
			.filter((part) => part !== '')
			.join('; ');
		if (skipped !== '') lines.push(several ? `over ${this.#telegrams} telegrams: ${skipped}` : skipped);
		if (this.#unknownUnits.size > 0) {
			lines.push(`units passed through unconverted: ${[...this.#unknownUnits].join(', ')}`);
		}
		if (this.#unmatched !== undefined && this.#unmatched.size > 0) {
			lines.push(describeUnmatchedSelection([...this.#unmatched]));
		}
		if (this.#shortOfValues.size > 0) {
			lines.push(describeShortSelection([...this.#shortOfValues].map(([code, values]) => ({code, values}))));
		}
		return lines;
	}

	#message(message: string): void {
		const count = this.#messages.get(message);
		if (count !== undefined) this.#messages.set(message, count + 1);
		else if (this.#messages.size < 50) this.#messages.set(message, 1);
		else this.#otherMessages++;
	}
}

/** How one text format renders each telegram and closes the output. */
interface DocumentFormat {
	/** The text of one telegram; `first` is true for the first telegram of the output. */
	readonly item: (telegram: DecodedTelegram, verbose: boolean, first: boolean) => string;
	/** What ends the output, given how many telegrams were written. Default nothing. */
	readonly closing?: (telegrams: number) => string;
}

/** The aligned table of each telegram, an empty line between two (as readoutToTable joins them). */
const TABLE_FORMAT: DocumentFormat = {
	item: (telegram, verbose, first) => `${first ? '' : '\n'}${readoutToTable([telegram], verbose)}`,
};

/** What JSON.stringify(…, null, 2) puts before the first telegram of a readout and after the last. */
const JSON_HEAD = '{\n  "telegrams": [\n    ';
const JSON_TAIL = '\n  ]\n}';

/**
 * One JSON document, `{"telegrams": [...]}`, the same text JSON.stringify(…, null, 2) gives for the
 * whole readout, written one telegram at a time.
 */
const JSON_DOCUMENT_FORMAT: DocumentFormat = {
	item: (telegram, verbose, first) => {
		// The telegram as JSON.stringify indents it inside the document: stringified in a document of one,
		// and cut out (a re-indenting replaceAll of every line made five times the garbage).
		const text = JSON.stringify(readoutToJson([telegram], verbose), null, 2);
		const item = text.slice(JSON_HEAD.length, text.length - JSON_TAIL.length);
		return `${first ? JSON_HEAD : ',\n    '}${item}`;
	},
	closing: (telegrams) => (telegrams === 0 ? '{\n  "telegrams": []\n}\n' : '\n  ]\n}\n'),
};

/** One telegram per line, as JSON (the shape of one entry of `telegrams` in `-f json`). */
const NDJSON_FORMAT: DocumentFormat = {
	item: (telegram, verbose) => `${JSON.stringify(readoutToJson([telegram], verbose).telegrams[0])}\n`,
};

/** Writes each telegram in one of the text formats above as it arrives. */
class DocumentWriter implements TelegramWriter {
	readonly #out: PacedOutput;
	readonly #verbose: boolean;
	readonly #summary: TelegramSummary;
	readonly #format: DocumentFormat;

	constructor(out: PacedOutput, verbose: boolean, summary: TelegramSummary, format: DocumentFormat) {
		this.#out = out;
		this.#verbose = verbose;
		this.#summary = summary;
		this.#format = format;
	}

	async write(telegram: DecodedTelegram): Promise<void> {
		await this.#out.write(this.#format.item(telegram, this.#verbose, this.#summary.telegrams === 0));
		this.#summary.noteTelegram(telegram);
	}

	async end(): Promise<void> {
		if (this.#format.closing !== undefined)
			await this.#out.write(this.#format.closing(this.#summary.telegrams));
		await this.#out.flush();
	}
}

/** The points the collector would write for each telegram, as line protocol. */
class LineProtocolWriter implements TelegramWriter {
	readonly #out: PacedOutput;
	readonly #options: TelegramWriterOptions;
	readonly #summary: TelegramSummary;

	constructor(out: PacedOutput, options: TelegramWriterOptions, summary: TelegramSummary) {
		this.#out = out;
		this.#options = options;
		this.#summary = summary;
	}

	async write(telegram: DecodedTelegram, readAt: Date): Promise<void> {
		const {meter, selection, timeZone, place} = this.#options;
		this.#summary.noteTelegram(telegram);
		if (meter === undefined && meterIdentity(telegram.dataSets, telegram.identification) === undefined) {
			throw new CliError(
				`${place}: the telegram names no meter (no identification line, no serial number such as 0.0.0 or 0.0); give the meter tag with --meter`,
				{exitCode: EXIT_CODES.usage},
			);
		}
		const mapped = mapReading(
			{
				readAt,
				dataSets: telegram.dataSets,
				...(telegram.identification ? {identification: telegram.identification} : {}),
			},
			{
				timeZone,
				...(meter === undefined ? {} : {meterId: meter}),
				...(selection === undefined ? {} : {selection}),
			},
		);
		await this.#out.write(formatLineProtocolBatch(mapped.points));
		this.#summary.noteMapping(mapped.skipped, mapped.unknownUnits, telegram.dataSets);
		if (selection !== undefined) this.#summary.noteSelection(selection, telegram);
	}

	async end(): Promise<void> {
		await this.#out.flush();
	}
}
