import {describe, expect, it} from 'vitest';
import {type CheckedMeter, checkSoak, type SoakCheckInput} from '../../../../bench/soak/soak-check.ts';
import type {SentTelegram} from '../../../../bench/soak/soak-meter.ts';
import {
	decodeSoakValue,
	MODE_C_PEAK,
	MODE_C_REGISTERS,
	modeCSoakProfile,
	peakTimeMs,
	soakValue,
	TelegramCounter,
	telegramOf,
} from '../../../../bench/soak/soak-profiles.ts';
import type {InfluxSeries} from '../../../helpers/influxd-server.ts';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const METER: CheckedMeter = {
	meter: 'c',
	registers: MODE_C_REGISTERS,
	datedRegister: MODE_C_PEAK,
	push: false,
};
const PUSH: CheckedMeter = {meter: 'd', registers: MODE_C_REGISTERS.slice(0, 1), push: true};

function sent(
	meter: string,
	telegram: number,
	startMs: number,
	intact = true,
	faults: string[] = [],
): SentTelegram {
	return {
		meter,
		telegram,
		message: 'data',
		intact,
		faults: faults as SentTelegram['faults'],
		startMs,
		endMs: startMs + 260,
		baudRate: 9600,
	};
}

/** The points the collector would write for telegram n of meter `c`, read at `readAtMs`. */
function pointsOf(telegram: number, readAtMs: number): [string, number, number][] {
	const second = Math.floor(readAtMs / 1000) * 1000;
	return [
		...MODE_C_REGISTERS.map((entry): [string, number, number] => [
			entry.obis,
			second,
			soakValue(entry.register, telegram),
		]),
		[MODE_C_PEAK.obis, peakTimeMs(telegram), soakValue(MODE_C_PEAK.register, telegram)],
	];
}

function series(meter: string, points: [string, number, number][]): InfluxSeries[] {
	const byObis = new Map<string, [number, number][]>();
	for (const [obis, time, value] of points) byObis.set(obis, [...(byObis.get(obis) ?? []), [time, value]]);
	return [...byObis].map(([obis, rows]) => ({
		name: 'meter',
		tags: {meter, obis},
		columns: ['time', 'value'],
		values: rows,
	}));
}

function input(partial: Partial<SoakCheckInput>): SoakCheckInput {
	return {meters: [METER, PUSH], telegrams: [], reads: [], kills: [], series: [], ...partial};
}

describe('soak values', () => {
	it('name their telegram and register, and nothing else decodes', () => {
		expect(decodeSoakValue(soakValue(3, 17))).toEqual({register: 3, telegram: 17});
		expect(decodeSoakValue(soakValue(16, 9999))).toEqual({register: 16, telegram: 9999});
		expect(decodeSoakValue(1234.5)).toBeUndefined();
		expect(decodeSoakValue(1000.5)).toEqual({register: 1, telegram: 5000});
		expect(decodeSoakValue(3000)).toBeUndefined();
		expect(decodeSoakValue(0.123456)).toBeUndefined();
	});

	it('the profile numbers its telegrams and every value says the number', () => {
		const profile = modeCSoakProfile(new TelegramCounter());
		const first = profile.dataMessage(0);
		const second = profile.dataMessage(0);
		expect([telegramOf(first), telegramOf(second)]).toEqual([1, 2]);
		expect(second.toString('latin1')).toContain('1-1:2.8.1(003000.0002*kWh)');
		expect(second.toString('latin1')).toContain('1-1:1.6.1(008000.0002*kW)(2601010002)');
	});
});

