import {appendFile, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {LineSpool} from '../../../src/output/line-spool.ts';
import {inspectSpool} from '../../../src/output/spool-inspection.ts';

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-spool-inspect-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

const line = (seconds: number) => `meter,obis=1.8.1 value=1 ${seconds}`;

describe('inspectSpool', () => {
	it('reports a directory that does not exist as empty', async () => {
		const status = await inspectSpool(join(directory, 'none'));
		expect(status).toMatchObject({exists: false, unsentPoints: 0, unsentBytes: 0});
	});

	it('counts only the unsent points, with their time range (billing history is older than live points)', async () => {
		const spool = await LineSpool.open({directory});
		await spool.append([line(1_700_000_000), line(1_700_000_060)]);
		await spool.ack((await spool.peek(1)).end);
		await spool.append([line(1_600_000_000), line(1_700_000_120)]);
		const status = await inspectSpool(directory);
		expect(status.unsentPoints).toBe(3);
		expect(status.unsentBytes).toBe(spool.pendingBytes);
		expect(status.oldestPointTime?.toISOString()).toBe(new Date(1_600_000_000_000).toISOString());
		expect(status.newestPointTime?.toISOString()).toBe(new Date(1_700_000_120_000).toISOString());
		// Read while the collector holds the lock: the owner is this process.
		expect(status.owner?.pid).toBe(process.pid);
		await spool.close();
		expect((await inspectSpool(directory)).owner).toBeUndefined();
	});

	it('does not count a torn last line', async () => {
		const spool = await LineSpool.open({directory});
		await spool.append([line(1_700_000_000)]);
		await spool.close();
		await appendFile(join(directory, 'spool-0.lp'), 'meter,obis=1.8.1 val');
		expect((await inspectSpool(directory)).unsentPoints).toBe(1);
	});

	it('groups dead letters by reason, with the first and last time', async () => {
		const spool = await LineSpool.open({directory});
		await spool.deadLetter([line(1), line(2)], 'HTTP 400: field type conflict');
		await spool.deadLetter([line(3)], 'HTTP 400: unable to parse');
		await spool.deadLetter([line(4)], 'HTTP 400: field type conflict');
		await spool.close();
		const {deadLetters} = await inspectSpool(directory);
		expect(deadLetters.lines).toBe(4);
		expect(deadLetters.reasons.map(({reason, lines}) => [reason, lines])).toEqual([
			['HTTP 400: field type conflict', 3],
			['HTTP 400: unable to parse', 1],
		]);
		const [first] = deadLetters.reasons;
		expect(Date.parse(first?.first ?? '')).toBeLessThanOrEqual(Date.parse(first?.last ?? ''));
	});

	it('follows the spool into a compacted generation', async () => {
		const spool = await LineSpool.open({directory, compactAfterBytes: 1024});
		const many = Array.from({length: 60}, (_, index) => line(1_700_000_000 + index));
		await spool.append(many);
		await spool.ack((await spool.peek(40)).end);
		expect(spool.pendingLines).toBe(20);
		const status = await inspectSpool(directory);
		expect(status.unsentPoints).toBe(20);
		expect(status.oldestPointTime?.getTime()).toBe((1_700_000_000 + 40) * 1000);
		await spool.close();
	});
});
