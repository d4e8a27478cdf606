import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {RawArchive} from '../../../src/output/raw-archive.ts';
import {writeSyntheticArchive} from '../../../src/simulator/synthetic-archive.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-synthetic-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('writeSyntheticArchive', () => {
	it('writes one verifiable telegram per readout time into the daily files', async () => {
		const days: number[] = [];
		await writeSyntheticArchive({
			directory,
			meterId: 'house',
			profile: createZmd120Profile({timeZone: 'UTC'}),
			fromMs: Date.UTC(2026, 0, 1, 23, 0),
			everyMs: 30 * 60_000,
			readouts: 4,
			onDay: (written) => days.push(written),
		});
		const archive = new RawArchive({directory});
		const files = await archive.files();
		expect(files.map((file) => file.slice(directory.length + 1))).toEqual([
			'raw-2026-01-01.jsonl.gz',
			'raw-2026-01-02.jsonl.gz',
		]);
		const records = [];
		for (const file of files) for await (const record of archive.read(file)) records.push(record);
		expect(records.map((record) => record.readAt.toISOString())).toEqual([
			'2026-01-01T23:00:00.000Z',
			'2026-01-01T23:30:00.000Z',
			'2026-01-02T00:00:00.000Z',
			'2026-01-02T00:30:00.000Z',
		]);
		for (const record of records) {
			const decoding = decodeCapture(record.bytes);
			expect(decoding.errors).toEqual([]);
			expect(decoding.telegrams[0]?.identification?.ident).toMatch(/ZMD120/);
		}
		expect(days).toEqual([2, 4]);
	});

	it('advances the registers as the meter would: energy by power and time, tariffs by hour, peaks and resets', async () => {
		// Every 10 minutes from 30 June to 2 July (Berlin summer time: UTC+2), a meter installed before.
		const fromMs = Date.parse('2025-06-30T00:00:00Z');
		await writeSyntheticArchive({
			directory,
			meterId: 'house',
			profile: createZmd120Profile({
				timeZone: 'Europe/Berlin',
				installedAt: new Date('2024-11-14T09:20:00Z'),
			}),
			fromMs,
			everyMs: 10 * 60_000,
			readouts: 2 * 144,
		});
		const archive = new RawArchive({directory});
		const readouts: {atMs: number; values: Map<string, string[]>}[] = [];
		for (const file of await archive.files()) {
			for await (const record of archive.read(file)) {
				const [telegram] = decodeCapture(record.bytes).telegrams;
				const values = new Map(
					(telegram?.dataSets ?? []).map((set) => [set.address, set.values.map((part) => part.text)]),
				);
				readouts.push({atMs: record.readAt.getTime(), values});
			}
		}
		const number = (readout: (typeof readouts)[number], address: string) =>
			Number(readout.values.get(address)?.[0]);
		const at = (iso: string) => {
			const found = readouts.find((readout) => readout.atMs === Date.parse(iso));
			if (found === undefined) throw new Error(`no readout at ${iso}`);
			return found;
		};
		// Energy only rises, with real digits, and tariff 1 (06-22 standard time) carries the day's import.
		for (let index = 1; index < readouts.length; index++) {
			const before = readouts[index - 1] as (typeof readouts)[number];
			const after = readouts[index] as (typeof readouts)[number];
			if (number(after, '1-1:0.1.0') !== number(before, '1-1:0.1.0')) continue;
			expect(number(after, '1-1:1.8.0')).toBeGreaterThanOrEqual(number(before, '1-1:1.8.0'));
		}
		const morning = at('2025-06-30T05:00:00Z');
		const evening = at('2025-06-30T19:00:00Z');
		expect(number(morning, '1-1:1.8.0')).toBeGreaterThan(1000);
		expect(number(evening, '1-1:1.8.1')).toBeGreaterThan(number(morning, '1-1:1.8.1') + 10);
		const night = at('2025-06-30T21:00:00Z');
		const lateNight = at('2025-06-30T23:50:00Z');
		expect(number(lateNight, '1-1:1.8.1')).toBe(number(night, '1-1:1.8.1'));
		// The PV roof has fed in since installation (the site uses most of it itself).
		expect(number(morning, '1-1:2.8.0')).toBeGreaterThan(0);
		// The month reset at local midnight on 1 July: the billing counter counts it, 0.1.3 names the day.
		const lastOfJune = at('2025-06-30T21:50:00Z');
		expect(number(at('2025-06-30T22:00:00Z'), '1-1:0.1.0')).toBe(number(lastOfJune, '1-1:0.1.0') + 1);
		expect(lateNight.values.get('1-1:0.1.3')?.[0]).toBe('250701');
		// Peaks: the last readout of June holds a June peak with its stamp (YYMMDDhhmm, local time).
		const [peakKw, peakStamp] = lastOfJune.values.get('1-1:1.6.1') ?? [];
		expect(Number(peakKw)).toBeGreaterThan(1);
		expect(peakStamp).toMatch(/^2506(0[1-9]|[12]\d|30)(0[6-9]|1\d|2[01])(00|15|30|45)$/);
	});
});
