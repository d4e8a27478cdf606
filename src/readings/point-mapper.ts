import type {DataSet} from '../iec62056/data-set.ts';
import {parseDecimal} from '../iec62056/decimal-text.ts';
import {dsmrBuffer} from '../iec62056/dsmr-buffer.ts';
import {type MeterTime, NO_TIME} from '../iec62056/meter-time.ts';
import {channelOf, isCurrentValue, type ObisCode, reducedCode} from '../iec62056/obis-code.ts';
import {billingResetTimes} from './billing-reset-times.ts';
import {
	type MappingMemo,
	type MemoEmit,
	type MemoStep,
	type SetOutcome,
	sameDataSet,
	type UnitLookup,
} from './mapping-memo.ts';
import {meterTimeToInstant, zoneRulesGeneration} from './meter-clock.ts';
import {meterIdentity} from './meter-identity.ts';
import type {ObisSelection, SelectionMatch} from './obis-selection.ts';
import {type Point, sameTags} from './point.ts';
import type {Reading} from './reading.ts';
import {normaliseUnit} from './unit-normaliser.ts';
import {isTextRegister} from './value-kind.ts';
import {datedValue, valueTime} from './value-times.ts';

export interface PointMapperOptions {
	/** Measurement name. Default `meter`. */
	readonly measurement?: string;
	/** The `meter` tag. Default: the serial number the meter reports (see meterIdentity). */
	readonly meterId?: string;
	/** IANA zone the meter's clock runs in, e.g. `Europe/Berlin`. Default `UTC`. */
	readonly timeZone?: string;
	/** Write `*NN`/`&NN` billing history at its own dates. Default true. */
	readonly history?: boolean;
	/**
	 * Without a selection, also write text registers (ids, status words) as `text` fields. Default false:
	 * by default every numeric value is written (current values, maximum demand at its date, history
	 * at its dates). A selection writes exactly what it names, text included.
	 */
	readonly text?: boolean;
	/** The codes to write, as the smarthomeNG dlms plugin's `dlms_obis_code` items (`1.8.1`, `1.6.2*01~1`, `1.8.*`). */
	readonly selection?: ObisSelection;
	/** Decides per data set whether it is written; default: every set. Selection plugs in here. */
	readonly select?: (set: DataSet) => boolean;
}

export const DEFAULT_POINT_MAPPER_OPTIONS = {
	measurement: 'meter',
	timeZone: 'UTC',
	history: true,
	text: false,
} as const;

/** Why a data set produced no point. Counted and shown, never silent. */
export type SkipReason =
	| 'no-address'
	| 'no-value'
	| 'no-date'
	| 'history-without-date'
	| 'history-disabled'
	| 'text-disabled'
	| 'not-selected'
	| 'empty-buffer'
	| 'duplicate';

export interface SkippedDataSet {
	readonly address: string;
	readonly reason: SkipReason;
}

export interface MappedReading {
	readonly points: Point[];
	readonly skipped: SkippedDataSet[];
	/** Units written as sent (tag `unit`) because the normaliser does not know them. */
	readonly unknownUnits: string[];
	/** How many of the points are billing history (a `billing` tag). */
	readonly historyPoints: number;
}

/**
 * Turns one verified telegram into points (the schema in docs/schema.md):
 * - tags `meter`, `obis` (`C.D.E`, or the key of a non-OBIS address), `channel` (`A-B` when sent),
 *   `unit` (canonical when known, else as sent), on billing history `billing=1` (`*NN`, DSMR buffer
 *   entries) or `billing=2` (`&NN`), and `part` (1, 2, …) on each `&`-separated part of one bracket;
 * - `value` (float, normalised unit) or `text` (ids, status words, times, digits a float would lose);
 * - time: a value's own date field when it has one (`1.6.1(24.31*kW)(1605041345)`, see valueTimes),
 *   billing history at its own date or its period's reset time, DSMR buffer entries at their stamps,
 *   else the readout time.
 * History lands in series of its own (the `billing` tag), at times derived from the telegram, so
 * re-reading the same history overwrites the same points: backfill is idempotent. Placeholder dates
 * are "no data" and never become points. Pure: the same reading and options give the same points.
 *
 * `memo`: what the last reading of the same meter gave, set by set (see MappingMemo); the sets of this
 * reading that are the same as there give their points again without being mapped, the same points
 * as without it (their tags and fields objects shared, never modified).
 */
