import {describe, expect, it} from 'vitest';
import {
	dayConsumptionKwh,
	HOUSEHOLD_LOAD_SHAPE,
	hourDemand,
	hourFlows,
	hourIndex,
	hourStartMs,
	type LoadModel,
	pvFraction,
} from '../../../src/simulator/load-curve.ts';

const MODEL: LoadModel = {
	seed: 1,
	dailyConsumptionKwh: 10,
	loadShape: HOUSEHOLD_LOAD_SHAPE,
	weekendFactor: 1.1,
	winterExtra: 0.25,
	pvPeakKw: 5,
	tariff1Hours: [6, 22],
};
const BERLIN_STANDARD_MS = 3_600_000;

/** The standard-time hour index of `hour` o'clock on a UTC date, for Europe/Berlin winter time. */
function hourOn(date: string, hour: number): number {
	return hourIndex(
		Date.parse(`${date}T00:00:00Z`) - BERLIN_STANDARD_MS + hour * 3_600_000,
		BERLIN_STANDARD_MS,
	);
}

describe('load curve', () => {
	it('numbers hours on standard time and maps them back to instants', () => {
		const instant = Date.parse('2026-01-10T11:30:00Z');
		const hour = hourIndex(instant, BERLIN_STANDARD_MS);
		expect(hour % 24).toBe(12);
		expect(hourStartMs(hour, BERLIN_STANDARD_MS)).toBe(Date.parse('2026-01-10T11:00:00Z'));
	});

	it('uses more in the evening than at night', () => {
		expect(hourFlows(MODEL, hourOn('2026-01-14', 19)).consumptionKw).toBeGreaterThan(
			3 * hourFlows(MODEL, hourOn('2026-01-14', 3)).consumptionKw,
		);
	});

	it('puts 06:00–22:00 on tariff 1 and the night on tariff 2', () => {
		expect(hourFlows(MODEL, hourOn('2026-01-14', 6)).tariff).toBe(1);
		expect(hourFlows(MODEL, hourOn('2026-01-14', 21)).tariff).toBe(1);
		expect(hourFlows(MODEL, hourOn('2026-01-14', 22)).tariff).toBe(2);
		expect(hourFlows(MODEL, hourOn('2026-01-14', 2)).tariff).toBe(2);
	});

	it('produces PV around noon only, more in June than in December', () => {
		const june = Math.floor(Date.parse('2026-06-21T00:00:00Z') / 86_400_000);
		const december = Math.floor(Date.parse('2026-12-21T00:00:00Z') / 86_400_000);
		expect(pvFraction(1, june, 2)).toBe(0);
		expect(pvFraction(1, june, 23)).toBe(0);
		let juneTotal = 0;
		let decemberTotal = 0;
		for (let day = 0; day < 10; day++) {
			juneTotal += pvFraction(1, june + day, 12);
			decemberTotal += pvFraction(1, december + day, 12);
		}
		expect(juneTotal).toBeGreaterThan(2 * decemberTotal);
		expect(decemberTotal).toBeGreaterThan(0);
	});

	it('feeds in at a sunny summer noon and imports at night', () => {
		const noons = Array.from({length: 10}, (_, day) => hourFlows(MODEL, hourOn('2026-06-15', 12) + day * 24));
		expect(noons.some((flows) => flows.exportKw > 0 && flows.importKw === 0)).toBe(true);
		const night = hourFlows(MODEL, hourOn('2026-06-15', 2));
		expect(night.exportKw).toBe(0);
		expect(night.importKw).toBeGreaterThan(0);
	});

	it('uses more in winter than in summer on average', () => {
		const january = Math.floor(Date.parse('2026-01-15T00:00:00Z') / 86_400_000);
		const july = Math.floor(Date.parse('2026-07-15T00:00:00Z') / 86_400_000);
		let winter = 0;
		let summer = 0;
		for (let day = 0; day < 28; day++) {
			winter += dayConsumptionKwh(MODEL, january + day);
			summer += dayConsumptionKwh(MODEL, july + day);
		}
		expect(winter).toBeGreaterThan(summer * 1.3);
	});

	it('puts the busiest quarter of an hour at or above its average, ending on a quarter', () => {
		for (let hour = hourOn('2026-02-01', 0); hour < hourOn('2026-02-03', 0); hour++) {
			const flows = hourFlows(MODEL, hour);
			const demand = hourDemand(MODEL, hour, flows);
			expect(demand.importKw).toBeGreaterThanOrEqual(flows.importKw);
			expect([15, 30, 45, 60]).toContain(demand.endMinute);
		}
	});
});
