import {appendFile, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gunzipSync, gzipSync} from 'node:zlib';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	isRawArchive,
	RawArchive,
	RawArchiveError,
	type RawTelegram,
	rawTelegramsOf,
} from '../../../src/output/raw-archive.ts';

let directory: string;
const warnings: string[] = [];

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-raw-'));
	warnings.length = 0;
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

const archive = () => new RawArchive({directory, onWarning: (message) => warnings.push(message)});

// Every byte value, control characters (STX, ETX, NUL) and bit-7 noise included.
const ALL_BYTES = Buffer.from(Array.from({length: 256}, (_, index) => index));
const TELEGRAM = Buffer.from('/LGZ5ZMD120AP.G03\r\n\x021.8.1(021271.0*kWh)\r\n!\r\n\x03\x14', 'latin1');

async function readAll(raw: RawArchive, file: string): Promise<RawTelegram[]> {
	const telegrams: RawTelegram[] = [];
	for await (const telegram of raw.read(file)) telegrams.push(telegram);
	return telegrams;
}

describe('RawArchive', () => {
	it('gives back appended telegrams byte-identical, in order, with meter and time', async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00.123Z');
		await raw.append('house', readAt, TELEGRAM);
		await raw.append('garage', new Date('2024-05-04T11:46:00Z'), ALL_BYTES);
		const telegrams = await readAll(raw, raw.fileFor(readAt));
		expect(telegrams).toEqual([
			{meterId: 'house', readAt, bytes: TELEGRAM},
			{meterId: 'garage', readAt: new Date('2024-05-04T11:46:00Z'), bytes: ALL_BYTES},
		]);
		expect(Buffer.compare(telegrams[1]?.bytes ?? Buffer.alloc(0), ALL_BYTES)).toBe(0);
		expect(warnings).toEqual([]);
	});

	it('writes one file per UTC day of the readout time', async () => {
		const raw = archive();
		// 23:59:59 UTC and 00:00:00 UTC: the same local evening in Berlin, two files.
		await raw.append('house', new Date('2024-05-04T23:59:59Z'), TELEGRAM);
		await raw.append('house', new Date('2024-05-05T00:00:00Z'), TELEGRAM);
		expect((await raw.files()).map((file) => file.slice(directory.length + 1))).toEqual([
			'raw-2024-05-04.jsonl.gz',
			'raw-2024-05-05.jsonl.gz',
		]);
		expect(await readAll(raw, 'raw-2024-05-04.jsonl.gz')).toHaveLength(1);
		expect((await readAll(raw, 'raw-2024-05-05.jsonl.gz'))[0]?.readAt).toEqual(
			new Date('2024-05-05T00:00:00Z'),
		);
	});

	it('writes files that plain gunzip reads as JSON lines', async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00Z');
		await raw.append('house', readAt, TELEGRAM);
		await raw.append('house', readAt, TELEGRAM);
		const lines = gunzipSync(await readFile(raw.fileFor(readAt)))
			.toString('utf8')
			.trimEnd()
			.split('\n')
			.map((line) => JSON.parse(line) as Record<string, unknown>);
		expect(lines).toEqual([
			{meter: 'house', readAt: '2024-05-04T11:45:00.000Z', latin1: TELEGRAM.toString('latin1')},
			{meter: 'house', readAt: '2024-05-04T11:45:00.000Z', latin1: TELEGRAM.toString('latin1')},
		]);
	});

	it('skips a torn last record with a warning', async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00Z');
		await raw.append('house', readAt, TELEGRAM);
		const file = raw.fileFor(readAt);
		const intact = (await stat(file)).size;
		await raw.append('house', readAt, ALL_BYTES);
		const whole = (await stat(file)).size;
		// Every cut inside the second member: it is skipped, the first survives.
		for (const cut of [intact + 1, intact + 15, intact + 30, whole - 4, whole - 1]) {
			const copy = join(directory, `cut-${cut}.gz`);
			await writeFile(copy, (await readFile(file)).subarray(0, cut));
			warnings.length = 0;
			expect(await readAll(raw, copy)).toEqual([{meterId: 'house', readAt, bytes: TELEGRAM}]);
			expect(warnings).toEqual([
				// A cut one byte in leaves a record of `1 byte`, never `1 bytes`.
				expect.stringContaining(
					`torn last record (${cut - intact === 1 ? '1 byte' : `${cut - intact} bytes`} at offset ${intact}) skipped`,
				),
			]);
		}
	});

	it('reads records appended after a torn one (the next run appends behind it)', async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00Z');
		const file = raw.fileFor(readAt);
		await raw.append('house', readAt, TELEGRAM);
		const intact = (await stat(file)).size;
		await raw.append('house', readAt, ALL_BYTES);
		await truncate(file, intact + 20);
		await raw.append('garage', readAt, TELEGRAM);
		expect((await readAll(raw, file)).map((telegram) => telegram.meterId)).toEqual(['house', 'garage']);
		expect(warnings).toEqual([expect.stringMatching(/damaged record \(20 bytes at offset \d+\) skipped/)]);
	});

	it('skips a member whose content was damaged (CRC) and reads on', async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00Z');
		const file = raw.fileFor(readAt);
		await raw.append('house', readAt, TELEGRAM);
		await raw.append('attic', readAt, TELEGRAM);
		const bytes = await readFile(file);
		const firstSize = bytes.readUInt32LE(16);
		bytes[firstSize - 9] = (bytes[firstSize - 9] ?? 0) ^ 0xff; // a byte of the first member's CRC32
		await writeFile(file, bytes);
		expect((await readAll(raw, file)).map((telegram) => telegram.meterId)).toEqual(['attic']);
		expect(warnings).toHaveLength(1);
	});

	it('reads a long file chunk by chunk, every record in order, and finds a damaged one among them', async () => {
		const raw = new RawArchive({directory, fsync: false, onWarning: (message) => warnings.push(message)});
		const readAt = new Date('2024-05-04T11:45:00Z');
		const file = raw.fileFor(readAt);
		// Records of ~1 KB compressed each (bytes of their own), 300 KB in all: several read chunks.
		const count = 300;
		for (let index = 0; index < count; index++) {
			const noise = Buffer.from(Array.from({length: 700}, (_, at) => (at * 7919 + index * 104_729) % 251));
			await raw.append(`m${index}`, readAt, Buffer.concat([TELEGRAM, noise]));
		}
		const bytes = await readFile(file);
		let at = 0;
		for (let index = 0; index < 150; index++) at += bytes.readUInt32LE(at + 16);
		const size = bytes.readUInt32LE(at + 16);
		bytes[at + size - 9] = (bytes[at + size - 9] ?? 0) ^ 0xff; // record 150's CRC32
		await writeFile(file, bytes);
		const offsets: number[] = [];
		const telegrams: RawTelegram[] = [];
		for await (const telegram of raw.read(file, (offset) => offsets.push(offset))) telegrams.push(telegram);
		const expected = Array.from({length: count}, (_, index) => `m${index}`).filter((id) => id !== 'm150');
		expect(telegrams.map((telegram) => telegram.meterId)).toEqual(expected);
		expect(telegrams[200]?.bytes.subarray(0, TELEGRAM.length)).toEqual(TELEGRAM);
		expect(warnings).toEqual([
			expect.stringMatching(new RegExp(`damaged record \\(${size} bytes at offset ${at}\\)`)),
		]);
		// The offset told after each record is where it ends: increasing, the file's size at the end.
		expect(offsets).toHaveLength(count - 1);
		expect(offsets.every((offset, index) => index === 0 || offset > (offsets[index - 1] ?? 0))).toBe(true);
		expect(offsets.at(-1)).toBe(bytes.length);
		expect(offsets[149]).toBe(at);
		// Chunk by chunk (readChunks): the same records, several to a chunk, the damaged one skipped again.
		const chunks: RawTelegram[][] = [];
		for await (const chunk of raw.readChunks(file)) chunks.push([...chunk]);
		expect(chunks.flat().map((telegram) => telegram.meterId)).toEqual(expected);
		expect(chunks.length).toBeGreaterThan(2);
		expect(chunks.length).toBeLessThan(count / 4);
	});

	it('skips a sound member that holds no record among many, reading every other record once', async () => {
		const raw = new RawArchive({directory, fsync: false, onWarning: (message) => warnings.push(message)});
		const readAt = new Date('2024-05-04T11:45:00Z');
		const file = raw.fileFor(readAt);
		for (let index = 0; index < 40; index++) await raw.append(`m${index}`, readAt, TELEGRAM);
		// A member as the archive writes them (size field and all), its content no record: its CRC is good.
		const gzip = gzipSync('not a record\n');
		const extra = Buffer.alloc(12);
		extra.writeUInt16LE(10, 0);
		extra.write('DL', 2, 'latin1');
		extra.writeUInt16LE(4, 4);
		extra.writeUInt32LE(gzip.length + 12, 6);
		const header = Buffer.from(gzip.subarray(0, 10));
		header[3] = 0x04;
		await appendFile(file, Buffer.concat([header, extra, gzip.subarray(10)]));
		for (let index = 40; index < 80; index++) await raw.append(`m${index}`, readAt, TELEGRAM);
		const telegrams = await readAll(raw, file);
		expect(telegrams.map((telegram) => telegram.meterId)).toEqual(
			Array.from({length: 80}, (_, index) => `m${index}`),
		);
		expect(warnings).toEqual([expect.stringContaining('damaged record')]);
	});

	it('ignores trailing garbage shorter than a member with a warning', async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00Z');
		await raw.append('house', readAt, TELEGRAM);
		await appendFile(raw.fileFor(readAt), Buffer.from([0x1f, 0x8b, 0x08]));
		expect(await readAll(raw, raw.fileFor(readAt))).toHaveLength(1);
		expect(warnings).toHaveLength(1);
	});

	it('serialises concurrent appends: every record whole, in call order', async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00Z');
		const payload = (index: number) =>
			Buffer.concat([Buffer.from(`#${index}:`), ALL_BYTES, Buffer.alloc(index * 97, index)]);
		await Promise.all(
			Array.from({length: 50}, (_, index) => raw.append(`meter-${index}`, readAt, payload(index))),
		);
		const telegrams = await readAll(raw, raw.fileFor(readAt));
		expect(telegrams.map((telegram) => telegram.meterId)).toEqual(
			Array.from({length: 50}, (_, index) => `meter-${index}`),
		);
		telegrams.forEach((telegram, index) => {
			expect(telegram.bytes.equals(payload(index))).toBe(true);
		});
		expect(warnings).toEqual([]);
	});

	it('lists no files before the first append, and creates the directory then', async () => {
		const nested = new RawArchive({directory: join(directory, 'a', 'b')});
		expect(await nested.files()).toEqual([]);
		await nested.append('house', new Date('2024-05-04T11:45:00Z'), TELEGRAM);
		expect(await readdir(join(directory, 'a', 'b'))).toEqual(['raw-2024-05-04.jsonl.gz']);
	});

	it('rejects a failed append with a RawArchiveError carrying the cause, and goes on after it', async () => {
		const blocker = join(directory, 'file');
		await writeFile(blocker, '');
		const broken = new RawArchive({directory: join(blocker, 'sub')});
		const failed = broken.append('house', new Date('2024-05-04T11:45:00Z'), TELEGRAM);
		await expect(failed).rejects.toBeInstanceOf(RawArchiveError);
		await expect(failed).rejects.toHaveProperty('cause.code', 'ENOTDIR');
		await expect(broken.append('house', new Date('2024-05-04T11:45:00Z'), TELEGRAM)).rejects.toThrow(
			/append failed: a file where the path needs a directory$/,
		);
	});

	it('rejects bad arguments and options with a TypeError', async () => {
		expect(() => new RawArchive({directory: ''})).toThrow(/directory must be a non-empty path/);
		expect(() => new RawArchive({directory, fsync: 'no' as never})).toThrow(/fsync must be a boolean/);
		const raw = archive();
		await expect(raw.append('', new Date(), TELEGRAM)).rejects.toThrow(/meterId must be/);
		await expect(raw.append('house', new Date('x'), TELEGRAM)).rejects.toThrow(/readAt must be a valid Date/);
		await expect(raw.append('house', new Date(), 'text' as never)).rejects.toThrow(/bytes must be a Buffer/);
	});

	it("keeps the place of a telegram among its readout's sign-ons, and leaves one-sign-on records as they were", async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00Z');
		await raw.append('siemens', readAt, TELEGRAM, {part: 1, parts: 2});
		await raw.append('siemens', readAt, TELEGRAM, {part: 2, parts: 2});
		await raw.append('house', readAt, TELEGRAM, {part: 1, parts: 1});
		const telegrams = await readAll(raw, raw.fileFor(readAt));
		expect(telegrams.map((telegram) => telegram.signOn)).toEqual([
			{part: 1, parts: 2},
			{part: 2, parts: 2},
			undefined,
		]);
		const lines = gunzipSync(await readFile(raw.fileFor(readAt)))
			.toString('utf8')
			.split('\n');
		expect(lines[0]).toMatch(/^\{"meter":"siemens","readAt":"[^"]+","part":1,"parts":2,"latin1":/);
		expect(lines[2]).toMatch(/^\{"meter":"house","readAt":"[^"]+","latin1":/);
		await expect(raw.append('house', readAt, TELEGRAM, {part: 3, parts: 2})).rejects.toThrow(
			/signOn must be/,
		);
	});

	it('reads a file held in memory (stdin) as the file reader does, damaged records skipped', async () => {
		const raw = archive();
		const readAt = new Date('2024-05-04T11:45:00Z');
		await raw.append('house', readAt, TELEGRAM);
		await raw.append('house', new Date('2024-05-04T11:46:00Z'), ALL_BYTES);
		const file = await readFile(raw.fileFor(readAt));
		expect(isRawArchive(file)).toBe(true);
		expect(isRawArchive(TELEGRAM)).toBe(false);
		expect([...rawTelegramsOf(file)]).toEqual(await readAll(raw, raw.fileFor(readAt)));
		const damaged = Buffer.from(file);
		damaged[40] = (damaged[40] ?? 0) ^ 0xff;
		const seen: string[] = [];
		const survivors = [...rawTelegramsOf(damaged, (message) => seen.push(message))];
		expect(survivors.map((telegram) => telegram.bytes)).toEqual([ALL_BYTES]);
		expect(seen).toEqual([expect.stringMatching(/^damaged record \(\d+ bytes at offset 0\) skipped$/)]);
		const torn = [...rawTelegramsOf(file.subarray(0, file.length - 5), (message) => seen.push(message))];
		expect(torn).toHaveLength(1);
		expect(seen.at(-1)).toMatch(/^torn last record/);
	});
});
