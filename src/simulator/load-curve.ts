import {deterministicNoise} from './deterministic-noise.ts';

/** Relative consumption per hour of the day (0–23): a household peaks in the morning and the evening. */
export const HOUSEHOLD_LOAD_SHAPE: readonly number[] = [
	0.3, 0.25, 0.22, 0.22, 0.24, 0.35, 0.7, 1.1, 0.9, 0.65, 0.6, 0.65, 0.8, 0.7, 0.6, 0.6, 0.75, 1.1, 1.5, 1.6,
	1.4, 1.1, 0.75, 0.45,
];

/** Relative consumption per hour of a small business: flat nights, a working-day plateau. */
export const BUSINESS_LOAD_SHAPE: readonly number[] = [
	0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.8, 1.6, 2, 2.1, 2.1, 2, 1.8, 2, 2.1, 2, 1.8, 1.4, 0.9, 0.6, 0.4, 0.35, 0.3,
	0.3,
];

/** How a simulated site uses and produces energy. Hours are the meter's standard time (see hourIndex). */
export interface LoadModel {
	/** Seed of the day-to-day variation (weather, habits). */
	readonly seed: number;
	/** Average consumption per day over a year, kWh. */
	readonly dailyConsumptionKwh: number;
	/** 24 relative weights, one per hour of the day; normalised, so only their ratios matter. */
	readonly loadShape: readonly number[];
	/** Consumption on Saturdays and Sundays relative to weekdays (1.1 for a household, 0.4 for an office). */
	readonly weekendFactor: number;
	/** How much more is used in mid-January than on average, as a fraction (0.25: +25 %, and −25 % in July). */
	readonly winterExtra: number;
	/** Photovoltaic output at noon on a clear day in late June, kW; 0 for a site without PV. */
	readonly pvPeakKw: number;
	/** First and last-plus-one hour of tariff 1 (high tariff); the rest of the day is tariff 2. */
	readonly tariff1Hours: readonly [number, number];
}

/** Average flows during one hour. */
export interface HourFlows {
	readonly consumptionKw: number;
	readonly pvKw: number;
	/** Net flow from the grid (consumption above PV), kW; the energy of the hour is the same in kWh. */
	readonly importKw: number;
	/** Net flow into the grid (PV above consumption), kW. */
	readonly exportKw: number;
	readonly tariff: 1 | 2;
}

const HOUR_MS = 3_600_000;
const DAYS_PER_YEAR = 365.2425;

/**
 * Hours are counted on the meter's *standard* time (its zone's winter offset all year), not its wall
 * clock: a day then always has 24 hours, so counters are a sum over a fixed grid and never jump or
 * stall at a DST change. Load and sun follow the sun, not the wall clock, anyway.
 */
export function hourIndex(instantMs: number, standardOffsetMs: number): number {
	return Math.floor((instantMs + standardOffsetMs) / HOUR_MS);
}

/** The instant an hour of the standard-time grid starts, ms since the epoch. */
export function hourStartMs(hour: number, standardOffsetMs: number): number {
	return hour * HOUR_MS - standardOffsetMs;
}

export function hourFlows(model: LoadModel, hour: number): HourFlows {
	const day = Math.floor(hour / 24);
	const hourOfDay = hour - day * 24;
	const consumptionKw = dayConsumptionKwh(model, day) * shareOfDay(model.loadShape, hourOfDay);
	const pvKw = model.pvPeakKw * pvFraction(model.seed, day, hourOfDay);
	const net = consumptionKw - pvKw;
	const [from, to] = model.tariff1Hours;
	return {
		consumptionKw,
		pvKw,
		importKw: Math.max(0, net),
		exportKw: Math.max(0, -net),
		tariff: hourOfDay >= from && hourOfDay < to ? 1 : 2,
	};
}

/** The highest 15-minute average of an hour and the minute that demand period ends (15, 30, 45, 60). */
export interface HourDemand {
	readonly importKw: number;
	readonly exportKw: number;
	readonly endMinute: 15 | 30 | 45 | 60;
}

/** Appliances switch on and off within an hour: its busiest quarter lies above the hour's average. */
export function hourDemand(
	model: LoadModel,
	hour: number,
	flows: HourFlows = hourFlows(model, hour),
): HourDemand {
	const spike = deterministicNoise(model.seed, hour, 11);
	const quarter = Math.floor(deterministicNoise(model.seed, hour, 12) * 4);
	return {
		importKw: flows.importKw * (1 + 0.6 * spike * spike),
		exportKw: flows.exportKw * (1 + 0.08 * spike),
		endMinute: ((quarter + 1) * 15) as HourDemand['endMinute'],
	};
}

/** Consumption of one day (standard-time day number since the epoch), kWh: season, weekday and a random spread. */
export function dayConsumptionKwh(model: LoadModel, day: number): number {
	const season = 1 + model.winterExtra * Math.cos((2 * Math.PI * (dayOfYear(day) - 15)) / DAYS_PER_YEAR);
	// 1970-01-01 (day 0) was a Thursday: day + 4 is 0 on Sundays, 6 on Saturdays.
	const weekday = (((day + 4) % 7) + 7) % 7;
	const weekend = weekday === 0 || weekday === 6 ? model.weekendFactor : 1;
	const spread = 0.85 + 0.3 * deterministicNoise(model.seed, day, 1);
	return model.dailyConsumptionKwh * season * weekend * spread;
}

/** PV output as a fraction of the peak: a daylight arc around 12:30 that is longer and higher in summer, times the day's cloudiness. */
export function pvFraction(seed: number, day: number, hourOfDay: number): number {
	// 1 at the June solstice (day of year 172), 0 at the December one.
	const summer =
		0.5 - 0.5 * Math.cos((2 * Math.PI * (dayOfYear(day) - 172 + DAYS_PER_YEAR / 2)) / DAYS_PER_YEAR);
	const daylightHours = 8 + 8 * summer;
	const fromNoon = hourOfDay + 0.5 - 12.5;
	if (Math.abs(fromNoon) >= daylightHours / 2) return 0;
	const arc = Math.cos((Math.PI * fromNoon) / daylightHours);
	const clearSky = 0.35 + 0.65 * deterministicNoise(seed, day, 2);
	return (0.25 + 0.75 * summer) * clearSky * arc;
}

function shareOfDay(shape: readonly number[], hourOfDay: number): number {
	let total = 0;
	for (const weight of shape) total += weight;
	return (shape[hourOfDay] ?? 0) / total;
}

/** Day of the year (0 = 1 January) of a day number since 1970-01-01; within a day over the centuries that matter here. */
function dayOfYear(day: number): number {
	const fromJanuary = (day + 0.5) % DAYS_PER_YEAR;
	return fromJanuary < 0 ? fromJanuary + DAYS_PER_YEAR : fromJanuary;
}
