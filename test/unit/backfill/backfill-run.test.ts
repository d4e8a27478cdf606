import {describe, expect, it} from 'vitest';
import {
	Backfill,
	type BackfillMeter,
	type BackfillOptions,
	type LineSink,
} from '../../../src/backfill/backfill-run.ts';
import type {BackfillItem} from '../../../src/backfill/backfill-sources.ts';
import {captureItems} from '../../../src/backfill/backfill-sources.ts';
import {BackfillTally} from '../../../src/backfill/backfill-tally.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';

interface WrittenPoint {
	readonly measurement: string;
	readonly tags: Record<string, string>;
	readonly time: Date;
	readonly line: string;
}

/** Keeps what the backfill wrote, one entry per write, each line read back into its parts. */
class MemorySink implements LineSink {
	readonly writes: WrittenPoint[][] = [];
	async writeText(text: Uint8Array) {
		// The backfill reuses its buffer after the write resolves: read the text now.
		const lines = Buffer.from(text).toString('utf8').split('\n');
		expect(lines.pop()).toBe('');
		this.writes.push(lines.map(readLine));
	}
	get points() {
		return this.writes.flat();
	}
}

/** `meter,meter=house,obis=1.8.1,unit=kWh value=1 1735689600` (no escapes in these readouts). */
function readLine(line: string): WrittenPoint {
	const [series = '', , seconds = ''] = line.split(' ');
	const [measurement = '', ...tags] = series.split(',');
	return {
		measurement,
		tags: Object.fromEntries(tags.map((tag) => tag.split('='))),
		time: new Date(Number(seconds) * 1000),
		line,
	};
}

const ZONE = 'Europe/Berlin';
const house: BackfillMeter = {id: 'house', measurement: 'meter', timeZone: ZONE, ignoreBlockCheck: false};
const plain = createZmd120Profile({timeZone: ZONE});
const verboseProfile = (await import('../../../src/simulator/simulator-profiles.ts')).createSimulatorProfile(
	'zmd120-verbose',
	{timeZone: ZONE},
);

function readout(atMs: number, meterId?: string, profile = plain): BackfillItem {
	const bytes = Buffer.concat([Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(atMs)]);
	const [item] = [
		...captureItems(bytes, 'x', new Date(atMs), {ignoreBlockCheck: () => false, captureTimeZone: ZONE}),
	];
	if (item?.kind !== 'readout') throw new Error('no readout');
	return {...item, meterId};
}

function setUp(options: Partial<BackfillOptions> = {}) {
	const sink = new MemorySink();
	const tally = new BackfillTally();
	const backfill = new Backfill({
		meters: new Map([['house', house]]),
		configured: new Set(['house', 'garage']),
		captureMeter: house,
		sink,
		tally,
		...options,
	});
	return {sink, tally, backfill};
}

