import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {HistoryLedger} from '../../../src/output/history-ledger.ts';
import {acknowledgingSender, HistoryOnceSink} from '../../../src/output/history-once-sink.ts';
import {formatLineProtocol} from '../../../src/output/line-protocol.ts';
import type {PointSink} from '../../../src/output/point-sink.ts';
import type {Point} from '../../../src/readings/point.ts';

class MemorySink implements PointSink {
	readonly points: Point[] = [];
	async write(points: readonly Point[]) {
		this.points.push(...points);
	}
	async flush() {
		return true;
	}
	async close() {}
}

const live = (value: number): Point => ({
	measurement: 'meter',
	tags: {meter: 'm1', obis: '1.8.1'},
	fields: {value},
	time: new Date(Date.UTC(2026, 0, 1, 0, value)),
});
const history = (meter: string, period: number, value: number): Point => ({
	measurement: 'meter',
	tags: {billing: '1', meter, obis: '1.8.1'},
	fields: {value},
	time: new Date(Date.UTC(2025, period, 1)),
});

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-history-once-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('HistoryOnceSink', () => {
	it('hands live values on every time and history only until the server acknowledged it', async () => {
		const ledger = await HistoryLedger.open({directory});
		const inner = new MemorySink();
		const skipped: number[] = [];
		const sink = new HistoryOnceSink({sink: inner, ledger, onSkipped: (_, count) => skipped.push(count)});
		const sender = acknowledgingSender({description: 'fake', send: async () => undefined}, ledger);
		const readout = (value: number) => [live(value), history('m1', 1, 100), history('m1', 2, 200)];
		await sink.write(readout(1));
		await sender.send(inner.points.map(formatLineProtocol));
		await sink.write(readout(2));
		expect(inner.points.map((point) => point.fields)).toEqual([
			{value: 1},
			{value: 100},
			{value: 200},
			{value: 2},
		]);
		expect(skipped).toEqual([2]);
		await sink.close();
	});

	it('writes history again when the server failed it', async () => {
		const ledger = await HistoryLedger.open({directory});
		const inner = new MemorySink();
		const sink = new HistoryOnceSink({sink: inner, ledger});
		const failing = acknowledgingSender(
			{
				description: 'fake',
				send: async () => {
					throw new Error('down');
				},
			},
			ledger,
		);
		await sink.write([history('m1', 1, 100)]);
		await expect(failing.send(inner.points.map(formatLineProtocol))).rejects.toThrow('down');
		// Still pending (the spool holds it and will send it): not handed on twice.
		await sink.write([history('m1', 1, 100)]);
		expect(inner.points).toHaveLength(1);
		await sink.close();
		// A new process (the spool replays the line, the ledger never heard of it): written once more.
		const reopened = new HistoryOnceSink({sink: inner, ledger: await HistoryLedger.open({directory})});
		await reopened.write([history('m1', 1, 100)]);
		expect(inner.points).toHaveLength(2);
		await reopened.close();
	});
});
