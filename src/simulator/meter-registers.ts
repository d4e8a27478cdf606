import {DateTime} from 'luxon';
import {deterministicNoise} from './deterministic-noise.ts';
import {
	type HourDemand,
	type HourFlows,
	hourDemand,
	hourFlows,
	hourIndex,
	hourStartMs,
	type LoadModel,
} from './load-curve.ts';

/** A simulated meter: its site's load, when it was installed, and how its billing works. */
export interface MeterModel extends LoadModel {
	/** Installation: counters start at zero here; billing periods before it are "no data" (all zeros). */
	readonly installedAt: Date;
	/** IANA zone of the meter's clock; billing resets happen at its local midnight on the 1st. */
	readonly timeZone: string;
	/** The billing counter 0.1.0 at installation (meters leave the factory with test resets counted). */
	readonly initialResetCount: number;
	/** How many past billing periods the meter keeps (15 on ZMD and Iskra meters). */
	readonly historyDepth: number;
}

export interface Tariffs {
	readonly t1: number;
	readonly t2: number;
}

/** A maximum demand and the instant its 15-minute period ended. */
export interface DemandPeak {
	readonly kw: number;
	readonly atMs: number;
}

/** Registers of one billing period: counters as they stood at its end (or now), peaks within it. */
export interface PeriodRegisters {
	readonly importKwh: Tariffs;
	readonly exportKwh: Tariffs;
	/** Absent for a tariff that had no complete hour in the period yet. */
	readonly importDemand: {readonly t1?: DemandPeak; readonly t2?: DemandPeak};
	readonly exportDemand: {readonly t1?: DemandPeak; readonly t2?: DemandPeak};
}

export interface BillingPeriod extends PeriodRegisters {
	/** The billing counter after the reset that ended this period (ZMD meters index history by it). */
	readonly resetNumber: number;
	readonly endedAtMs: number;
}