export function mapReading(
	reading: Reading,
	options: PointMapperOptions = {},
	memo?: MappingMemo,
): MappedReading {
	const merged = resolvedOptions(options);
	const meter = merged.meterId ?? meterIdentity(reading.dataSets, reading.identification) ?? 'meter';
	const {dataSets} = reading;
	const state: MappingState = {
		merged,
		meter,
		readAt: wholeSeconds(reading.readAt),
		dataSets,
		points: [],
		pointCodes: POINT_CODES,
		pointTimes: POINT_TIMES,
		historyPoints: 0,
		skipped: [],
		unknownUnits: undefined,
		byObis: undefined,
		resets: undefined,
		units: undefined,
		unitLookups: 0,
		steps: undefined,
		stepUnits: undefined,
		lookup: undefined,
		kept: false,
	};
	if (memo !== undefined) {
		const generation = zoneRulesGeneration();
		if (memo.options !== options || memo.meter !== meter || memo.zoneRules !== generation) {
			memo.clear();
			memo.options = options;
			memo.meter = meter;
			memo.zoneRules = generation;
		}
	}
	// A per-set loop on the hot path of every readout and of a backfill of millions: no closures,
	// spread objects or iterators per set, they cost more than the mapping itself.
	for (let index = 0; index < dataSets.length; index++) {
		const set = dataSets[index] as DataSet;
		if (memo === undefined) {
			mapSet(state, set);
			continue;
		}
		const known = memo.sets[index];
		const outcome = memo.outcomes[index];
		if (
			known !== undefined &&
			outcome !== undefined &&
			sameDataSet(known, set) &&
			(outcome.lookup === undefined || unitInReading(state, outcome.lookup.code) === outcome.lookup.unit)
		) {
			replay(state, set, outcome);
			continue;
		}
		const steps: MemoStep[] = [];
		const units: string[] = [];
		state.steps = steps;
		state.stepUnits = units;
		state.lookup = undefined;
		state.kept = true;
		mapSet(state, set);
		memo.sets[index] = set;
		memo.outcomes[index] = state.kept ? {steps, unknownUnits: units, lookup: state.lookup} : undefined;
		state.steps = undefined;
		state.stepUnits = undefined;
	}
	return {
		points: state.points,
		skipped: state.skipped,
		unknownUnits: state.unknownUnits === undefined ? [] : [...state.unknownUnits],
		historyPoints: state.historyPoints,
	};
}

/** The points and skips a set gave before, again (see MappingMemo); the readout's own time where it had one. */
function replay(state: MappingState, set: DataSet, outcome: SetOutcome): void {
	const {steps} = outcome;
	for (let index = 0; index < steps.length; index++) {
		const step = steps[index] as MemoStep;
		if (step.skip !== undefined) state.skipped.push(step.skip);
		else {
			const point = step.emit as MemoEmit;
			emit(state, set, point.tags, point.fields, point.time ?? state.readAt, point.history);
		}
	}
	for (let index = 0; index < outcome.unknownUnits.length; index++) {
		state.unknownUnits ??= new Set();
		state.unknownUnits.add(outcome.unknownUnits[index] as string);
	}
}

