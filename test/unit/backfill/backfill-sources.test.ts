import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	type BackfillItem,
	BackfillSourceError,
	captureItems,
	classifySource,
	type SourceReadOptions,
	sourceItems,
} from '../../../src/backfill/backfill-sources.ts';
import {RawArchive} from '../../../src/output/raw-archive.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';

const fixtures = new URL('../../fixtures/telegrams/', import.meta.url).pathname;
const options: SourceReadOptions = {ignoreBlockCheck: () => false, captureTimeZone: 'Europe/Berlin'};
const profile = createZmd120Profile({timeZone: 'Europe/Berlin'});
const telegramAt = (atMs: number) =>
	Buffer.concat([Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(atMs)]);

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-sources-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

async function collect(items: AsyncIterable<BackfillItem> | Iterable<BackfillItem>): Promise<BackfillItem[]> {
	const all: BackfillItem[] = [];
	for await (const item of items) all.push(item);
	return all;
}

describe('classifySource', () => {
	it('tells stdin, an archive directory, an archive file and a capture apart', async () => {
		const archive = new RawArchive({directory: join(directory, 'raw'), fsync: false});
		await archive.append('house', new Date('2026-01-02T00:00:00Z'), telegramAt(0));
		await archive.append('house', new Date('2026-01-01T00:00:00Z'), telegramAt(0));
		const capture = join(directory, 'capture.bin');
		await writeFile(capture, telegramAt(0));
		expect(await classifySource('-')).toEqual({kind: 'stdin'});
		expect(await classifySource(join(directory, 'raw'))).toEqual({
			kind: 'archive-directory',
			path: join(directory, 'raw'),
			files: [
				join(directory, 'raw', 'raw-2026-01-01.jsonl.gz'),
				join(directory, 'raw', 'raw-2026-01-02.jsonl.gz'),
			],
		});
		const file = join(directory, 'raw', 'raw-2026-01-01.jsonl.gz');
		expect(await classifySource(file)).toEqual({kind: 'archive-file', path: file});
		expect(await classifySource(capture)).toEqual({kind: 'capture-file', path: capture});
	});

	it('names a missing source and a directory without archive files', async () => {
		await expect(classifySource(join(directory, 'nope'))).rejects.toThrow(
			new BackfillSourceError(`${join(directory, 'nope')}: cannot read: no such file`),
		);
		await mkdir(join(directory, 'empty'));
		await expect(classifySource(join(directory, 'empty'))).rejects.toThrow(
			/a directory without raw archive files/,
		);
	});
});

describe('sourceItems, gzip', () => {
	it('reads a gzipped capture as the capture it holds, and names a cut one as gzip', async () => {
		const times = [Date.UTC(2026, 2, 1, 10, 0, 0), Date.UTC(2026, 2, 1, 10, 15, 0)];
		const file = join(directory, 'log.bin.gz');
		const packed = gzipSync(Buffer.concat(times.map(telegramAt)));
		await writeFile(file, packed);
		const items = await collect(sourceItems(await classifySource(file), options));
		expect(items.map((item) => (item.kind === 'readout' ? item.readAt.getTime() : item.kind))).toEqual(times);
		const piped = await collect(sourceItems({kind: 'stdin'}, {...options, stdin: async () => packed}));
		expect(piped.map((item) => (item.kind === 'readout' ? item.readAt.getTime() : item.kind))).toEqual(times);
		await writeFile(file, packed.subarray(0, packed.length - 20));
		await expect(collect(sourceItems(await classifySource(file), options))).rejects.toThrow(
			`${file}: gzip: unexpected end of file`,
		);
	});
});