export interface MeterRegisters {
	readonly atMs: number;
	/** Counters now and the peaks of the running period. */
	readonly current: PeriodRegisters;
	/** The billing counter 0.1.0: resets so far, from initialResetCount. */
	readonly resetCount: number;
	/** When the last billing reset happened; absent before the first one. */
	readonly lastResetAtMs?: number;
	/** Cumulative maximum demand (x.2.y): the sum of the peaks of every closed period. */
	readonly cumulativeDemandKw: {readonly import: Tariffs; readonly export: Tariffs};
	/** Flows at this minute (the hour's average with a minute-to-minute wobble), kW. */
	readonly power: {readonly importKw: number; readonly exportKw: number; readonly netKw: number};
	/** Most recent period first, historyDepth entries; undefined for periods before installation. */
	readonly history: readonly (BillingPeriod | undefined)[];
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Every register of the meter at an instant: a pure function of the model and the instant, summed
 * hour by hour from installation, so counters only rise and the same instant always gives the same values.
 */
export function meterRegisters(model: MeterModel, atMs: number): MeterRegisters {
	const installedMs = model.installedAt.getTime();
	const offsetMs = standardOffsetMs(model.timeZone);
	const resets = billingResets(installedMs, atMs, model.timeZone);
	const boundaries = [installedMs, ...resets, Math.max(installedMs, atMs)];

	const cache = hourCache(model, offsetMs);
	const closed: BillingPeriod[] = [];
	// Index 0 is tariff 1, index 1 tariff 2.
	const importKwh = [0, 0];
	const exportKwh = [0, 0];
	let current: PeriodRegisters | undefined;
	for (let index = 0; index + 1 < boundaries.length; index++) {
		const start = boundaries[index] as number;
		const end = boundaries[index + 1] as number;
		const isClosed = index < resets.length;
		const sums = isClosed ? closedPeriodSums(cache, model, start, end) : periodSums(cache, model, start, end);
		importKwh[0] = (importKwh[0] as number) + sums.importKwh[0];
		importKwh[1] = (importKwh[1] as number) + sums.importKwh[1];
		exportKwh[0] = (exportKwh[0] as number) + sums.exportKwh[0];
		exportKwh[1] = (exportKwh[1] as number) + sums.exportKwh[1];
		const registers: PeriodRegisters = {
			importKwh: {t1: importKwh[0] as number, t2: importKwh[1] as number},
			exportKwh: {t1: exportKwh[0] as number, t2: exportKwh[1] as number},
			importDemand: withPeaks(sums.importPeak[0], sums.importPeak[1]),
			exportDemand: withPeaks(sums.exportPeak[0], sums.exportPeak[1]),
		};
		if (isClosed) {
			closed.push({...registers, resetNumber: model.initialResetCount + index + 1, endedAtMs: end});
		} else current = registers;
	}

	const cumulative = {i1: 0, i2: 0, e1: 0, e2: 0};
	for (const period of closed) {
		cumulative.i1 += period.importDemand.t1?.kw ?? 0;
		cumulative.i2 += period.importDemand.t2?.kw ?? 0;
		cumulative.e1 += period.exportDemand.t1?.kw ?? 0;
		cumulative.e2 += period.exportDemand.t2?.kw ?? 0;
	}
	const history: (BillingPeriod | undefined)[] = [];
	for (let age = 0; age < model.historyDepth; age++) history.push(closed[closed.length - 1 - age]);
	const lastReset = resets[resets.length - 1];
	return {
		atMs,
		current: current ?? emptyPeriod(),
		resetCount: model.initialResetCount + resets.length,
		...(lastReset === undefined ? {} : {lastResetAtMs: lastReset}),
		cumulativeDemandKw: {
			import: {t1: cumulative.i1, t2: cumulative.i2},
			export: {t1: cumulative.e1, t2: cumulative.e2},
		},
		power: powerAt(model, atMs, offsetMs, installedMs),
		history,
	};
}

interface HourCache {
	readonly firstHour: number;
	readonly offsetMs: number;
	readonly hours: {readonly flows: HourFlows; readonly demand: HourDemand}[];
	/** Sums of closed billing periods, by `start end` (ms): they never change once the period has ended. */
	readonly closedPeriods: Map<string, PeriodSums>;
	/** The whole hours of the last period summed (see periodSums). */
	running?: RunningSums;
}

/** Energy of one billing period per tariff (index 0: tariff 1), kWh, and its peaks per tariff. */
interface PeriodSums {
	readonly importKwh: readonly [number, number];
	readonly exportKwh: readonly [number, number];
	readonly importPeak: readonly [DemandPeak | undefined, DemandPeak | undefined];
	readonly exportPeak: readonly [DemandPeak | undefined, DemandPeak | undefined];
}

/**
 * Flows and demand of every hour since installation, and the sums of closed billing periods, per model
 * object: meterRegisters sums them for each readout, so a run of readouts would otherwise recompute the
 * same hours again and again (quadratic in the meter's age). Keyed weakly, so a model that is dropped
 * takes its hours with it.
 */
const hourCaches = new WeakMap<MeterModel, HourCache>();

function closedPeriodSums(cache: HourCache, model: MeterModel, start: number, end: number): PeriodSums {
	const key = `${start} ${end}`;
	let sums = cache.closedPeriods.get(key);
	if (sums === undefined) {
		sums = periodSums(cache, model, start, end);
		cache.closedPeriods.set(key, sums);
	}
	return sums;
}

/**
 * Energy and peaks between two instants (ms), hour by hour: a part hour counts its share of energy, no
 * peak. The hours that ended before `end` are kept as a running sum per start (the running period), so
 * readouts in time order add only the hours since the last one.
 */
function periodSums(cache: HourCache, model: MeterModel, start: number, end: number): PeriodSums {
	const {offsetMs} = cache;
	let running = cache.running;
	if (running === undefined || running.start !== start || hourStartMs(running.nextHour, offsetMs) > end) {
		running = {
			start,
			nextHour: hourIndex(start, offsetMs),
			importKwh: [0, 0],
			exportKwh: [0, 0],
			importPeak: [undefined, undefined],
			exportPeak: [undefined, undefined],
		};
		cache.running = running;
	}
	// Whole hours (and a part hour at the start) that end by `end`: they never change again.
	for (; hourStartMs(running.nextHour, offsetMs) + HOUR_MS <= end; running.nextHour++) {
		addHour(running, cache, model, start, end, running.nextHour);
	}
	const sums: RunningSums = {
		start,
		nextHour: running.nextHour,
		importKwh: [...running.importKwh],
		exportKwh: [...running.exportKwh],
		importPeak: [...running.importPeak],
		exportPeak: [...running.exportPeak],
	};
	// The hour `end` falls in counts its share so far.
	if (hourStartMs(sums.nextHour, offsetMs) < end) addHour(sums, cache, model, start, end, sums.nextHour);
	return sums;
}

interface RunningSums {
	readonly start: number;
	/** The first hour not yet in the sums. */
	nextHour: number;
	readonly importKwh: [number, number];
	readonly exportKwh: [number, number];
	readonly importPeak: [DemandPeak | undefined, DemandPeak | undefined];
	readonly exportPeak: [DemandPeak | undefined, DemandPeak | undefined];
}

function addHour(
	sums: RunningSums,
	cache: HourCache,
	model: MeterModel,
	start: number,
	end: number,
	hour: number,
) {
	const hourStart = hourStartMs(hour, cache.offsetMs);
	const overlap = Math.min(end, hourStart + HOUR_MS) - Math.max(start, hourStart);
	if (overlap <= 0) return;
	const {flows, demand: peak} = hourOf(cache, model, hour);
	const fraction = overlap / HOUR_MS;
	const tariff = flows.tariff - 1;
	sums.importKwh[tariff] = (sums.importKwh[tariff] as number) + flows.importKw * fraction;
	sums.exportKwh[tariff] = (sums.exportKwh[tariff] as number) + flows.exportKw * fraction;
	// A demand period counts once it has ended inside this billing period.
	if (overlap < HOUR_MS) return;
	const stampMs = hourStart + peak.endMinute * MINUTE_MS;
	sums.importPeak[tariff] = higher(sums.importPeak[tariff], peak.importKw, stampMs);
	sums.exportPeak[tariff] = higher(sums.exportPeak[tariff], peak.exportKw, stampMs);
}

function hourCache(model: MeterModel, offsetMs: number): HourCache {
	let cache = hourCaches.get(model);
	if (cache === undefined || cache.offsetMs !== offsetMs) {
		cache = {
			firstHour: hourIndex(model.installedAt.getTime(), offsetMs),
			offsetMs,
			hours: [],
			closedPeriods: new Map(),
		};
		hourCaches.set(model, cache);
	}
	return cache;
}

function hourOf(cache: HourCache, model: MeterModel, hour: number) {
	const index = hour - cache.firstHour;
	if (index < 0) {
		const flows = hourFlows(model, hour);
		return {flows, demand: hourDemand(model, hour, flows)};
	}
	for (let next = cache.hours.length; next <= index; next++) {
		const flows = hourFlows(model, cache.firstHour + next);
		cache.hours.push({flows, demand: hourDemand(model, cache.firstHour + next, flows)});
	}
	return cache.hours[index] as HourCache['hours'][number];
}

/** Billing resets (local midnight on the 1st of each month) after installation, up to and including `atMs`. */
export function billingResets(installedMs: number, atMs: number, timeZone: string): number[] {
	const key = `${installedMs} ${timeZone}`;
	let known = resetCaches.get(key);
	if (known === undefined) {
		known = [DateTime.fromMillis(installedMs, {zone: timeZone}).startOf('month').plus({months: 1})];
		resetCaches.set(key, known);
	}
	// Zone arithmetic is the costly part (Intl per step): every reset is worked out once per meter.
	while ((known[known.length - 1] as DateTime).toMillis() <= atMs) {
		known.push((known[known.length - 1] as DateTime).plus({months: 1}));
	}
	const resets: number[] = [];
	for (const reset of known) {
		const ms = reset.toMillis();
		if (ms > atMs) break;
		resets.push(ms);
	}
	return resets;
}

/** The billing resets worked out so far, per installation instant and zone, in order; the last one lies ahead. */
const resetCaches = new Map<string, DateTime[]>();

/** The zone's standard offsets, by zone. */
const standardOffsets = new Map<string, number>();

/** The zone's winter (standard) offset, ms; see hourIndex for why the grid ignores DST. */
export function standardOffsetMs(timeZone: string): number {
	const known = standardOffsets.get(timeZone);
	if (known !== undefined) return known;
	// Fixed per zone (taken from one reference year) rather than per year, so that a zone that changed
	// its offset cannot make a counter move back when the year turns.
	const january = DateTime.fromObject({year: 2000, month: 1, day: 1}, {zone: timeZone}).offset;
	const july = DateTime.fromObject({year: 2000, month: 7, day: 1}, {zone: timeZone}).offset;
	const offsetMs = Math.min(january, july) * MINUTE_MS;
	standardOffsets.set(timeZone, offsetMs);
	return offsetMs;
}

function powerAt(model: MeterModel, atMs: number, offsetMs: number, installedMs: number) {
	if (atMs < installedMs) return {importKw: 0, exportKw: 0, netKw: 0};
	const flows = hourFlows(model, hourIndex(atMs, offsetMs));
	const minute = Math.floor(atMs / MINUTE_MS);
	const wobble = 0.8 + 0.4 * deterministicNoise(model.seed, minute, 13);
	const netKw = flows.consumptionKw * wobble - flows.pvKw;
	return {importKw: Math.max(0, netKw), exportKw: Math.max(0, -netKw), netKw};
}

function higher(peak: DemandPeak | undefined, kw: number, atMs: number): DemandPeak | undefined {
	if (kw <= 0) return peak;
	return peak === undefined || kw > peak.kw ? {kw, atMs} : peak;
}

function withPeaks(t1: DemandPeak | undefined, t2: DemandPeak | undefined): PeriodRegisters['importDemand'] {
	return {...(t1 === undefined ? {} : {t1}), ...(t2 === undefined ? {} : {t2})};
}

function emptyPeriod(): PeriodRegisters {
	return {importKwh: {t1: 0, t2: 0}, exportKwh: {t1: 0, t2: 0}, importDemand: {}, exportDemand: {}};
}