/** Maps one data set of a reading into the state's points and skips (and its memo steps, when kept). */
function mapSet(state: MappingState, set: DataSet): void {
	const {merged, meter, dataSets} = state;
	if (set.key === '') {
		skip(state, set, 'no-address');
		return;
	}
	if (merged.select && !merged.select(set)) {
		skip(state, set, 'not-selected');
		return;
	}
	const requests: readonly SelectionMatch[] = merged.selection ? merged.selection.match(set) : ALL_OF_IT;
	if (requests.length === 0) {
		skip(state, set, 'not-selected');
		return;
	}
	const code = set.obis;
	const buffered = dsmrBuffer(set);
	const history =
		buffered === undefined ? code !== undefined && !isCurrentValue(code) : buffered.kind === 'buffer';
	if (history && !merged.history) {
		skip(state, set, 'history-disabled');
		return;
	}

	if (buffered !== undefined) {
		if (buffered.entries.length === 0) {
			skip(state, set, buffered.kind === 'buffer' ? 'empty-buffer' : 'no-value');
			return;
		}
		for (const entry of buffered.entries) {
			const value = set.values[entry.valueIndex];
			if (value === undefined || value.text === '') {
				skip(state, set, 'no-value');
				continue;
			}
			const stamp = valueTime(set, entry.stampIndex);
			const at =
				stamp === undefined || stamp === NO_TIME ? undefined : meterTimeToInstant(stamp, merged.timeZone);
			if (at === undefined) {
				skip(state, set, 'no-date');
				continue;
			}
			const shaped = fieldsOf(state, value.text, exactNumber(value.text), entry.unit ?? value.unit);
			if (shaped === undefined) {
				skip(state, set, 'text-disabled');
				continue;
			}
			const tags: Record<string, string> = {meter, obis: reducedCode(entry.code)};
			const channel = channelOf(entry.code);
			if (channel !== undefined) tags['channel'] = channel;
			if (shaped.unit !== '') tags['unit'] = shaped.unit;
			if (history) tags['billing'] = '1';
			const name = requests[0]?.name;
			if (name !== undefined) tags['name'] = name;
			put(state, set, tags, shaped.fields, new Date(at.getTime() + entry.offsetMinutes * 60_000));
		}
		return;
	}

	const picked = datedValue(set);
	if (picked === undefined || picked.value.text === '') {
		skip(state, set, 'no-value');
		return;
	}
	let time: Date | undefined = state.readAt;
	if (picked.stamp === NO_TIME) {
		skip(state, set, 'no-date');
		return;
	}
	if (picked.stamp !== undefined) {
		time = meterTimeToInstant(picked.stamp, merged.timeZone);
	} else if (history) {
		// Dated by a reset stamp elsewhere in the readout: not the set's alone to remember.
		state.kept = false;
		state.resets ??= billingResetTimes(dataSets);
		const reset = code?.f === undefined ? undefined : state.resets.get(`${code.separator}${code.f}`);
		time = reset === undefined ? undefined : meterTimeToInstant(reset, merged.timeZone);
		if (time === undefined) {
			skip(state, set, 'history-without-date');
			return;
		}
	}
	if (time === undefined) {
		skip(state, set, 'no-date');
		return;
	}

	const obis = reducedCodeOf(set) ?? set.key;
	const channel = code === undefined ? undefined : channelText(code);
	for (let requestIndex = 0; requestIndex < requests.length; requestIndex++) {
		const request = requests[requestIndex] as SelectionMatch;
		const value = request.valueIndex === 0 ? picked.value : set.values[request.valueIndex];
		if (value === undefined || value.text === '') {
			skip(state, set, 'no-value');
			continue;
		}
		// Text even when it looks numeric: the first value of a text register (ids, status words) or one
		// that is a time, and a selected further value that is a time stamp (`1.6.2*01~1`, the smarthomeNG dlms plugin's peak date).
		const asText =
			request.valueIndex === 0
				? isTextRegister(code, value.unit) || picked.isTime
				: valueTime(set, request.valueIndex) !== undefined;
		// `9.4(088*C&082*C)`: every part of one bracket is a value of its own, told apart by `part`.
		const whole = value.parts === undefined || asText;
		const partCount = whole ? 1 : (value.parts?.length ?? 0);
		for (let partIndex = 0; partIndex < partCount; partIndex++) {
			const part = whole ? value : value.parts?.[partIndex];
			if (part === undefined || part.text === '') {
				skip(state, set, 'no-value');
				continue;
			}
			const number = asText ? undefined : exactNumber(part.text);
			// Text has no unit (see fieldsOf): the unit table is asked only for a number sent without one.
			let unit = part.unit;
			if (unit === undefined && request.valueIndex === 0 && number !== undefined) unit = unitFor(state, obis);
			const shaped = fieldsOf(state, part.text, number, unit);
			if (shaped === undefined) {
				skip(state, set, 'text-disabled');
				continue;
			}
			// Insertion order as before: meter, obis, channel, unit, billing, part, index, name.
			const tags: Record<string, string> = {meter, obis};
			if (channel !== undefined) tags['channel'] = channel;
			if (shaped.unit !== '') tags['unit'] = shaped.unit;
			// The billing scheme keeps history apart from the live register: `*NN` is scheme 1, `&NN` scheme 2.
			if (history) tags['billing'] = code?.separator === '&' ? '2' : '1';
			if (!whole) tags['part'] = String(partIndex + 1);
			if (request.valueIndex !== 0) tags['index'] = String(request.valueIndex);
			if (request.name !== undefined) tags['name'] = request.name;
			put(state, set, tags, shaped.fields, time);
		}
	}
}