describe('checkSoak', () => {
	it('passes a telegram read and stored whole, at its readout second and its peak date', () => {
		const check = checkSoak(
			input({
				telegrams: [sent('c', 1, T0 + 400)],
				reads: [{meter: 'c', atMs: T0 + 700}],
				series: series('c', pointsOf(1, T0 + 700)),
			}),
		);
		expect(check).toMatchObject({owed: 1, storedOwed: 1, missing: [], wrongTimes: [], duplicates: []});
		expect([check.faultyValues, check.unknownValues, check.partial, check.unread]).toEqual([[], [], [], []]);
	});

	it('finds a read telegram missing, a faulty one stored, a value twice and a value at a time it was not sent', () => {
		const points = [
			...pointsOf(2, T0 + 10_700),
			// a value of telegram 2 again, another second
			['1.8.1', T0 + 20_000, soakValue(1, 2)] as [string, number, number],
			// a value of the faulty telegram 3
			['1.8.2', T0 + 15_000, soakValue(2, 3)] as [string, number, number],
			// telegram 4's peak at the readout time instead of its own date
			[MODE_C_PEAK.obis, T0 + 30_000, soakValue(MODE_C_PEAK.register, 4)] as [string, number, number],
			// a value in the wrong series
			['2.8.2', T0 + 10_000, soakValue(5, 2)] as [string, number, number],
		];
		const check = checkSoak(
			input({
				telegrams: [
					sent('c', 1, T0 + 400),
					sent('c', 2, T0 + 10_400),
					sent('c', 3, T0 + 15_000, false, ['bad-bcc', 'echo']),
					sent('c', 4, T0 + 29_500),
				],
				reads: [
					{meter: 'c', atMs: T0 + 700},
					{meter: 'c', atMs: T0 + 10_700},
					{meter: 'c', atMs: T0 + 29_800},
				],
				series: series('c', points),
			}),
		);
		expect(check.missing).toEqual([
			expect.stringMatching(/^c #1 .*1\.8\.1, .* missing$/),
			expect.stringMatching(/^c #4 .*1\.8\.1, .*2\.7\.0 missing$/),
		]);
		expect(check.faultyValues).toEqual([expect.stringMatching(/telegram #3 \(bad-bcc\)$/)]);
		expect(check.duplicates).toHaveLength(2);
		expect(check.wrongTimes).toEqual([
			expect.stringMatching(/^c 1\.8\.1 1000\.0002 at 2026-11-30T12:00:20/),
			expect.stringMatching(/^c 1\.6\.1 8000\.0004/),
		]);
		expect(check.wrongSeries).toEqual([expect.stringMatching(/^c 2\.8\.2 5000\.0002 .*register 3\.8\.1$/)]);
		expect(check.partial).toEqual([expect.stringMatching(/^c #4 /)]);
	});

	it('excuses a telegram whose readout a kill cut, counting it, but not one the collector logged as read', () => {
		const check = checkSoak(
			input({
				telegrams: [sent('c', 1, T0 + 400), sent('c', 2, T0 + 10_400), sent('c', 3, T0 + 20_400)],
				reads: [{meter: 'c', atMs: T0 + 10_700}],
				kills: [T0 + 10_720],
				series: series('c', pointsOf(1, T0 + 700)),
			}),
		);
		// #1 stored though no read was logged; a kill 10 s before #3 is no excuse for it.
		expect(check.inFlightAtKill).toBe(0);
		expect(check.missing).toEqual([expect.stringMatching(/^c #2 /)]);
		expect(check.unread).toEqual([
			expect.stringMatching(/^c #1 .*stored though not logged as read/),
			expect.stringMatching(/^c #3 /),
		]);
		const cut = checkSoak(
			input({
				telegrams: [sent('c', 1, T0 + 400)],
				kills: [T0 + 700],
				series: series('c', pointsOf(1, T0 + 700)),
			}),
		);
		expect(cut).toMatchObject({inFlightAtKill: 1, inFlightStored: 1, unread: [], missing: []});
	});

	it('matches a read to the telegram that began last before it, also when the simulator noted its end late', () => {
		// The collector had #2 at T0 + 1180, 80 ms before the simulator noted #2's end (after its drain()).
		const check = checkSoak(
			input({
				telegrams: [sent('d', 1, T0), sent('d', 2, T0 + 1000)],
				reads: [{meter: 'd', atMs: T0 + 1180}],
				series: series('d', [['1.8.1', T0 + 1000, soakValue(1, 2)]]),
			}),
		);
		expect(check).toMatchObject({owed: 1, storedOwed: 1, missing: [], notListened: 1, notListenedStored: 0});
	});

	it('owes a push telegram only when the collector read it', () => {
		const check = checkSoak(
			input({
				telegrams: [sent('d', 1, T0), sent('d', 2, T0 + 1000), sent('d', 3, T0 + 2000)],
				reads: [{meter: 'd', atMs: T0 + 1265}],
				series: series('d', [['1.8.1', T0 + 1000, soakValue(1, 2)]]),
			}),
		);
		expect(check).toMatchObject({owed: 1, storedOwed: 1, notListened: 2, notListenedStored: 0, unread: []});
		expect(check.unmatchedReads).toEqual([]);
	});
});
