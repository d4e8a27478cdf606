import type {DataSet} from '../iec62056/data-set.ts';
import {groupValue, type ObisCode} from '../iec62056/obis-code.ts';

/** One entry of a meter's selection, as configured: the smarthomeNG dlms plugin's `dlms_obis_code` plus an optional name. */
export interface SelectionEntry {
	/**
	 * `1.8.1`, `1-1:1.8.1`, `1.6.2*01` (billing period 01), `1.6.2*01~1` (its second value, the date),
	 * `1.8` (short codes), globs with `*` for a whole group: `1.8.*`, `*.8.0`, `1.6.2**` (every period),
	 * `1.6.2&*` (every period of the second scheme). Letters C F L P stand for 96–99 as in codes.
	 */
	readonly code: string;
	/** A friendly name, written as the tag `name` (e.g. `import_total`). */
	readonly name?: string;
}

/** What a selection asks of one data set: which value (0 = the first) and under which name. */
export interface SelectionMatch {
	readonly valueIndex: number;
	readonly name?: string;
}

interface Pattern {
	readonly source: string;
	readonly a?: number | '*';
	readonly b?: number | '*';
	readonly groups: readonly (number | '*')[];
	readonly separator?: '*' | '&';
	readonly f?: number | '*';
	readonly valueIndex: number;
	readonly name?: string;
}

/** A selection entry that is not a code pattern. Thrown at configuration time, naming the entry. */
export class SelectionSyntaxError extends TypeError {
	readonly code: string;

	constructor(code: string, reason: string) {
		super(`selection ${JSON.stringify(code)}: ${reason}`);
		this.name = 'SelectionSyntaxError';
		this.code = code;
	}
}

const GROUP = String.raw`(\d{1,3}|[CFLPcflp]|\*)`;
const PATTERN = new RegExp(
	String.raw`^(?:(\d{1,3}|\*)-(\d{1,3}|\*):)?${GROUP}\.${GROUP}(?:\.${GROUP})?(?:([*&])(\d{1,3}|\*))?(?:~(\d{1,2}))?$`,
);

/**
 * The codes to write, as the smarthomeNG dlms plugin's `dlms_obis_code` items: built once from configuration (validated
 * then), asked per data set. A pattern without a billing suffix matches current values only
 * (F absent or 255); `*01` matches `*01` and `*1`; `*` never matches `&`.
 */
export class ObisSelection {
	readonly #patterns: readonly Pattern[];

	constructor(entries: readonly SelectionEntry[]) {
		this.#patterns = entries.map(parsePattern);
	}

	/** Every way the selection asks for this data set; empty when it is not selected. */
	match(set: DataSet): SelectionMatch[] {
		const code = set.obis;
		if (code === undefined) return [];
		const matches: SelectionMatch[] = [];
		for (const pattern of this.#patterns) {
			if (!patternMatches(pattern, code)) continue;
			// Overlapping entries (`1.6.2*01` and `1.6.2**`) ask for the same value once: the same point
			// twice would count as a code the meter sent twice.
			if (matches.some((other) => other.valueIndex === pattern.valueIndex && other.name === pattern.name)) {
				continue;
			}
			matches.push({
				valueIndex: pattern.valueIndex,
				...(pattern.name === undefined ? {} : {name: pattern.name}),
			});
		}
		return matches;
	}

	/**
	 * The entries (as written) that match none of these data sets: a code the meter never sends, most
	 * often a typo, which would otherwise mean missing data without a word.
	 */
	unmatched(sets: Iterable<DataSet>): string[] {
		const matched = new Set<Pattern>();
		for (const set of sets) {
			const code = set.obis;
			if (code === undefined) continue;
			for (const pattern of this.#patterns) if (patternMatches(pattern, code)) matched.add(pattern);
			if (matched.size === this.#patterns.length) break;
		}
		return this.#patterns.filter((pattern) => !matched.has(pattern)).map((pattern) => pattern.source);
	}

	/**
	 * The entries with a value index (`1.6.2*03~2`) whose data sets are there but none has that many
	 * values: nothing is written for them, which would otherwise pass without a word.
	 */
	shortOfValues(sets: Iterable<DataSet>): SelectionShortOfValues[] {
		const indexed = this.#patterns.filter((pattern) => pattern.valueIndex > 0);
		if (indexed.length === 0) return [];
		const most = new Map<Pattern, number>();
		for (const set of sets) {
			const code = set.obis;
			if (code === undefined) continue;
			for (const pattern of indexed) {
				if (patternMatches(pattern, code))
					most.set(pattern, Math.max(most.get(pattern) ?? 0, set.values.length));
			}
		}
		const short: SelectionShortOfValues[] = [];
		for (const pattern of indexed) {
			const values = most.get(pattern);
			if (values !== undefined && values <= pattern.valueIndex) short.push({code: pattern.source, values});
		}
		return short;
	}
}

/** An entry asking for a value (`~2`) its data sets do not have, with the most values one of them had. */
export interface SelectionShortOfValues {
	readonly code: string;
	readonly values: number;
}

function parsePattern(entry: SelectionEntry): Pattern {
	const source = entry.code.trim();
	const match = PATTERN.exec(source);
	if (!match) {
		throw new SelectionSyntaxError(
			entry.code,
			'expected an OBIS code such as 1.8.1, 1-1:1.6.2*01, 1.6.2*01~1 or 1.8.*',
		);
	}
	const [, a, b, c, d, e, separator, f, index] = match;
	const group = (text: string): number | '*' => (text === '*' ? '*' : groupValue(text.toUpperCase()));
	const number = (text: string): number | '*' => (text === '*' ? '*' : Number(text));
	for (const value of [a, b, f]) {
		if (value !== undefined && value !== '*' && Number(value) > 255) {
			throw new SelectionSyntaxError(entry.code, `group value ${value} is above 255`);
		}
	}
	const groups = [c, d, e].filter((value): value is string => value !== undefined).map(group);
	if (groups.some((value) => value !== '*' && value > 255)) {
		throw new SelectionSyntaxError(entry.code, 'a group value is above 255');
	}
	return {
		source,
		...(a === undefined ? {} : {a: number(a)}),
		...(b === undefined ? {} : {b: number(b as string)}),
		groups,
		...(separator === undefined ? {} : {separator: separator as '*' | '&', f: number(f as string)}),
		valueIndex: index === undefined ? 0 : Number(index),
		...(entry.name === undefined ? {} : {name: entry.name}),
	};
}

function patternMatches(pattern: Pattern, code: ObisCode): boolean {
	if (pattern.a !== undefined && pattern.a !== '*' && code.a !== pattern.a) return false;
	if (pattern.b !== undefined && pattern.b !== '*' && code.b !== pattern.b) return false;
	const groups = [code.c, code.d, code.e]
		.filter((value): value is string => value !== undefined)
		.map(groupValue);
	if (groups.length !== pattern.groups.length) return false;
	for (const [index, expected] of pattern.groups.entries()) {
		if (expected !== '*' && groups[index] !== expected) return false;
	}
	const current = code.f === undefined || (code.separator === '*' && Number(code.f) === 255);
	if (pattern.separator === undefined) return current;
	if (current || code.separator !== pattern.separator) return false;
	return pattern.f === '*' || Number(code.f) === pattern.f;
}