/** A set that gives no point (or one of its values that gives none), and why. */
function skip(state: MappingState, set: DataSet, reason: SkipReason): void {
	const skipped: SkippedDataSet = {address: set.address, reason};
	state.skipped.push(skipped);
	state.steps?.push({skip: skipped, emit: undefined});
}

/** A point of a set: added (see emit), and remembered with the readout's time told apart from the set's own. */
function put(
	state: MappingState,
	set: DataSet,
	tags: Record<string, string>,
	fields: Point['fields'],
	time: Date,
): void {
	const history = tags['billing'] !== undefined;
	state.steps?.push({
		skip: undefined,
		emit: {tags, fields, time: time === state.readAt ? undefined : time, history},
	});
	emit(state, set, tags, fields, time, history);
}

/**
 * `C.D.E` of a data set: its key when it is a current value (obisKey gives the reduced code then),
 * without concatenating it again for every set of every readout.
 */
function reducedCodeOf(set: DataSet): string | undefined {
	const code = set.obis;
	if (code === undefined) return undefined;
	return isCurrentValue(code) ? set.key : reducedCode(code);
}

/** The last channel worked out: the sets of a readout mostly share one (`1-1`), so its text is kept. */
let lastChannel: {a: number; b: number | undefined; text: string | undefined} = {
	a: -1,
	b: -1,
	text: undefined,
};

/** channelOf, the same text for the same `A-B` as the set before (no new string per point). */
function channelText(code: ObisCode): string | undefined {
	if (code.a === undefined) return undefined;
	if (code.a !== lastChannel.a || code.b !== lastChannel.b) {
		lastChannel = {a: code.a, b: code.b, text: channelOf(code)};
	}
	return lastChannel.text;
}

/** Without a selection, each data set's first value is asked for. */
const ALL_OF_IT: readonly SelectionMatch[] = [{valueIndex: 0}];

/** The options with their defaults, as the mapping reads them. */
interface ResolvedOptions {
	readonly measurement: string;
	readonly meterId: string | undefined;
	readonly timeZone: string;
	readonly history: boolean;
	readonly text: boolean;
	readonly selection: ObisSelection | undefined;
	readonly select: ((set: DataSet) => boolean) | undefined;
}

/**
 * The options with their defaults, in one object of a fixed shape (as `{...DEFAULTS, ...options}` would
 * give them, which yields an object of another shape for each set of keys given). Its fields are read
 * for every data set of every readout: a spread object made them the mapping's slowest reads.
 */
function resolvedOptions(options: PointMapperOptions): ResolvedOptions {
	const defaults = DEFAULT_POINT_MAPPER_OPTIONS;
	return {
		measurement: 'measurement' in options ? (options.measurement as string) : defaults.measurement,
		meterId: options.meterId,
		timeZone: 'timeZone' in options ? (options.timeZone as string) : defaults.timeZone,
		history: 'history' in options ? (options.history as boolean) : defaults.history,
		text: 'text' in options ? (options.text as boolean) : defaults.text,
		selection: options.selection,
		select: options.select,
	};
}

