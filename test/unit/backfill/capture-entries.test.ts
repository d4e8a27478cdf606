import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	type BackfillItem,
	captureItems,
	classifySource,
	type SourceReadOptions,
	STREAM_FROM_BYTES,
	sourceItems,
} from '../../../src/backfill/backfill-sources.ts';
import {CaptureEntries, type CaptureEntry} from '../../../src/backfill/capture-entries.ts';
import {crc16} from '../../../src/iec62056/crc16.ts';
import {StreamingCaptureDecoder} from '../../../src/iec62056/streaming-capture-decoder.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';

const fixtures = new URL('../../fixtures/telegrams/', import.meta.url).pathname;
const options: SourceReadOptions = {ignoreBlockCheck: () => false, captureTimeZone: 'Europe/Berlin'};
const profile = createZmd120Profile({timeZone: 'Europe/Berlin'});
const zmdAt = (atMs: number) =>
	Buffer.concat([Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(atMs)]);

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-capture-entries-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
	const all: T[] = [];
	for await (const item of items) all.push(item);
	return all;
}

const summary = (item: BackfillItem) =>
	item.kind === 'readout'
		? `${item.readAt.toISOString()} ${item.telegrams.flatMap((telegram) => telegram.dataSets.map((set) => `${set.address}=${set.values.map((value) => value.text).join('|')}`)).join(' ')}`
		: `${item.kind} ${item.reason}`;

/** A ZMD120 telegram whose BCC is wrong. */
const badAt = (atMs: number) => {
	const telegram = zmdAt(atMs);
	telegram[telegram.length - 1] = (telegram[telegram.length - 1] ?? 0) ^ 0x01;
	return telegram;
};

const shape = (entry: CaptureEntry) =>
	entry.kind === 'telegram' ? `telegram ${entry.index}` : `${entry.error.name} after ${entry.after}`;

describe('CaptureEntries', () => {
	it("puts each block error in its place among the decoder's telegrams, in any chunking", () => {
		const start = Date.UTC(2026, 2, 1);
		const capture = Buffer.concat([
			badAt(start),
			zmdAt(start + 60_000),
			zmdAt(start + 120_000),
			badAt(start + 180_000),
			badAt(start + 240_000),
			zmdAt(start + 300_000),
			badAt(start + 360_000),
		]);
		for (const size of [100, 4096, capture.length]) {
			const decoder = new StreamingCaptureDecoder();
			const entries = new CaptureEntries(decoder);
			const shapes: string[] = [];
			for (let offset = 0; offset < capture.length; offset += size) {
				for (const entry of entries.of(decoder.push(capture.subarray(offset, offset + size))))
					shapes.push(shape(entry));
			}
			for (const entry of entries.of(decoder.end())) shapes.push(shape(entry));
			expect(shapes).toEqual([
				'BlockCheckError after 0',
				'telegram 1',
				'telegram 2',
				'BlockCheckError after 2',
				'BlockCheckError after 2',
				'telegram 3',
				'BlockCheckError after 3',
			]);
		}
	});
});

describe('a capture read in chunks (over STREAM_FROM_BYTES)', () => {
	async function longLog(badAtIndex: number[]) {
		const start = Date.UTC(2026, 2, 1);
		const parts: Buffer[] = [];
		for (let index = 0; parts.reduce((sum, part) => sum + part.length, 0) <= STREAM_FROM_BYTES; index++) {
			parts.push(badAtIndex.includes(index) ? badAt(start + index * 60_000) : zmdAt(start + index * 60_000));
		}
		const file = join(directory, 'long.bin');
		const bytes = Buffer.concat(parts);
		await writeFile(file, bytes);
		return {file, bytes, parts};
	}

	it('gives the telegrams of a long IEC log as a whole-file decode does, each refused block in its place', async () => {
		const {file, bytes, parts} = await longLog([7, 1000]);
		let read = 0;
		const streamed = await collect(
			sourceItems(await classifySource(file), {...options, onBytes: (bytes) => (read = bytes)}),
		);
		const whole = [...captureItems(bytes, file, new Date(0), options)];
		expect(streamed.length).toBe(parts.length);
		expect(streamed.map(summary)).toEqual(whole.map(summary));
		// The bad block at 0-based index 7 follows 7 good telegrams; the one at 1000 follows 999.
		const refused = streamed.flatMap((item, index) => (item.kind === 'refused' ? [{item, index}] : []));
		expect(refused.map(({index}) => index)).toEqual([7, 1000]);
		// Named by the path as given, not its base name: several sources may share one.
		expect(refused.map(({item}) => item.place)).toEqual([
			`${file} block after telegram 7`,
			`${file} block after telegram 999`,
		]);
		expect(refused[0]?.item).toMatchObject({
			reason: 'bad-bcc',
			message: expect.stringMatching(/long\.bin block after telegram 7: BCC mismatch/),
		});
		expect(streamed[8]?.place).toBe(`${file} telegram 8`);
		expect(read).toBe(bytes.length);
	});

	it('refuses a long file of bare text lines instead of merging its readouts into one', async () => {
		const lines: string[] = [];
		for (let minute = 0, length = 0; length <= STREAM_FROM_BYTES; minute++) {
			const line = `0.9.1(${String(minute % 24).padStart(2, '0')}0000)\r\n0.9.2(260301)\r\n1.8.0(${minute}*kWh)\r\n`;
			lines.push(line);
			length += line.length;
		}
		const file = join(directory, 'pasted.txt');
		await writeFile(file, lines.join(''));
		const items = await collect(sourceItems(await classifySource(file), options));
		expect(items).toEqual([
			expect.objectContaining({
				kind: 'refused',
				reason: 'no-telegram',
				place: file,
				message: expect.stringMatching(
					/pasted\.txt: no framed telegram in 1\.\d MB .*bare data lines are read as one pasted readout only up to 1\.0 MB,/,
				),
			}),
		]);
		// The same lines under the limit are pasted text: one readout.
		const short = join(directory, 'short.txt');
		await writeFile(short, lines.slice(0, 3).join(''));
		const [one] = await collect(sourceItems(await classifySource(short), options));
		expect(one).toMatchObject({kind: 'readout', place: short});
	});

	it('reads a long DSMR log telegram by telegram, each at its clock', async () => {
		const kaifa = (await readFile(join(fixtures, 'dsmr-kaifa-p1/input.bin'), 'latin1')).replace(
			/!\w{4}\r\n$/,
			'',
		);
		const telegrams: string[] = [];
		for (let minute = 0; telegrams.join('').length <= STREAM_FROM_BYTES; minute++) {
			const clock = `1611${String(13 + Math.floor(minute / 1440)).padStart(2, '0')}${String(Math.floor((minute % 1440) / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}00W`;
			const body = kaifa.replace('0-0:1.0.0(161113205757W)', `0-0:1.0.0(${clock})`);
			telegrams.push(
				`${body}!${crc16(Buffer.from(`${body}!`, 'latin1'))
					.toString(16)
					.toUpperCase()
					.padStart(4, '0')}\r\n`,
			);
		}
		const file = join(directory, 'p1.log');
		await writeFile(file, telegrams.join(''), 'latin1');
		const items = await collect(sourceItems(await classifySource(file), options));
		expect(items.every((item) => item.kind === 'readout')).toBe(true);
		expect(items).toHaveLength(telegrams.length);
		const times = items.map((item) => (item.kind === 'readout' ? item.readAt.getTime() : Number.NaN));
		expect((times[1] ?? 0) - (times[0] ?? 0)).toBe(60_000);
		expect(new Set(times).size).toBe(telegrams.length);
	});
});
