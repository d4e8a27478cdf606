import {parseIdentification} from '../iec62056/identification.ts';
import {encodeDataMessage, type TelegramContent} from '../iec62056/telegram-encoder.ts';
import {dataLine} from './data-line.ts';
import {deterministicNoise} from './deterministic-noise.ts';
import {HOUSEHOLD_LOAD_SHAPE, hourIndex, hourStartMs} from './load-curve.ts';
import {type MeterModel, meterRegisters, standardOffsetMs} from './meter-registers.ts';
import {fixedNumber, localClock, stampText} from './register-text.ts';
import {type ProfileOptions, resolveProfileOptions, type SimulatorProfile} from './simulator-profile.ts';

/** A DSMR 5 P1 port (Dutch/Belgian smart meter): pushes every second at 115200 8N1, CRC16 after `!`. */
export const DSMR_IDENTIFICATION = '/KFM5KAIFA-METER';
export const DSMR_DESCRIPTION =
	'DSMR 5 household meter with a gas meter on channel 0-1: pushes power (1.7.0/2.7.0), two tariffs each way and hourly gas (24.2.1)';
export const DSMR_BAUD_RATE = 115_200;

/** How much gas the household burns: hot water all year, heating that follows the winter. */
export interface GasModel {
	/** Gas for hot water and cooking per day, m³. */
	readonly baseM3PerDay: number;
	/** Extra gas for heating on an average mid-January day, m³ (none in mid-July). */
	readonly heatingM3PerDay: number;
}

export const DSMR_MODEL: Omit<MeterModel, 'timeZone'> & {readonly gas: GasModel} = {
	seed: 4_819_243,
	dailyConsumptionKwh: 10,
	loadShape: HOUSEHOLD_LOAD_SHAPE,
	weekendFactor: 1.1,
	winterExtra: 0.25,
	pvPeakKw: 4,
	tariff1Hours: [7, 23],
	installedAt: new Date('2026-01-15T10:00:00Z'),
	initialResetCount: 0,
	historyDepth: 0,
	gas: {baseM3PerDay: 1.2, heatingM3PerDay: 6},
};

const DAYS_PER_YEAR = 365.2425;

export function createDsmrProfile(options: ProfileOptions = {}): SimulatorProfile {
	const {timeZone, pushIntervalMs} = resolveProfileOptions(options);
	const model = {...DSMR_MODEL, timeZone};
	const identification = parseIdentification(DSMR_IDENTIFICATION);
	return {
		name: 'dsmr',
		description: DSMR_DESCRIPTION,
		identification: DSMR_IDENTIFICATION,
		push: {baudRate: DSMR_BAUD_RATE, intervalMs: pushIntervalMs},
		dataMessage: (atMs) =>
			encodeDataMessage({identification, lines: dsmrLines(model, atMs)}, {framing: 'push'}),
	};
}

/** Gas used in one hour of the standard-time grid (see hourIndex), m³: more in the morning and evening. */
export function gasInHourM3(model: MeterModel & {readonly gas: GasModel}, hour: number): number {
	const day = Math.floor(hour / 24);
	const hourOfDay = hour - day * 24;
	const dayOfYear = (((day + 0.5) % DAYS_PER_YEAR) + DAYS_PER_YEAR) % DAYS_PER_YEAR;
	const winter = Math.max(0, Math.cos((2 * Math.PI * (dayOfYear - 15)) / DAYS_PER_YEAR));
	const daily = model.gas.baseM3PerDay + model.gas.heatingM3PerDay * winter;
	const spread = 0.8 + 0.4 * deterministicNoise(model.seed, day, 21);
	// The heating runs from 6 to 22; water heats in the morning and the evening.
	const share = hourOfDay >= 6 && hourOfDay < 22 ? (hourOfDay === 7 || hourOfDay === 19 ? 2 : 1) / 18 : 0;
	return daily * spread * share;
}

/** Gas totals at the start of each hour since installation (index 0: the first full hour), per model. */
const gasTotals = new WeakMap<MeterModel, number[]>();

/**
 * The gas meter's register, m³, at the last full hour before `atMs` (a DSMR meter relays the gas
 * meter's hourly value with the hour's stamp), counted from installation.
 */
export function gasRegister(
	model: MeterModel & {readonly gas: GasModel},
	atMs: number,
): {readonly m3: number; readonly atMs: number} {
	const offsetMs = standardOffsetMs(model.timeZone);
	const first = hourIndex(model.installedAt.getTime(), offsetMs) + 1;
	const last = hourIndex(atMs, offsetMs);
	if (last <= first) return {m3: 0, atMs: model.installedAt.getTime()};
	// Running totals per model, so a run of readouts does not sum the same hours again each time.
	let totals = gasTotals.get(model);
	if (totals === undefined) {
		totals = [0];
		gasTotals.set(model, totals);
	}
	for (let hour = first + totals.length - 1; hour < last; hour++) {
		totals.push((totals[totals.length - 1] as number) + gasInHourM3(model, hour));
	}
	return {m3: totals[last - first] as number, atMs: hourStartMs(last, offsetMs)};
}

/** The telegram's lines at an instant, in DSMR 5 order (a subset: no phase currents, no event log). */
export function dsmrLines(
	model: MeterModel & {readonly gas: GasModel},
	atMs: number,
): TelegramContent['lines'] {
	const zone = model.timeZone;
	const registers = meterRegisters(model, atMs);
	const {importKwh, exportKwh} = registers.current;
	const gas = gasRegister(model, atMs);
	const energy = (kwh: number) => [fixedNumber(kwh, 6, 3, 'truncate'), 'kWh'] as const;
	const power = (kw: number) => [fixedNumber(kw, 2, 3), 'kW'] as const;
	// DSMR stamps carry S (summer) or W (winter) instead of the season digit.
	const stamp = (ms: number) => {
		const clock = localClock(ms, zone);
		return `${stampText(ms, zone)}${String(clock.second).padStart(2, '0')}${clock.summer ? 'S' : 'W'}`;
	};
	const offsetMs = standardOffsetMs(zone);
	const tariff = (hourIndex(atMs, offsetMs) % 24) - model.tariff1Hours[0];
	const inTariff1 = tariff >= 0 && tariff < model.tariff1Hours[1] - model.tariff1Hours[0];
	return [
		dataLine('1-3:0.2.8', '50'),
		dataLine('0-0:1.0.0', stamp(atMs)),
		dataLine('0-0:96.1.1', '4530303034303031353934373534343134'),
		dataLine('1-0:1.8.1', energy(importKwh.t1)),
		dataLine('1-0:1.8.2', energy(importKwh.t2)),
		dataLine('1-0:2.8.1', energy(exportKwh.t1)),
		dataLine('1-0:2.8.2', energy(exportKwh.t2)),
		dataLine('0-0:96.14.0', inTariff1 ? '0001' : '0002'),
		dataLine('1-0:1.7.0', power(registers.power.importKw)),
		dataLine('1-0:2.7.0', power(registers.power.exportKw)),
		dataLine('0-1:24.1.0', '003'),
		dataLine('0-1:96.1.0', '4730303139333430323231313938343135'),
		dataLine('0-1:24.2.1', stamp(gas.atMs), [fixedNumber(gas.m3, 5, 3, 'truncate'), 'm3']),
	];
}