/** What one mapping builds up as it goes through the data sets. */
interface MappingState {
	readonly merged: ResolvedOptions;
	/** The `meter` tag. */
	readonly meter: string;
	/** The readout's time in whole seconds: the time of every value without a date of its own. */
	readonly readAt: Date;
	readonly dataSets: readonly DataSet[];
	readonly points: Point[];
	/**
	 * The `obis` tag and the time (ms) of each of the first SCAN_POINTS points, in the order of `points`
	 * (see emit): entries from `points.length` on are left from readings before.
	 */
	readonly pointCodes: string[];
	readonly pointTimes: number[];
	/** Points with a `billing` tag. */
	historyPoints: number;
	readonly skipped: SkippedDataSet[];
	/** Made for the first unit the normaliser does not know (most readings have none). */
	unknownUnits: Set<string> | undefined;
	/**
	 * The points so far by their `obis` tag: an equal point can only be among those (see emit). Most
	 * codes have one point: an array only for the others. Made once a reading has many points; until
	 * then a look through the few points so far is cheaper than building the map for every readout.
	 */
	byObis: Map<string, Point | Point[]> | undefined;
	/** The reset time of each billing period: worked out only for history without a date of its own (rare). */
	resets: Map<string, MeterTime> | undefined;
	/**
	 * The unit of each reduced code, for a value sent without one (history lines of some meters): the
	 * first few are looked up one by one (a readout has a handful: counters, status words), a table is
	 * made for more.
	 */
	units: Map<string, string> | undefined;
	unitLookups: number;
	/** What the set being mapped gave, for the memo (undefined: no memo). */
	steps: MemoStep[] | undefined;
	/** The unknown units that set met, for the memo. */
	stepUnits: string[] | undefined;
	/** The unit that set took from another set of the readout (see unitFor), for the memo. */
	lookup: UnitLookup | undefined;
	/** Whether that set's outcome depends on it alone (and on `lookup`), so the memo may keep it. */
	kept: boolean;
}

/**
 * The arrays behind MappingState's pointCodes and pointTimes, shared by every mapping (one runs at a
 * time, start to end): arrays of a reading's own grew entry by entry for each readout, about a kilobyte
 * of garbage a readout. Sized once, never shrunk.
 */
const POINT_CODES: string[] = [];
const POINT_TIMES: number[] = [];

/** Points of a reading up to which duplicates are looked for one by one (see MappingState.byObis). */
const SCAN_POINTS = 32;

/** Adds one point unless an equal one (same series and time) was added before. */
function emit(
	state: MappingState,
	set: DataSet,
	tags: Record<string, string>,
	fields: Point['fields'],
	time: Date,
	history: boolean,
): void {
	const point: Point = {measurement: state.merged.measurement, tags, fields, time: wholeSeconds(time)};
	// Every point has an `obis` tag (see mapSet); read from the tags objects of many shapes, it was one of
	// the mapping's slowest reads: the codes and times of the points so far are kept beside them.
	const obis = tags['obis'] as string;
	const at = point.time.getTime();
	const {points, pointCodes, pointTimes} = state;
	const count = points.length;
	if (state.byObis === undefined && count < SCAN_POINTS) {
		for (let index = 0; index < count; index++) {
			if (
				pointCodes[index] === obis &&
				pointTimes[index] === at &&
				sameTags((points[index] as Point).tags, tags)
			) {
				state.skipped.push({address: set.address, reason: 'duplicate'});
				return;
			}
		}
		points.push(point);
		pointCodes[count] = obis;
		pointTimes[count] = at;
		if (history) state.historyPoints++;
		return;
	}
	state.byObis ??= pointsByObis(points);
	const sameCode = state.byObis.get(obis);
	if (sameCode === undefined) state.byObis.set(obis, point);
	else {
		const others = Array.isArray(sameCode) ? sameCode : [sameCode];
		if (others.some((other) => other.time.getTime() === at && sameTags(other.tags, tags))) {
			state.skipped.push({address: set.address, reason: 'duplicate'});
			return;
		}
		others.push(point);
		if (others !== sameCode) state.byObis.set(obis, others);
	}
	points.push(point);
	if (history) state.historyPoints++;
}

/** The points by their `obis` tag, in order (see MappingState.byObis). */
function pointsByObis(points: readonly Point[]): Map<string, Point | Point[]> {
	const byObis = new Map<string, Point | Point[]>();
	for (const point of points) {
		const obis = point.tags['obis'] ?? '';
		const sameCode = byObis.get(obis);
		if (sameCode === undefined) byObis.set(obis, point);
		else if (Array.isArray(sameCode)) sameCode.push(point);
		else byObis.set(obis, [sameCode, point]);
	}
	return byObis;
}