const at = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('Backfill', () => {
	it("maps a readout as the collector does: the meter's tag and measurement, live values at the readout time", async () => {
		const {sink, tally, backfill} = setUp();
		await backfill.take(readout(at, 'house'));
		await backfill.finish();
		const live = sink.points.find((point) => point.tags['obis'] === '1.8.1');
		expect(live).toMatchObject({
			measurement: 'meter',
			tags: {meter: 'house', obis: '1.8.1'},
			time: new Date(at),
		});
		expect(tally).toMatchObject({telegrams: 1, readouts: 1, pointsWritten: sink.points.length});
	});

	it('skips points outside --since/--until and counts them by reason', async () => {
		const {sink, tally, backfill} = setUp({since: new Date(at + 60_000), until: new Date(at + 180_000)});
		for (const minute of [0, 1, 2, 3]) await backfill.take(readout(at + minute * 60_000, 'house'));
		await backfill.finish();
		const times = new Set(
			sink.points.filter((point) => point.tags['obis'] === '1.8.1').map((point) => point.time.getTime()),
		);
		expect([...times]).toEqual([at + 60_000, at + 120_000]);
		expect(tally.skipped.get('after-until')).toBeGreaterThan(0);
		expect(tally.skipped.get('before-since')).toBeGreaterThan(0);
	});

	it('writes only dated points when reading a meter for its history', async () => {
		const {sink, tally, backfill} = setUp({datedOnly: true});
		await backfill.take(readout(at, 'house', verboseProfile));
		await backfill.finish();
		expect(sink.points.length).toBeGreaterThan(0);
		for (const point of sink.points) {
			expect(point.tags['billing'] !== undefined || point.time.getTime() !== at).toBe(true);
		}
		expect(tally.skipped.get('not-dated')).toBeGreaterThan(10);
		expect(tally.billingPeriods).toBeGreaterThan(0);
	});

	it('refuses records of a meter left out by --meter or not configured', async () => {
		const {sink, tally, backfill} = setUp();
		await backfill.take(readout(at, 'garage'));
		await backfill.take(readout(at, 'attic'));
		await backfill.finish();
		expect(sink.points).toEqual([]);
		expect(Object.fromEntries(tally.refused)).toEqual({'other-meter': 1, 'meter-not-configured': 1});
	});

	it('writes in batches and counts history the ledger took away as already written', async () => {
		const {sink, tally, backfill} = setUp({batchPoints: 30, selectHistory: () => []});
		for (const minute of [0, 1, 2])
			await backfill.take(readout(at + minute * 60_000, 'house', verboseProfile));
		await backfill.finish();
		expect(sink.writes.length).toBeGreaterThan(1);
		expect(sink.points.some((point) => point.tags['billing'] !== undefined)).toBe(false);
		expect(tally.skipped.get('already-written')).toBeGreaterThan(0);
		expect(tally.pointsWritten).toBe(sink.points.length);
	});

	it('refuses a bad batch size with a TypeError naming it', () => {
		expect(() => setUp({batchPoints: 0})).toThrow(/batchPoints must be a positive integer/);
	});

	it("asks the ledger about each readout's history lines and writes the ones it chose, in order", async () => {
		const asked: {meter: string; lines: readonly string[]}[] = [];
		const {sink, tally, backfill} = setUp({
			// Chooses every other history line: the ones at even positions.
			selectHistory: (meter, lines) => {
				asked.push({meter, lines});
				return lines.flatMap((_, index) => (index % 2 === 0 ? [index] : []));
			},
		});
		const item = readout(at, 'house', verboseProfile);
		await backfill.take(item);
		await backfill.finish();
		expect(asked).toHaveLength(1);
		const [question] = asked;
		expect(question?.meter).toBe('house');
		expect(question?.lines.length).toBeGreaterThan(10);
		expect(question?.lines.every((line) => /,billing=1[, ]/.test(line))).toBe(true);
		const written = sink.points.map((point) => point.line);
		const history = written.filter((line) => line.includes('billing='));
		expect(history).toEqual(question?.lines.filter((_, index) => index % 2 === 0));
		// Live and history lines keep the order the mapper gave them, as without a ledger.
		const {sink: plainSink, backfill: plainBackfill} = setUp();
		await plainBackfill.take(item);
		await plainBackfill.finish();
		const dropped = new Set(question?.lines.filter((_, index) => index % 2 === 1));
		expect(written).toEqual(plainSink.points.map((point) => point.line).filter((line) => !dropped.has(line)));
		expect(tally.skipped.get('already-written')).toBe(dropped.size);
		expect(tally.pointsWritten).toBe(written.length);
	});

	it('leaves the text of a write untouched until the write resolved', async () => {
		const writes: {atCall: string; atEnd: string}[] = [];
		const slow: LineSink = {
			async writeText(text) {
				const atCall = Buffer.from(text).toString('utf8');
				await new Promise((resolve) => setTimeout(resolve, 5));
				writes.push({atCall, atEnd: Buffer.from(text).toString('utf8')});
			},
		};
		const {backfill} = setUp({sink: slow, batchPoints: 5});
		for (const minute of [0, 1, 2]) await backfill.take(readout(at + minute * 60_000, 'house'));
		await backfill.finish();
		expect(writes).toHaveLength(3);
		for (const {atCall, atEnd} of writes) expect(atEnd).toBe(atCall);
		// Each write is one readout's batch (5 points or more): a reused buffer shows the next one's times.
		expect(writes.map(({atCall}) => atCall.includes(` ${at / 1000 + 60}\n`))).toEqual([false, true, false]);
	});
	it('maps the next batch while one is written, and hands it over only once that write resolved', async () => {
		const releases: (() => void)[] = [];
		let started = 0;
		const held: LineSink = {
			writeText: () => {
				started++;
				return new Promise<void>((resolve) => releases.push(resolve));
			},
		};
		const {backfill} = setUp({sink: held, batchPoints: 5});
		await backfill.take(readout(at, 'house'));
		expect(started).toBe(1);
		let secondTaken = false;
		const taking = backfill.take(readout(at + 60_000, 'house'));
		// A full batch: a promise to wait for.
		expect(taking).toBeInstanceOf(Promise);
		const second = Promise.resolve(taking).then(() => {
			secondTaken = true;
		});
		await new Promise((resolve) => setTimeout(resolve, 20));
		// The second batch is full, but the first is not safe yet: it waits.
		expect([started, secondTaken]).toEqual([1, false]);
		releases[0]?.();
		await second;
		expect(started).toBe(2);
		let finished = false;
		const finishing = backfill.finish().then(() => {
			finished = true;
		});
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(finished).toBe(false);
		releases[1]?.();
		await finishing;
	});

	it('reports a failed write at the next batch', async () => {
		const failing: LineSink = {writeText: () => Promise.reject(new Error('disk full'))};
		const {backfill} = setUp({sink: failing, batchPoints: 5});
		await backfill.take(readout(at, 'house'));
		await expect(backfill.take(readout(at + 60_000, 'house'))).rejects.toThrow('disk full');
	});
});
