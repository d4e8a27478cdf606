import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {HistoryLedger} from '../../../src/output/history-ledger.ts';
import {acknowledgingSender, HistoryOnceSink} from '../../../src/output/history-once-sink.ts';
import {InfluxLineWriter} from '../../../src/output/influx-line-writer.ts';
import {formatLineProtocol} from '../../../src/output/line-protocol.ts';
import {LineSpool} from '../../../src/output/line-spool.ts';
import type {PointSink} from '../../../src/output/point-sink.ts';
import {SpooledSink} from '../../../src/output/spooled-sink.ts';
import type {Point} from '../../../src/readings/point.ts';
import {fieldTypeConflict, startFakeInfluxWrite} from '../../helpers/fake-influx-write.ts';

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
		// A new process whose ledger never heard of it (its spool has not replayed the line yet): written once more.
		const reopened = new HistoryOnceSink({sink: inner, ledger: await HistoryLedger.open({directory})});
		await reopened.write([history('m1', 1, 100)]);
		expect(inner.points).toHaveLength(2);
		await reopened.close();
	});
});

describe('HistoryOnceSink before a server that refuses history as bad data', () => {
	/** One collector process on the test's directory: spool, ledger and writer as the collector wires them. */
	async function openCollector(url: string, backoff?: {minDelayMs: number; maxDelayMs: number}) {
		const ledger = await HistoryLedger.open({directory});
		const writer = new InfluxLineWriter({kind: 'v1', url, database: 'meters'});
		const spooled = new SpooledSink({
			spool: await LineSpool.open({directory}),
			sender: acknowledgingSender(writer, ledger),
			...(backoff === undefined ? {} : {backoff}),
		});
		return {spooled, sink: new HistoryOnceSink({sink: spooled, ledger})};
	}

	it('sets the refused history aside once: the next readout, after a restart too, does not send it again', async () => {
		const refused = formatLineProtocol(history('m1', 1, 100));
		const sent: string[] = [];
		// A field type conflict on the refused line (InfluxDB 1.x answers 400 for the whole request).
		const server = await startFakeInfluxWrite((lines) => {
			sent.push(...lines);
			return lines.includes(refused) ? fieldTypeConflict(1) : {status: 204};
		});
		const collector = async () => (await openCollector(server.url)).sink;
		const readout = (value: number) => [live(value), history('m1', 1, 100), history('m1', 2, 200)];
		const timesSent = (line: string) => sent.filter((each) => each === line).length;
		try {
			const first = await collector();
			await first.write(readout(1));
			expect(await first.flush()).toBe(true);
			// Sent with the batch, then in the halves that isolated it.
			const whileIsolating = timesSent(refused);
			expect(whileIsolating).toBeGreaterThan(1);
			await first.write(readout(2));
			expect(await first.flush()).toBe(true);
			await first.close();
			const restarted = await collector();
			await restarted.write(readout(3));
			expect(await restarted.flush()).toBe(true);
			await restarted.close();

			expect(timesSent(refused)).toBe(whileIsolating);
			const deadLetters = await readFile(join(directory, 'dead-letter.lp'), 'utf8');
			expect(deadLetters.split('\n').filter((line) => line === refused)).toHaveLength(1);
			expect(server.stored).toEqual([
				formatLineProtocol(live(1)),
				formatLineProtocol(history('m1', 2, 200)),
				formatLineProtocol(live(2)),
				formatLineProtocol(live(3)),
			]);
		} finally {
			await server.close();
		}
	});

	it('records history the spool replays at start as a readout would: refused set aside once, stored not sent again', async () => {
		const refused = formatLineProtocol(history('m1', 1, 100));
		const stored = formatLineProtocol(history('m1', 2, 200));
		const sent: string[] = [];
		let down = true;
		// Away while the first process runs; back, refusing one history line as bad data, for the second.
		const server = await startFakeInfluxWrite((lines) => {
			if (down) return {status: 503, error: 'starting'};
			sent.push(...lines);
			return lines.includes(refused) ? fieldTypeConflict(1) : {status: 204};
		});
		const collector = () => openCollector(server.url, {minDelayMs: 60_000, maxDelayMs: 60_000});
		const readout = (value: number) => [live(value), history('m1', 1, 100), history('m1', 2, 200)];
		const timesSent = (line: string) => sent.filter((each) => each === line).length;
		const timesStored = (line: string) => server.stored.filter((each) => each === line).length;
		try {
			const first = await collector();
			await first.sink.write(readout(1));
			expect(await first.sink.flush()).toBe(false);
			await first.sink.close();

			down = false;
			const restarted = await collector();
			// The replay of what the first process left, as the collector starts it.
			restarted.spooled.start();
			expect(await restarted.sink.flush()).toBe(true);
			const whileReplaying = timesSent(refused);
			expect(whileReplaying).toBeGreaterThan(0);
			expect(timesStored(stored)).toBe(1);
			const storedWhileReplaying = timesSent(stored);
			await restarted.sink.write(readout(2));
			expect(await restarted.sink.flush()).toBe(true);
			await restarted.sink.close();

			// The next readout neither repeats the refusal nor rewrites what the replay stored.
			expect(timesSent(refused)).toBe(whileReplaying);
			expect(timesSent(stored)).toBe(storedWhileReplaying);
			const deadLetters = await readFile(join(directory, 'dead-letter.lp'), 'utf8');
			expect(deadLetters.split('\n').filter((line) => line === refused)).toHaveLength(1);
			// Recorded in the ledger file, for the process after this one too.
			const ledger = await HistoryLedger.open({directory});
			expect(ledger.select('m1', [refused, stored])).toEqual([]);
		} finally {
			await server.close();
		}
	});
});
