import type {DataSet} from '../iec62056/data-set.ts';
import type {Point} from './point.ts';
import type {SkippedDataSet} from './point-mapper.ts';

/** One point a data set gave: its tags and fields (shared, never modified) and its time. */
export interface MemoEmit {
	readonly tags: Readonly<Record<string, string>>;
	readonly fields: Point['fields'];
	/** A time of the set's own (a date field); undefined: the readout's time. */
	readonly time: Date | undefined;
	/** Billing history (a `billing` tag). */
	readonly history: boolean;
}

/** One step of mapping a set: a skip (the very object handed out before) or a point. */
export interface MemoStep {
	readonly skip: SkippedDataSet | undefined;
	readonly emit: MemoEmit | undefined;
}

/** The unit a value sent without one took from the readout's set of the same reduced code. */
export interface UnitLookup {
	readonly code: string;
	readonly unit: string | undefined;
}

/**
 * What mapping one data set gave, in order, and the units it met that the normaliser does not know;
 * `lookup`: the unit it took from another set, which must be the same for the outcome to hold.
 */
export interface SetOutcome {
	readonly steps: readonly MemoStep[];
	readonly unknownUnits: readonly string[];
	readonly lookup: UnitLookup | undefined;
}

/**
 * What the point mapper made of each data set of the last readout of one meter, so that the next
 * readout's sets that are the same, byte for byte, are not mapped again: a meter read every minute
 * repeats most of its lines (ids, status words, registers that did not move), and mapping a set
 * (its date fields, number, unit, tags) costs many times comparing it. Kept only for sets whose points
 * depend on nothing but the set itself, the mapper's options and the readout's time (not history dated
 * by a reset stamp elsewhere in the readout), or on the unit another set gives its code (checked).
 *
 * One memo per meter and options object: the mapper starts it afresh when either changes. Holds one
 * readout's data sets (a few KB).
 */
export class MappingMemo {
	/** The options, meter tag and zone-rules generation the outcomes were made with. */
	options: object | undefined;
	meter: string | undefined;
	zoneRules = -1;
	/** Per position in the readout: the set an outcome was made from, and the outcome (undefined: none kept). */
	readonly sets: (DataSet | undefined)[] = [];
	readonly outcomes: (SetOutcome | undefined)[] = [];

	/** Forgets every outcome (the options, meter or zone rules changed). */
	clear(): void {
		this.sets.length = 0;
		this.outcomes.length = 0;
	}
}

/**
 * Whether two data sets are the same for the mapper: the same address and the same bracket
 * contents, from which every value's text, unit,
 * stamp and parts follow. Allocates nothing.
 */
export function sameDataSet(a: DataSet, b: DataSet): boolean {
	// The code (`obis`, `key`) follows from the address.
	if (a.address !== b.address || a.key !== b.key) return false;
	const left = a.values;
	const right = b.values;
	if (left.length !== right.length) return false;
	for (let index = 0; index < left.length; index++) {
		if ((left[index] as DataSet['values'][number]).raw !== (right[index] as DataSet['values'][number]).raw)
			return false;
	}
	return true;
}
