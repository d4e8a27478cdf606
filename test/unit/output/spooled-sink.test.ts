import {readFileSync} from 'node:fs';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {InfluxWriteError, type WriteDisposition} from '../../../src/output/influx-write-error.ts';
import {formatLineProtocol} from '../../../src/output/line-protocol.ts';
import {LineSpool} from '../../../src/output/line-spool.ts';
import {type LineSender, type SpoolEvent, SpooledSink} from '../../../src/output/spooled-sink.ts';
import type {Point} from '../../../src/readings/point.ts';

/** A server stand-in: stores lines, or fails the way it is told to. */
class FakeServer implements LineSender {
	readonly description = 'fake://influx';
	readonly stored: string[] = [];
	requests = 0;
	failWith: WriteDisposition | undefined;
	retryAfterMs: number | undefined;
	/** Lines the server refuses as bad data. */
	readonly bad = new Set<string>();
	setAside?: (lines: readonly string[]) => void;

	async send(lines: readonly string[]): Promise<void> {
		this.requests++;
		if (this.failWith) {
			throw new InfluxWriteError(`fake: ${this.failWith}`, {
				disposition: this.failWith,
				...(this.retryAfterMs === undefined ? {} : {retryAfterMs: this.retryAfterMs}),
			});
		}
		if (lines.some((line) => this.bad.has(line))) {
			throw new InfluxWriteError('fake: HTTP 400: field type conflict', {
				disposition: 'dead-letter',
				status: 400,
			});
		}
		this.stored.push(...lines);
	}
}

/** The same stand-in, also taking the spool's bytes as they are (as the InfluxDB writer does). */
class FakeTextServer extends FakeServer {
	textRequests = 0;

	async sendText(text: Uint8Array): Promise<void> {
		this.textRequests++;
		const body = Buffer.from(text).toString('utf8');
		expect(body.endsWith('\n')).toBe(true);
		await this.send(body.slice(0, -1).split('\n'));
	}
}

const point = (value: number): Point => ({
	measurement: 'meter',
	tags: {meter: 'm1', obis: '1.8.1'},
	fields: {value},
	time: new Date(Date.UTC(2026, 0, 1, 0, 0, value)),
});

let directory: string;
let server: FakeServer;
let events: SpoolEvent[];

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-sink-'));
	server = new FakeServer();
	events = [];
});
afterEach(async () => {
	vi.useRealTimers();
	await rm(directory, {recursive: true, force: true});
});

async function makeSink(batchLines?: number) {
	const spool = await LineSpool.open({directory});
	return new SpooledSink({
		spool,
		sender: server,
		...(batchLines === undefined ? {} : {batchLines}),
		backoff: {minDelayMs: 1000, maxDelayMs: 60_000, jitter: 0},
		onEvent: (event) => events.push(event),
	});
}

