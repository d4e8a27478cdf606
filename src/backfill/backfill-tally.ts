import type {SkipReason} from '../readings/point-mapper.ts';
import type {RefusalReason} from './backfill-sources.ts';

/** Why a point (or a data set) was not written by a backfill: the mapper's reasons and the backfill's own. */
export type BackfillSkipReason =
	| SkipReason
	| 'before-since'
	| 'after-until'
	| 'already-written'
	| 'not-dated'
	| 'meter-not-configured'
	| 'other-meter';

/** A value that cannot be placed in time, listed for the user (never guessed). */
export interface UndatedValue {
	readonly place: string;
	readonly address: string;
	readonly reason: SkipReason;
}

/** How many undated values are listed one by one; the rest are counted. */
export const UNDATED_LISTED = 20;

/**
 * The counts of one backfill run, for the progress line and the summary table: telegrams good and
 * refused by reason, billing periods found, points written and skipped by reason.
 */
export class BackfillTally {
	readonly sources: string[] = [];
	telegrams = 0;
	readouts = 0;
	readonly refused = new Map<RefusalReason, number>();
	/** Sources (or meters read) refused whole, without a telegram in them (`no-telegram`): one each. */
	readonly refusedSources = new Map<RefusalReason, number>();
	/** The first refusal of each reason, for the summary. */
	readonly refusedExamples = new Map<RefusalReason, string>();
	pointsWritten = 0;
	readonly skipped = new Map<BackfillSkipReason, number>();
	readonly undated: UndatedValue[] = [];
	undatedCount = 0;
	/** What is odd about a source whose telegrams were taken anyway (7E1 data captured as 8N1), for the summary. */
	readonly notes: string[] = [];
	/** Distinct (meter, billing scheme, reset instant): the billing periods the sources hold. */
	readonly #periods = new Set<string>();

	get billingPeriods(): number {
		return this.#periods.size;
	}

	get refusedTotal(): number {
		let total = 0;
		for (const count of this.refused.values()) total += count;
		return total;
	}

	get skippedTotal(): number {
		let total = 0;
		for (const count of this.skipped.values()) total += count;
		return total;
	}

	get refusedSourcesTotal(): number {
		let total = 0;
		for (const count of this.refusedSources.values()) total += count;
		return total;
	}

	/** `telegrams` 0: a source (or meter) that gave no telegram at all, counted as one refused source. */
	refuse(reason: RefusalReason, telegrams: number, message: string): void {
		if (telegrams === 0) this.refusedSources.set(reason, (this.refusedSources.get(reason) ?? 0) + 1);
		else this.refused.set(reason, (this.refused.get(reason) ?? 0) + telegrams);
		if (!this.refusedExamples.has(reason)) this.refusedExamples.set(reason, message);
	}

	skip(reason: BackfillSkipReason, count = 1): void {
		if (count > 0) this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + count);
	}

	period(key: string): void {
		this.#periods.add(key);
	}

	undatedValue(value: UndatedValue): void {
		this.undatedCount++;
		if (this.undated.length < UNDATED_LISTED) this.undated.push(value);
	}
}
