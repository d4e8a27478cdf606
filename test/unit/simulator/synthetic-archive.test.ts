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
});
