import {appendFile, mkdtemp, open, readdir, readFile, rm, truncate, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {LineSpool} from '../../../src/output/line-spool.ts';

let directory: string;
const warnings: string[] = [];

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-spool-'));
	warnings.length = 0;
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

function openSpool(options: {maxBytes?: number; compactAfterBytes?: number} = {}) {
	return LineSpool.open({directory, onWarning: (message) => warnings.push(message), ...options});
}

const lines = (from: number, count: number) =>
	Array.from(
		{length: count},
		(_, index) =>
			`meter,obis=1.8.1 value=${String(from + index).padStart(4, '0')} ${1_700_000_000 + from + index}`,
	);

describe('LineSpool', () => {
	it('counts the unsent lines through appends, acks, drops at the bound and a reopen', async () => {
		const spool = await openSpool({maxBytes: 1024});
		await spool.append(lines(0, 10));
		const batch = await spool.peek(4);
		await spool.ack(batch.end);
		expect(spool.pendingLines).toBe(6);
		// 36 lines of 39 bytes do not fit in 1024: the oldest are dropped, and no longer counted.
		await spool.append(lines(10, 30));
		const lineBytes = Buffer.byteLength(`${lines(0, 1)[0]}\n`);
		expect(spool.pendingLines).toBeLessThan(36);
		expect(spool.pendingLines).toBe(spool.pendingBytes / lineBytes);
		const counted = spool.pendingLines;
		await spool.close();
		const reopened = await openSpool({maxBytes: 1024});
		expect(reopened.pendingLines).toBe(counted);
		await reopened.ack((await reopened.peek()).end);
		expect(reopened.pendingLines).toBe(0);
		await reopened.close();
	});

	it('gives back appended lines in order', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 3));
		await spool.append(lines(3, 2));
		const batch = await spool.peek();
		expect(batch.lines).toEqual(lines(0, 5));
		await spool.close();
	});

	it('limits a batch to the requested number of lines', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 10));
		const batch = await spool.peek(4);
		expect(batch.lines).toEqual(lines(0, 4));
		await spool.ack(batch.end);
		expect((await spool.peek(100)).lines).toEqual(lines(4, 6));
		await spool.close();
	});

	it('gives back the same lines as bytes (peekText), counted, acknowledged as peek() is', async () => {
		const spool = await openSpool();
		await spool.append([...lines(0, 3), 'meter,obis=C.1.0 text="Zähler" 1']);
		await spool.append(lines(3, 6));
		const batch = await spool.peekText(5);
		expect(batch.lines).toBe(5);
		expect(batch.text.toString('utf8')).toBe(
			`${[...lines(0, 3), 'meter,obis=C.1.0 text="Zähler" 1', ...lines(3, 1)].join('\n')}\n`,
		);
		expect(batch.end).toBe((await spool.peek(5)).end);
		await spool.ack((await spool.peekText(5)).end);
		expect(spool.pendingLines).toBe(5);
		const rest = await spool.peekText(100);
		expect([rest.lines, rest.text.toString('utf8')]).toEqual([5, `${lines(4, 5).join('\n')}\n`]);
		await spool.ack(rest.end);
		expect(await spool.peekText()).toMatchObject({lines: 0, end: (await spool.peek()).end});
		expect(spool.pendingBytes).toBe(0);
		await spool.close();
	});

	it('keeps lines until they are acknowledged', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 3));
		await spool.peek();
		expect((await spool.peek()).lines).toEqual(lines(0, 3));
		expect(spool.pendingBytes).toBeGreaterThan(0);
		await spool.close();
	});

	it('is empty once everything is acknowledged', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 3));
		await spool.ack((await spool.peek()).end);
		expect(spool.pendingBytes).toBe(0);
		expect((await spool.peek()).lines).toEqual([]);
		await spool.close();
	});

	it('replays unacknowledged lines after a reopen, and not the acknowledged ones', async () => {
		const first = await openSpool();
		await first.append(lines(0, 6));
		const batch = await first.peek(2);
		await first.ack(batch.end);
		await first.close();
		const second = await openSpool();
		expect((await second.peek()).lines).toEqual(lines(2, 4));
		await second.close();
	});

	it('skips a torn last line with a warning and keeps the complete ones', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 2));
		await spool.close();
		const [data] = (await readdir(directory)).filter((name) => name.endsWith('.lp'));
		await appendFile(join(directory, data as string), 'meter,obis=1.8.1 value=9');
		const reopened = await openSpool();
		expect((await reopened.peek()).lines).toEqual(lines(0, 2));
		expect(warnings).toEqual([expect.stringMatching(/torn last line \(24 bytes\)/)]);
		await reopened.append(lines(2, 1));
		expect((await reopened.peek()).lines).toEqual(lines(0, 3));
		await reopened.close();
	});

	it('drops the oldest lines at the size bound, counts them and says so', async () => {
		const spool = await openSpool({maxBytes: 1024});
		const line = lines(0, 1)[0] as string;
		const perLine = Buffer.byteLength(line) + 1;
		const fit = Math.floor(1024 / perLine);
		await spool.append(lines(0, fit));
		await spool.append(lines(fit, 3));
		expect(spool.dropped).toBe(3);
		expect(spool.pendingBytes).toBeLessThanOrEqual(1024);
		const kept = (await spool.peek(1000)).lines;
		expect(kept[0]).toBe(lines(3, 1)[0]);
		expect(kept.at(-1)).toBe(lines(fit + 2, 1)[0]);
		expect(warnings.some((message) => message.includes('dropped the 3 oldest lines'))).toBe(true);
		await spool.close();
	});

	it('keeps the count of dropped lines in dropped.json across drops and reopens, and says nothing when nothing could go', async () => {
		const line = lines(0, 1)[0] as string;
		const fit = Math.floor(1024 / (Buffer.byteLength(line) + 1));
		const spool = await openSpool({maxBytes: 1024});
		// Nothing unsent and one batch larger than the bound: nothing to drop, no warning of a drop.
		await spool.append(lines(0, fit + 5));
		await spool.ack((await spool.peek(1000)).end);
		expect(warnings).toEqual([]);
		await spool.append(lines(100, fit));
		await spool.append(lines(200, 3));
		await spool.close();
		const reopened = await openSpool({maxBytes: 1024});
		await reopened.append(lines(300, 2));
		await reopened.close();
		const record = JSON.parse(await readFile(join(directory, 'dropped.json'), 'utf8'));
		expect(record).toMatchObject({lines: 5, lastLines: 2});
		expect(Date.parse(record.since)).toBeLessThanOrEqual(Date.parse(record.lastAt));
		expect(warnings.filter((message) => message.includes('dropped the'))).toHaveLength(2);
	});

	it('compacts into a new generation once enough was sent, keeping the unsent tail', async () => {
		const spool = await openSpool({compactAfterBytes: 1024});
		await spool.append(lines(0, 40));
		const batch = await spool.peek(30);
		await spool.ack(batch.end);
		const files = (await readdir(directory)).filter((name) => name.endsWith('.lp'));
		expect(files).toEqual(['spool-1.lp']);
		expect((await spool.peek()).lines).toEqual(lines(30, 10));
		await spool.close();
		const reopened = await openSpool();
		expect((await reopened.peek()).lines).toEqual(lines(30, 10));
		await reopened.close();
	});

	it('ignores the half-written next generation of an interrupted compaction', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 3));
		await spool.close();
		await writeFile(join(directory, 'spool-1.lp'), `${lines(1, 1)[0]}\n`);
		const reopened = await openSpool();
		expect((await reopened.peek()).lines).toEqual(lines(0, 3));
		expect(await readdir(directory)).not.toContain('spool-1.lp');
		await reopened.close();
	});

	it('clamps a recorded offset past the end of the data (a crash right after truncating)', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 4));
		await spool.ack((await spool.peek(2)).end);
		await spool.close();
		const [data] = (await readdir(directory)).filter((name) => name.endsWith('.lp'));
		await truncate(join(directory, data as string), 0);
		const reopened = await openSpool();
		expect(reopened.pendingBytes).toBe(0);
		await reopened.append(lines(9, 1));
		expect((await reopened.peek()).lines).toEqual(lines(9, 1));
		await reopened.close();
	});

	it('replays from the start, with a warning, when the state record is torn', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 4));
		await spool.ack((await spool.peek(2)).end);
		await spool.close();
		await writeFile(join(directory, 'spool.state'), '0 1');
		const reopened = await openSpool();
		expect((await reopened.peek()).lines).toEqual(lines(0, 4));
		expect(warnings).toEqual([expect.stringMatching(/unreadable state record/)]);
		await reopened.close();
	});

	it('sets bad lines aside in the dead-letter file with the reason', async () => {
		const spool = await openSpool();
		await spool.deadLetter(['bad line'], 'HTTP 400: unable to parse');
		const text = await readFile(join(directory, 'dead-letter.lp'), 'utf8');
		expect(text).toMatch(/^# \d{4}-\d\d-\d\dT.* HTTP 400: unable to parse\nbad line\n$/);
		await spool.close();
	});

	it('takes encoded text as lines: counted, kept in order with appended lines, replayed after a reopen', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 2));
		const text = Buffer.from(`${lines(2, 3).join('\n')}\n`, 'utf8');
		await spool.appendText(text);
		// The caller may reuse its buffer once the append resolved.
		text.fill(0x20);
		expect(spool.pendingLines).toBe(5);
		await spool.close();
		const reopened = await openSpool();
		expect(reopened.pendingLines).toBe(5);
		expect((await reopened.peek()).lines).toEqual(lines(0, 5));
		await reopened.close();
	});

	it('gives text it just took back as taken (peekText), though the caller reused its buffer, by batch and ahead', async () => {
		const spool = await openSpool();
		const text = (from: number, count: number) => Buffer.from(`${lines(from, count).join('\n')}\n`, 'utf8');
		const first = text(0, 4);
		await spool.appendText(first);
		first.fill(0x20);
		await spool.appendText(text(4, 3));
		await spool.append(lines(7, 1));
		const batch = await spool.peekText(3);
		expect(batch.text.toString('utf8')).toBe(text(0, 3).toString('utf8'));
		const ahead = await spool.peekText(5, undefined, batch.end);
		expect(ahead.text.toString('utf8')).toBe(text(3, 5).toString('utf8'));
		await spool.ack(batch.end);
		await spool.ack(ahead.end);
		expect(spool.pendingLines).toBe(0);
		await spool.appendText(text(8, 2));
		expect((await spool.peekText()).text.toString('utf8')).toBe(text(8, 2).toString('utf8'));
		await spool.close();
	});

	it('gives any batch of recent appends as the file holds it: across appends, by lines and by bytes', async () => {
		const spool = await openSpool();
		const all: string[] = [];
		// Appends of 1 to 7 lines of varying length.
		for (let append = 0; append < 12; append++) {
			const count = 1 + ((append * 5) % 7);
			const added = Array.from(
				{length: count},
				(_, index) => `m,i=${all.length + index} v=${'9'.repeat(append % 4)} 1`,
			);
			all.push(...added);
			await spool.appendText(Buffer.from(`${added.join('\n')}\n`, 'utf8'));
		}
		const starts = all.map((_, index) =>
			Buffer.byteLength(
				all
					.slice(0, index)
					.map((line) => `${line}\n`)
					.join(''),
			),
		);
		for (const [lineIndex, start] of starts.entries()) {
			for (const [maxLines, maxBytes] of [
				[1, 1000],
				[5, 1000],
				[100, 1000],
				[100, 40],
				[3, 50],
			] as const) {
				const expected: string[] = [];
				let bytes = 0;
				for (const line of all.slice(lineIndex)) {
					if (expected.length >= maxLines || bytes + line.length + 1 > maxBytes) break;
					expected.push(line);
					bytes += line.length + 1;
				}
				const batch = await spool.peekText(maxLines, maxBytes, start);
				expect(batch.text.toString('utf8')).toBe(expected.map((line) => `${line}\n`).join(''));
				expect(batch.lines).toBe(expected.length);
			}
		}
		await spool.close();
	});

	it('keeps call order between grouped appends and encoded text', async () => {
		const spool = await openSpool();
		const text = Buffer.from(`${lines(3, 2).join('\n')}\n`, 'utf8');
		// The first append runs; the second waits for a group commit, which a later append would join.
		await Promise.all([
			spool.append(lines(0, 1)),
			spool.append(lines(1, 2)),
			spool.appendText(text),
			spool.append(lines(5, 2)),
		]);
		expect((await spool.peek()).lines).toEqual(lines(0, 7));
		expect(spool.pendingLines).toBe(7);
		await spool.close();
	});

	it('refuses text that does not end with a newline (a torn line)', async () => {
		const spool = await openSpool();
		await expect(spool.appendText(Buffer.from('meter value=1 1'))).rejects.toThrow(/end with a newline/);
		expect(spool.pendingBytes).toBe(0);
		await spool.close();
	});

	it('refuses a line with a newline inside', async () => {
		const spool = await openSpool();
		await expect(spool.append(['a\nb'])).rejects.toThrow(TypeError);
		await spool.close();
	});

	it('refuses an acknowledgement outside the unsent range', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 1));
		await expect(spool.ack(10_000)).rejects.toThrow(RangeError);
		await spool.close();
	});

	it('serialises concurrent appends without losing or interleaving lines', async () => {
		const spool = await openSpool();
		await Promise.all(Array.from({length: 20}, (_, index) => spool.append(lines(index * 5, 5))));
		const all = (await spool.peek(1000)).lines;
		expect(all).toHaveLength(100);
		expect(new Set(all).size).toBe(100);
		await spool.close();
	});

	it('commits appends that arrive while another is written with one fsync, in call order', async () => {
		const spool = await openSpool();
		await spool.append(lines(0, 1));
		// Count fsyncs on every file handle (the spool's own included).
		const probe = await open(join(directory, 'probe'), 'w');
		const handlePrototype = Object.getPrototypeOf(probe) as {datasync(): Promise<void>};
		await probe.close();
		const datasync = vi.spyOn(handlePrototype, 'datasync');
		try {
			await Promise.all(Array.from({length: 40}, (_, index) => spool.append(lines(1 + index * 3, 3))));
			// One commit for the 40 (one per append would be 40); a second, at most, for timing.
			expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
			expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
		} finally {
			datasync.mockRestore();
		}
		expect((await spool.peek(1000)).lines).toEqual(lines(0, 121));
		expect(spool.pendingLines).toBe(121);
		await spool.close();
		// Durable and whole after a reopen.
		const again = await openSpool();
		expect((await again.peek(1000)).lines).toEqual(lines(0, 121));
		await again.close();
	});

	it('rejects only the append with a bad line, not the others committed with it', async () => {
		const spool = await openSpool();
		const results = await Promise.allSettled([
			spool.append(lines(0, 2)),
			spool.append(['bad\nline']),
			spool.append(lines(2, 2)),
		]);
		expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
		expect((await spool.peek(10)).lines).toEqual(lines(0, 4));
		await spool.close();
	});

	it('refuses work after close', async () => {
		const spool = await openSpool();
		await spool.close();
		await expect(spool.append(lines(0, 1))).rejects.toThrow(/closed/);
	});

	it('refuses a bound below 1024 bytes at construction', async () => {
		await expect(openSpool({maxBytes: 10})).rejects.toThrow(TypeError);
	});
});