/**
 * The fields of one value: text where a float would lie (`number` undefined: see exactNumber), else
 * the number in its canonical unit.
 */
function fieldsOf(
	state: MappingState,
	text: string,
	number: number | undefined,
	sentUnit: string | undefined,
): {fields: Point['fields']; unit: string} | undefined {
	if (number === undefined) {
		if (!state.merged.text && state.merged.selection === undefined) return undefined;
		return {fields: {text}, unit: ''};
	}
	const normalised = normaliseUnit(number, sentUnit);
	if (!normalised.known) {
		state.unknownUnits ??= new Set();
		state.unknownUnits.add(normalised.unit);
		state.stepUnits?.push(normalised.unit);
	}
	return {fields: {value: normalised.value}, unit: normalised.unit};
}

/**
 * The number a value's text stands for, when a float holds it exactly: `303132333435363738` (18
 * digits, a DSMR message) is not one, as a float keeps 15 to 17 significant digits.
 */
function exactNumber(text: string): number | undefined {
	const number = parseDecimal(text);
	if (number === undefined) return undefined;
	let digits = 0;
	let leading = true;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x30 || code > 0x39) continue;
		if (leading && code === 0x30) continue;
		leading = false;
		digits++;
	}
	return digits > 15 ? undefined : number;
}

/**
 * The unit a number sent without one takes: that of the first set of the readout with the same reduced
 * code and a unit (history lines of some meters). For the memo, the set's outcome holds while the
 * readout gives `code` the same unit (see replay).
 */
function unitFor(state: MappingState, code: string): string | undefined {
	const unit = unitInReading(state, code);
	if (state.steps !== undefined) {
		if (state.lookup === undefined) state.lookup = {code, unit};
		// Two codes looked up for one set: not kept (a set asks for its own code only).
		else if (state.lookup.code !== code) state.kept = false;
	}
	return unit;
}

/** The unit of `code` in the reading (see unitFor): the first few looked up one by one, then a table. */
function unitInReading(state: MappingState, code: string): string | undefined {
	if (state.units === undefined && state.unitLookups++ < UNIT_SCANS) return unitOfCode(state.dataSets, code);
	state.units ??= unitsByCode(state.dataSets, state.dataSets.map(reducedCodeOf));
	return state.units.get(code);
}

/** Units looked up one by one in a reading (unitOfCode) before the table of all is made (unitsByCode). */
const UNIT_SCANS = 8;

/**
 * The unit unitsByCode gives `code`, found without making the table: the first set of that code with a
 * unit. A set's key is its reduced code, plus `*F`/`&F` for history (see obisKey): only sets whose key
 * starts with `code` are looked at, and only history keys need their reduced code worked out.
 */
function unitOfCode(dataSets: readonly DataSet[], code: string): string | undefined {
	for (let index = 0; index < dataSets.length; index++) {
		const set = dataSets[index] as DataSet;
		const key = set.key;
		if (set.obis === undefined || !key.startsWith(code)) continue;
		if (key.length !== code.length && reducedCodeOf(set) !== code) continue;
		const unit = set.values[0]?.unit;
		if (unit !== undefined && unit !== '') return unit;
	}
	return undefined;
}

/**
 * The unit each reduced code is sent with somewhere in the telegram, for history lines sent without one.
 * `reduced` holds each set's reduced code (undefined for a set without an OBIS code).
 */
function unitsByCode(
	dataSets: readonly DataSet[],
	reduced: readonly (string | undefined)[],
): Map<string, string> {
	const units = new Map<string, string>();
	for (let index = 0; index < dataSets.length; index++) {
		const set = dataSets[index] as DataSet;
		const unit = set.values[0]?.unit;
		const code = reduced[index];
		if (code === undefined || unit === undefined || unit === '') continue;
		if (!units.has(code)) units.set(code, unit);
	}
	return units;
}

/** The time cut to whole seconds; a time that is one already is taken as it is (no copy per point). */
function wholeSeconds(date: Date): Date {
	const ms = date.getTime();
	return ms % 1000 === 0 ? date : new Date(Math.floor(ms / 1000) * 1000);
}
