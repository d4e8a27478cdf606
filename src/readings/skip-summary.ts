import type {SkipReason} from './point-mapper.ts';

/**
 * Why data sets were not written, in words a user of the meter knows, with what to do where there is
 * something to do: `16 text registers not written (select them to write them)`. Counts by reason, in
 * the order first seen; one line however many telegrams the counts come from.
 */
export function describeSkipCounts(counts: ReadonlyMap<SkipReason, number>): string {
	const parts = [...counts]
		.filter(([, count]) => count > 0)
		.map(([reason, count]) => SKIP_WORDS[reason](count));
	return parts.join('; ');
}

/** Adds the reasons of one telegram's skipped data sets to running counts. */
export function countSkipped(
	counts: Map<SkipReason, number>,
	skipped: readonly {reason: SkipReason}[],
): void {
	for (const {reason} of skipped) counts.set(reason, (counts.get(reason) ?? 0) + 1);
}

const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

const SKIP_WORDS: Readonly<Record<SkipReason, (count: number) => string>> = {
	'no-address': (count) => `${n(count, 'data set', 'data sets')} without a code not written`,
	'no-value': (count) => `${n(count, 'code', 'codes')} without a value not written`,
	'no-date': (count) => `${n(count, 'value', 'values')} with an empty date (no data yet) not written`,
	'history-without-date': (count) =>
		`${n(count, 'billing history value', 'billing history values')} without a date or reset time not written (nothing says when it applies)`,
	'history-disabled': (count) =>
		`${n(count, 'billing history value', 'billing history values')} not written (history is switched off)`,
	'text-disabled': (count) =>
		`${n(count, 'text register', 'text registers')} not written (select ${count === 1 ? 'it to write it' : 'them to write them'})`,
	'not-selected': (count) => `${n(count, 'code', 'codes')} not selected`,
	'empty-buffer': (count) => `${n(count, 'empty buffer entry', 'empty buffer entries')} not written`,
	duplicate: (count) => `${n(count, 'code', 'codes')} sent twice, written once`,
};
