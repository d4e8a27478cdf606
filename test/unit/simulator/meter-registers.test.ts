import {describe, expect, it} from 'vitest';
import {HOUSEHOLD_LOAD_SHAPE} from '../../../src/simulator/load-curve.ts';
import {
	billingResets,
	type MeterModel,
	meterRegisters,
	standardOffsetMs,
} from '../../../src/simulator/meter-registers.ts';

const MODEL: MeterModel = {
	seed: 99,
	dailyConsumptionKwh: 12,
	loadShape: HOUSEHOLD_LOAD_SHAPE,
	weekendFactor: 1.1,
	winterExtra: 0.25,
	pvPeakKw: 5,
	tariff1Hours: [6, 22],
	installedAt: new Date('2025-09-10T08:00:00Z'),
	timeZone: 'Europe/Berlin',
	initialResetCount: 3,
	historyDepth: 15,
};
const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const total = (tariffs: {t1: number; t2: number}) => tariffs.t1 + tariffs.t2;

describe('meterRegisters', () => {
	it('gives the same registers whatever was asked before (the per-model hour cache and reset list change nothing)', () => {
		const instant = at('2026-04-17T09:25:00Z');
		const fresh = meterRegisters({...MODEL}, instant);
		const warmed = {...MODEL};
		meterRegisters(warmed, at('2026-08-01T00:00:00Z'));
		meterRegisters(warmed, at('2025-11-02T00:00:00Z'));
		expect(meterRegisters(warmed, instant)).toEqual(fresh);
		expect(billingResets(MODEL.installedAt.getTime(), instant, 'Europe/Berlin')).toEqual([
			at('2025-09-30T22:00:00Z'),
			at('2025-10-31T23:00:00Z'),
			at('2025-11-30T23:00:00Z'),
			at('2025-12-31T23:00:00Z'),
			at('2026-01-31T23:00:00Z'),
			at('2026-02-28T23:00:00Z'),
			at('2026-03-31T22:00:00Z'),
		]);
	});

	it('counters never go backwards and rise every day', () => {
		let previous = meterRegisters(MODEL, at('2026-01-01T00:00:00Z'));
		for (let step = 1; step <= 240; step++) {
			const next = meterRegisters(MODEL, at('2026-01-01T00:00:00Z') + step * 6 * HOUR);
			for (const key of ['importKwh', 'exportKwh'] as const) {
				expect(next.current[key].t1).toBeGreaterThanOrEqual(previous.current[key].t1);
				expect(next.current[key].t2).toBeGreaterThanOrEqual(previous.current[key].t2);
			}
			if (step % 4 === 0)
				expect(total(next.current.importKwh)).toBeGreaterThan(total(previous.current.importKwh));
			previous = next;
		}
	});

	it('starts at zero at installation and shows nothing before', () => {
		const before = meterRegisters(MODEL, at('2025-09-01T00:00:00Z'));
		expect(total(before.current.importKwh)).toBe(0);
		expect(before.history.every((period) => period === undefined)).toBe(true);
		expect(before.resetCount).toBe(3);
	});

	it('counts tariff 2 only at night and tariff 1 only by day', () => {
		// 23:00–05:00 Berlin winter time is 22:00–04:00 UTC.
		const evening = meterRegisters(MODEL, at('2026-01-20T22:00:00Z'));
		const morning = meterRegisters(MODEL, at('2026-01-21T04:00:00Z'));
		expect(morning.current.importKwh.t1).toBeCloseTo(evening.current.importKwh.t1, 9);
		expect(morning.current.importKwh.t2).toBeGreaterThan(evening.current.importKwh.t2);
		const noon = meterRegisters(MODEL, at('2026-01-21T11:00:00Z'));
		expect(noon.current.importKwh.t1).toBeGreaterThan(morning.current.importKwh.t1);
	});

	it('feeds in around noon in summer, not at night', () => {
		const dawn = meterRegisters(MODEL, at('2026-06-10T02:00:00Z'));
		const night = meterRegisters(MODEL, at('2026-06-10T00:00:00Z'));
		expect(total(dawn.current.exportKwh)).toBe(total(night.current.exportKwh));
		const afternoon = meterRegisters(MODEL, at('2026-06-20T15:00:00Z'));
		const morning = meterRegisters(MODEL, at('2026-06-10T07:00:00Z'));
		expect(total(afternoon.current.exportKwh)).toBeGreaterThan(total(morning.current.exportKwh));
		// Early summer sun before 06:00 lands on tariff 2, but little of it.
		expect(afternoon.current.exportKwh.t2).toBeLessThan(afternoon.current.exportKwh.t1 / 10);
	});

	it("holds the month's peak demand with the date it happened, until the reset", () => {
		const early = meterRegisters(MODEL, at('2026-02-05T12:00:00Z'));
		const late = meterRegisters(MODEL, at('2026-02-25T12:00:00Z'));
		const earlyPeak = early.current.importDemand.t1;
		const latePeak = late.current.importDemand.t1;
		expect(earlyPeak).toBeDefined();
		expect(latePeak?.kw).toBeGreaterThanOrEqual(earlyPeak?.kw ?? Number.POSITIVE_INFINITY);
		expect(latePeak?.atMs).toBeGreaterThanOrEqual(at('2026-01-31T23:00:00Z'));
		expect(latePeak?.atMs).toBeLessThanOrEqual(at('2026-02-25T12:00:00Z'));
		expect((latePeak?.atMs ?? 0) % (15 * 60_000)).toBe(0);
	});

	it('moves the current values into history at midnight on the 1st (local time) and counts the reset', () => {
		// Midnight 1 March in Berlin (winter time) is 23:00 UTC on 28 February.
		const before = meterRegisters(MODEL, at('2026-02-28T22:59:00Z'));
		const after = meterRegisters(MODEL, at('2026-02-28T23:01:00Z'));
		expect(after.resetCount).toBe(before.resetCount + 1);
		expect(after.lastResetAtMs).toBe(at('2026-02-28T23:00:00Z'));
		const closed = after.history[0];
		expect(closed?.resetNumber).toBe(after.resetCount);
		expect(closed?.endedAtMs).toBe(at('2026-02-28T23:00:00Z'));
		expect(closed?.importKwh.t2).toBeGreaterThanOrEqual(before.current.importKwh.t2);
		expect(closed?.importKwh.t2).toBeLessThanOrEqual(after.current.importKwh.t2);
		expect(closed?.importDemand.t1).toEqual(before.current.importDemand.t1);
		expect(after.history[1]).toEqual(before.history[0]);
		expect(after.current.importDemand.t1).toBeUndefined();
		expect(after.cumulativeDemandKw.import.t1).toBeCloseTo(
			before.cumulativeDemandKw.import.t1 + (before.current.importDemand.t1?.kw ?? 0),
			9,
		);
	});

	it('resets at local midnight in summer time too (22:00 UTC in Berlin)', () => {
		expect(billingResets(at('2026-05-15T00:00:00Z'), at('2026-07-15T00:00:00Z'), 'Europe/Berlin')).toEqual([
			at('2026-05-31T22:00:00Z'),
			at('2026-06-30T22:00:00Z'),
		]);
		expect(standardOffsetMs('Europe/Berlin')).toBe(HOUR);
		expect(standardOffsetMs('America/New_York')).toBe(-5 * HOUR);
	});

	it('keeps historyDepth periods, newest first, undefined before installation', () => {
		const registers = meterRegisters(MODEL, at('2026-03-10T12:00:00Z'));
		// Installed in September: resets on 1 Oct, Nov, Dec, Jan, Feb, Mar.
		expect(registers.resetCount).toBe(3 + 6);
		expect(registers.history).toHaveLength(15);
		expect(registers.history.slice(0, 6).map((period) => period?.resetNumber)).toEqual([9, 8, 7, 6, 5, 4]);
		expect(registers.history.slice(6).every((period) => period === undefined)).toBe(true);
	});

	it('is deterministic: the same instant gives the same registers', () => {
		const instant = at('2026-04-02T09:17:33Z');
		expect(meterRegisters(MODEL, instant)).toEqual(meterRegisters(MODEL, instant));
		expect(meterRegisters({...MODEL, seed: 100}, instant)).not.toEqual(meterRegisters(MODEL, instant));
	});

	it('gives a net power that goes negative while PV exceeds the load', () => {
		const noons = Array.from({length: 20}, (_, day) =>
			meterRegisters(MODEL, at('2026-06-01T11:00:00Z') + day * 24 * HOUR),
		);
		expect(noons.some((registers) => registers.power.netKw < 0 && registers.power.exportKw > 0)).toBe(true);
	});
});