describe('captureItems', () => {
	it('stamps each telegram of a log with the meter clock in it', () => {
		const times = [Date.UTC(2026, 2, 1, 10, 0, 0), Date.UTC(2026, 2, 1, 10, 15, 0)];
		const items = [...captureItems(Buffer.concat(times.map(telegramAt)), 'log', new Date(0), options)];
		expect(items.map((item) => (item.kind === 'readout' ? item.readAt.getTime() : item.kind))).toEqual(times);
		expect(items.map((item) => item.place)).toEqual(['log telegram 1', 'log telegram 2']);
	});

	it('stamps a single telegram without a clock with the fallback, and refuses the undated ones of a log', async () => {
		const em214 = await readFile(join(fixtures, 'itron-em214-c/input.bin'));
		const fallback = new Date('2026-03-01T00:00:00Z');
		const [single] = [...captureItems(em214, 'one', fallback, options)];
		expect(single).toMatchObject({kind: 'readout', readAt: fallback});
		const two = [...captureItems(Buffer.concat([em214, em214]), 'two', fallback, options)];
		expect(two).toEqual([
			expect.objectContaining({kind: 'refused', reason: 'no-time', place: 'two telegram 1'}),
			expect.objectContaining({kind: 'refused', reason: 'no-time', place: 'two telegram 2'}),
		]);
	});

	it('reads pasted text of several readouts as one readout each, at its own clock', () => {
		const text = [10, 11, 12]
			.map((hour, i) => `1.8.1(00100${i}.0*kWh)\n0.9.1(${hour}0000)\n0.9.2(261130)\n!\n`)
			.join('');
		const items = [...captureItems(Buffer.from(text), 'paste', new Date(0), options)];
		expect(items.map((item) => (item.kind === 'readout' ? item.readAt.toISOString() : item.kind))).toEqual([
			'2026-11-30T09:00:00.000Z',
			'2026-11-30T10:00:00.000Z',
			'2026-11-30T11:00:00.000Z',
		]);
		expect(items.map((item) => item.place)).toEqual([
			'paste telegram 1',
			'paste telegram 2',
			'paste telegram 3',
		]);
	});

	it('notes bare lines before the first telegram that were not read', () => {
		const notes: string[] = [];
		const bytes = Buffer.concat([
			Buffer.from('1.8.1(1*kWh)\r\n!\r\n'),
			telegramAt(Date.UTC(2026, 2, 1, 10, 0, 0)),
		]);
		const items = [
			...captureItems(bytes, 'mixed', new Date(0), {...options, onNote: (note) => notes.push(note)}),
		];
		expect(items.map((item) => item.kind)).toEqual(['readout']);
		expect(notes).toEqual([
			expect.stringMatching(/^mixed: 1 data set in bare lines before the first telegram not read/),
		]);
	});

	it('lists a refused block of a log in its place, named by the telegram before it', () => {
		const times = [Date.UTC(2026, 2, 1, 10, 0, 0), Date.UTC(2026, 2, 1, 10, 15, 0)];
		const bad = telegramAt(Date.UTC(2026, 2, 1, 10, 5, 0));
		bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
		const log = Buffer.concat([telegramAt(times[0] ?? 0), bad, telegramAt(times[1] ?? 0)]);
		const items = [...captureItems(log, 'log', new Date(0), options)];
		expect(items.map((item) => `${item.kind} ${item.place}`)).toEqual([
			'readout log telegram 1',
			'refused log block after telegram 1',
			'readout log telegram 2',
		]);
		expect(items[1]).toMatchObject({
			reason: 'bad-bcc',
			message: expect.stringMatching(/^log block after telegram 1: BCC mismatch/),
		});
	});

	it('refuses a block with a wrong BCC with its reason, and says when there is no telegram at all', () => {
		const bad = telegramAt(Date.UTC(2026, 2, 1));
		bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
		expect([...captureItems(bad, 'bad', new Date(0), options)]).toEqual([
			expect.objectContaining({kind: 'refused', reason: 'bad-bcc', telegrams: 1}),
		]);
		expect([...captureItems(Buffer.from('hello'), 'noise', new Date(0), options)]).toEqual([
			expect.objectContaining({kind: 'refused', reason: 'no-telegram', telegrams: 0}),
		]);
	});
});

describe('sourceItems of a raw archive', () => {
	it("combines a readout's sign-ons, stamps it with the last one's time, and refuses a readout with a bad block whole", async () => {
		const archive = new RawArchive({directory, fsync: false});
		const first = new Date('2026-01-01T00:00:00Z');
		const second = new Date('2026-01-01T00:00:07Z');
		const bad = telegramAt(0);
		bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
		await archive.append('siemens', first, telegramAt(first.getTime()), {part: 1, parts: 2});
		await archive.append('siemens', second, telegramAt(second.getTime()), {part: 2, parts: 2});
		await archive.append('siemens', new Date('2026-01-01T00:01:00Z'), telegramAt(0), {part: 1, parts: 2});
		await archive.append('siemens', new Date('2026-01-01T00:01:07Z'), bad, {part: 2, parts: 2});
		const source = await classifySource(archive.fileFor(first));
		let bytes = 0;
		const items = await collect(sourceItems(source, {...options, onBytes: (read) => (bytes = read)}));
		expect(items).toEqual([
			expect.objectContaining({
				kind: 'readout',
				meterId: 'siemens',
				readAt: second,
				place: `${archive.fileFor(first)} record 1-2`,
			}),
			expect.objectContaining({
				kind: 'refused',
				reason: 'bad-bcc',
				telegrams: 2,
				place: `${archive.fileFor(first)} record 3-4`,
			}),
		]);
		expect(items[0]?.kind === 'readout' && items[0].telegrams).toHaveLength(2);
		expect(bytes).toBe((await readFile(archive.fileFor(first))).length);
	});

	it('reads an archive piped to stdin as it reads the file', async () => {
		const archive = new RawArchive({directory, fsync: false});
		const at = new Date('2026-01-01T00:00:00Z');
		await archive.append('house', at, telegramAt(at.getTime()));
		const file = await readFile(archive.fileFor(at));
		const items = await collect(sourceItems({kind: 'stdin'}, {...options, stdin: async () => file}));
		expect(items).toEqual([
			expect.objectContaining({kind: 'readout', meterId: 'house', readAt: at, place: 'stdin record 1'}),
		]);
	});
});