describe.each([
	['a sender of lines', () => new FakeServer()],
	["a sender of the spool's text", () => new FakeTextServer()],
])('SpooledSink with %s', (_kind, makeServer) => {
	beforeEach(() => {
		server = makeServer();
	});

	it('says how long each acknowledged batch took to send', async () => {
		const sink = await makeSink();
		const send = server.send.bind(server);
		server.send = async (lines) => {
			await new Promise((resolve) => setTimeout(resolve, 60));
			await send(lines);
		};
		await sink.write([point(1)]);
		await sink.flush();
		const sent = events.filter((event) => event.kind === 'sent');
		expect(sent).toHaveLength(1);
		// The request's time (60 ms here), not the time the batch waited in the spool.
		expect((sent[0] as {durationMs: number}).durationMs).toBeGreaterThanOrEqual(55);
		expect((sent[0] as {durationMs: number}).durationMs).toBeLessThan(5000);
		await sink.close();
	});

	it('delivers written points in order and empties the spool', async () => {
		const sink = await makeSink();
		await sink.write([point(1), point(2)]);
		await sink.write([point(3)]);
		expect(await sink.flush()).toBe(true);
		expect(server.stored.map((line) => line.match(/value=(\d+)/)?.[1])).toEqual(['1', '2', '3']);
		expect(sink.pendingBytes).toBe(0);
		await sink.close();
	});

	it('delivers formatted text as it delivers points, after the points written before it', async () => {
		const sink = await makeSink();
		await sink.write([point(1)]);
		await sink.writeText(Buffer.from('meter,meter=m1,obis=1.8.1 value=2 1767225602\n'));
		expect(await sink.flush()).toBe(true);
		expect(server.stored).toEqual([
			'meter,meter=m1,obis=1.8.1 value=1 1767225601',
			'meter,meter=m1,obis=1.8.1 value=2 1767225602',
		]);
		await sink.close();
	});

	it('keeps points while the server is away and sends each exactly once when it returns', async () => {
		vi.useFakeTimers();
		const sink = await makeSink();
		server.failWith = 'retry';
		await sink.write([point(1)]);
		await vi.waitFor(() => expect(events.some((event) => event.kind === 'unavailable')).toBe(true));
		await sink.write([point(2)]);
		expect(server.stored).toEqual([]);
		server.failWith = undefined;
		await vi.advanceTimersByTimeAsync(1000);
		await vi.waitFor(() => expect(server.stored).toHaveLength(2));
		// The sink reports recovery once it has taken the acknowledgement, a moment after the server stored.
		await vi.waitFor(() => expect(events.some((event) => event.kind === 'recovered')).toBe(true));
		expect(events.find((event) => event.kind === 'recovered')).toEqual({
			kind: 'recovered',
			afterAttempts: expect.any(Number),
			sentLines: 2,
			waitingLines: 0,
		});
		expect(events.filter((event) => event.kind === 'unavailable')).toHaveLength(1);
		expect(await sink.flush()).toBe(true);
		await sink.close();
	});

	it('tells of every outage: unavailable again after the server came back and went away again', async () => {
		vi.useFakeTimers();
		const sink = await makeSink();
		for (const value of [1, 2]) {
			server.failWith = 'retry';
			await sink.write([point(value)]);
			await vi.waitFor(() =>
				expect(events.filter((event) => event.kind === 'unavailable')).toHaveLength(value),
			);
			server.failWith = undefined;
			await vi.advanceTimersByTimeAsync(1000);
			await vi.waitFor(() =>
				expect(events.filter((event) => event.kind === 'recovered')).toHaveLength(value),
			);
		}
		expect(events.map((event) => event.kind)).toEqual([
			'unavailable',
			'recovered',
			'sent',
			'unavailable',
			'recovered',
			'sent',
		]);
		expect(await sink.flush()).toBe(true);
		await sink.close();
	});

	it('backs off exponentially between attempts while the server stays away', async () => {
		vi.useFakeTimers();
		const sink = await makeSink();
		server.failWith = 'retry';
		await sink.write([point(1)]);
		await vi.waitFor(() => expect(server.requests).toBe(1));
		await vi.advanceTimersByTimeAsync(999);
		expect(server.requests).toBe(1);
		await vi.advanceTimersByTimeAsync(1);
		await vi.waitFor(() => expect(server.requests).toBe(2));
		await vi.advanceTimersByTimeAsync(1999);
		expect(server.requests).toBe(2);
		await vi.advanceTimersByTimeAsync(1);
		await vi.waitFor(() => expect(server.requests).toBe(3));
		server.failWith = undefined;
		await sink.close();
	});

	it("waits at least the server's Retry-After", async () => {
		vi.useFakeTimers();
		const sink = await makeSink();
		server.failWith = 'retry';
		server.retryAfterMs = 30_000;
		await sink.write([point(1)]);
		await vi.waitFor(() => expect(server.requests).toBe(1));
		await vi.advanceTimersByTimeAsync(29_999);
		expect(server.requests).toBe(1);
		server.failWith = undefined;
		await vi.advanceTimersByTimeAsync(1);
		await vi.waitFor(() => expect(server.stored).toHaveLength(1));
		await sink.close();
	});

	it('sets only the bad lines of a refused batch aside and delivers the rest', async () => {
		const sink = await makeSink();
		const points = [1, 2, 3, 4, 5].map(point);
		const badLine = (await import('../../../src/output/line-protocol.ts')).formatLineProtocol(point(4));
		server.bad.add(badLine);
		await sink.write(points);
		expect(await sink.flush()).toBe(true);
		expect(server.stored).toHaveLength(4);
		expect(server.stored).not.toContain(badLine);
		expect(events.filter((event) => event.kind === 'dead-letter')).toHaveLength(1);
		// The batch left the spool whole; the server acknowledged 4 of its 5 lines.
		expect(events.filter((event) => event.kind === 'sent')).toEqual([
			expect.objectContaining({lines: 5, refused: 1}),
		]);
		await sink.close();
	});

	it('sets many refused lines of a batch aside as one entry and one event per reason, with the file', async () => {
		const sink = await makeSink();
		const {formatLineProtocol} = await import('../../../src/output/line-protocol.ts');
		const points = Array.from({length: 20}, (_, index) => point(index + 1));
		for (const refused of points.slice(2)) server.bad.add(formatLineProtocol(refused));
		await sink.write(points);
		expect(await sink.flush()).toBe(true);
		expect(server.stored).toHaveLength(2);
		const deadLetters = events.filter((event) => event.kind === 'dead-letter');
		expect(deadLetters).toHaveLength(1);
		expect(deadLetters[0]).toMatchObject({lines: 18, file: join(directory, 'dead-letter.lp')});
		const file = await readFile(join(directory, 'dead-letter.lp'), 'utf8');
		expect(file.match(/^# /gm)).toHaveLength(1);
		expect(file.trim().split('\n')).toHaveLength(19);
		await sink.close();
	});

	it('tells its sender which lines it set aside, once they are in the dead-letter file', async () => {
		const sink = await makeSink();
		const {formatLineProtocol} = await import('../../../src/output/line-protocol.ts');
		const bad = [2, 4].map((value) => formatLineProtocol(point(value)));
		for (const line of bad) server.bad.add(line);
		const setAside: {lines: string[]; inFile: boolean}[] = [];
		server.setAside = (lines: readonly string[]) => {
			const file = readFileSync(join(directory, 'dead-letter.lp'), 'utf8');
			setAside.push({lines: [...lines], inFile: lines.every((line) => file.includes(line))});
		};
		await sink.write([1, 2, 3, 4, 5].map(point));
		expect(await sink.flush()).toBe(true);
		expect(setAside).toEqual([{lines: bad, inFile: true}]);
		expect(server.stored).toHaveLength(3);
		await sink.close();
	});

	it('keeps the last failure while lines wait, and forgets it after a success', async () => {
		const sink = await makeSink();
		server.failWith = 'hold';
		await sink.write([point(1)]);
		expect(await sink.flush()).toBe(false);
		expect(sink.lastFailure?.disposition).toBe('hold');
		expect(sink.lastFailure?.message).toBe('fake: hold');
		server.failWith = undefined;
		expect(await sink.flush()).toBe(true);
		expect(sink.lastFailure).toBeUndefined();
		await sink.close();
	});

	it('says when it replays what a previous run left (how much, since when) and when that is through', async () => {
		const first = await makeSink(1);
		await first.write([point(0)]);
		expect(await first.flush()).toBe(true);
		const lastAck = Date.now();
		server.failWith = 'retry';
		await first.write([point(1)]);
		expect(await first.flush()).toBe(false);
		await first.close();
		const firstSink = await makeSink(1);
		await firstSink.write([point(2), point(3)]);
		expect(await firstSink.flush()).toBe(false);
		await firstSink.close();
		events = [];
		server.failWith = undefined;
		const second = await makeSink(1);
		second.start();
		await vi.waitFor(() => expect(events.some((event) => event.kind === 'replayed')).toBe(true));
		const replaying = events.find((event) => event.kind === 'replaying');
		expect(replaying).toMatchObject({kind: 'replaying', lines: 3});
		expect((replaying as {bytes: number}).bytes).toBeGreaterThan(30);
		// The last acknowledgement before the outage (file times may be a little coarse).
		expect(Math.abs(((replaying as {since?: Date}).since?.getTime() ?? 0) - lastAck)).toBeLessThan(1000);
		expect(events.filter((event) => event.kind === 'replayed')).toEqual([
			expect.objectContaining({kind: 'replayed', lines: 3}),
		]);
		// Points written after the start are not part of the replay.
		await second.write([point(4)]);
		await second.flush();
		expect(events.filter((event) => event.kind === 'replayed')).toHaveLength(1);
		await second.close();
	});

	it('says nothing of a replay when the spool was empty', async () => {
		const sink = await makeSink();
		sink.start();
		await sink.write([point(1)]);
		await sink.flush();
		expect(events.some((event) => event.kind === 'replaying' || event.kind === 'replayed')).toBe(false);
		await sink.close();
	});

	it('replays what a previous run left in the spool at start', async () => {
		server.failWith = 'hold';
		const first = await makeSink();
		await first.write([point(1), point(2)]);
		expect(await first.flush()).toBe(false);
		await first.close();
		server.failWith = undefined;
		const second = await makeSink();
		second.start();
		await vi.waitFor(() => expect(server.stored).toHaveLength(2));
		await second.close();
	});

	it('sends in batches of the configured size', async () => {
		const sink = await makeSink(2);
		await sink.write([1, 2, 3, 4, 5].map(point));
		await sink.flush();
		expect(server.stored).toHaveLength(5);
		expect(
			events.filter((event) => event.kind === 'sent').map((event) => (event as {lines: number}).lines),
		).toEqual([2, 2, 1]);
		await sink.close();
	});

	it('waits at least a minute after a configuration failure before trying again', async () => {
		vi.useFakeTimers();
		const sink = await makeSink();
		server.failWith = 'hold';
		await sink.write([point(1)]);
		await vi.waitFor(() => expect(server.requests).toBe(1));
		await vi.advanceTimersByTimeAsync(59_999);
		expect(server.requests).toBe(1);
		server.failWith = undefined;
		await vi.advanceTimersByTimeAsync(1);
		await vi.waitFor(() => expect(server.stored).toHaveLength(1));
		await sink.close();
	});

	it('splits a batch the server finds too large (413) until the halves pass', async () => {
		const limited: LineSender = {
			description: 'fake://limited',
			send: async (lines) => {
				if (lines.length > 2) {
					throw new InfluxWriteError('fake: HTTP 413: request too large', {disposition: 'hold', status: 413});
				}
				server.stored.push(...lines);
			},
		};
		const spool = await LineSpool.open({directory});
		const sink = new SpooledSink({spool, sender: limited});
		await sink.write([1, 2, 3, 4, 5].map(point));
		expect(await sink.flush()).toBe(true);
		expect(server.stored).toHaveLength(5);
		await sink.close();
	});

	it('refuses writes after close', async () => {
		const sink = await makeSink();
		await sink.close();
		await expect(sink.write([point(1)])).rejects.toThrow(/closed/);
	});

	it('refuses a batch size below one', async () => {
		const spool = await LineSpool.open({directory});
		expect(() => new SpooledSink({spool, sender: server, batchLines: 0})).toThrow(TypeError);
		await spool.close();
	});
});

describe('SpooledSink with a sender of text', () => {
	it("hands it the spool's bytes, split into lines only to find a bad one", async () => {
		const textServer = new FakeTextServer();
		server = textServer;
		const sink = await makeSink();
		const bad = 'meter,meter=m1,obis=1.8.1 value=2 1767225602';
		textServer.bad.add(bad);
		await sink.write([point(1), point(2), point(3)]);
		await sink.flush();
		expect(textServer.textRequests).toBe(1);
		expect(textServer.stored).toHaveLength(2);
		expect(textServer.stored.includes(bad)).toBe(false);
		await sink.close();
	});

	it('delivers every line once and in order while it reads ahead, across compactions and empties', async () => {
		const textServer = new FakeTextServer();
		const spool = await LineSpool.open({directory, compactAfterBytes: 1024});
		const sink = new SpooledSink({spool, sender: textServer, batchLines: 3});
		const points = Array.from({length: 120}, (_, index) => point(index));
		for (let index = 0; index < points.length; index += 7) await sink.write(points.slice(index, index + 7));
		await sink.flush();
		expect(textServer.stored).toEqual(points.map(formatLineProtocol));
		expect(spool.pendingBytes).toBe(0);
		await sink.close();
	});

	it('sends the next batch while the one before is acknowledged, each acknowledged once and in order', async () => {
		const spool = await LineSpool.open({directory});
		// Acks under way (written and fsync'd) as each batch goes out.
		let acking = 0;
		const ack = spool.ack.bind(spool);
		spool.ack = async (end: number) => {
			acking++;
			try {
				await ack(end);
			} finally {
				acking--;
			}
		};
		const ackingAtSend: number[] = [];
		const textServer = new (class extends FakeTextServer {
			override async sendText(text: Uint8Array): Promise<void> {
				ackingAtSend.push(acking);
				await super.sendText(text);
			}
		})();
		const sent: number[] = [];
		const sink = new SpooledSink({
			spool,
			sender: textServer,
			batchLines: 3,
			onEvent: (event) => {
				if (event.kind === 'sent') sent.push(event.lines);
			},
		});
		const points = Array.from({length: 60}, (_, index) => point(index));
		await sink.write(points);
		await sink.flush();
		expect(textServer.stored).toEqual(points.map(formatLineProtocol));
		expect(sent).toEqual(Array.from({length: 20}, () => 3));
		expect(spool.pendingLines).toBe(0);
		expect(Math.max(...ackingAtSend)).toBe(1);
		await sink.close();
	});
});
