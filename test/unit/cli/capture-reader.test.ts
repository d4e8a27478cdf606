import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CaptureReader} from '../../../src/cli/capture-reader.ts';
import {CliError} from '../../../src/cli/cli-error.ts';
import {type DecodedTelegram, decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {capturedIo} from '../../helpers/captured-io.ts';
import {withEvenParity} from '../../helpers/even-parity.ts';

const zmd120 = new URL('../../fixtures/telegrams/landisgyr-zmd120-c/input.bin', import.meta.url).pathname;

async function all(reader: CaptureReader): Promise<DecodedTelegram[]> {
	const telegrams: DecodedTelegram[] = [];
	for await (const telegram of reader.telegrams()) telegrams.push(telegram);
	return telegrams;
}

let directory: string;
beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-capture-reader-'));
});
afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('CaptureReader', () => {
	it('reads a file in chunks, with its modification time', async () => {
		const reader = await CaptureReader.open(zmd120, capturedIo(), {ignoreBcc: false});
		expect(await all(reader)).toHaveLength(1);
		expect(reader.modifiedAt).toBeInstanceOf(Date);
		expect(reader.place).toBe(zmd120);
	});

	it('reads a file of many 64 KiB reads, telegrams cut between them, each telegram whole', async () => {
		const one = await readFile(zmd120);
		const file = join(directory, 'copies.bin');
		await writeFile(file, Buffer.concat(Array.from({length: 200}, () => one)));
		const telegrams = await all(await CaptureReader.open(file, capturedIo(), {ignoreBcc: false}));
		expect(telegrams).toHaveLength(200);
		const block = decodeCapture(one).telegrams[0]?.bytes;
		for (const telegram of telegrams) expect(telegram.bytes.equals(block ?? Buffer.alloc(0))).toBe(true);
		expect(new Set(telegrams.map((telegram) => telegram.dataSets.length))).toEqual(new Set([38]));
	});

	it('reads stdin of many blocks, each telegram whole', async () => {
		const one = await readFile(zmd120);
		const io = capturedIo(Buffer.concat(Array.from({length: 300}, () => one)));
		const telegrams = await all(await CaptureReader.open('-', io, {ignoreBcc: false}));
		expect(telegrams).toHaveLength(300);
		const block = decodeCapture(one).telegrams[0]?.bytes;
		for (const telegram of telegrams) expect(telegram.bytes.equals(block ?? Buffer.alloc(0))).toBe(true);
	});

	it('reads stdin', async () => {
		const io = capturedIo(await readFile(zmd120));
		const reader = await CaptureReader.open('-', io, {ignoreBcc: false});
		expect(await all(reader)).toHaveLength(1);
		expect(reader.place).toBe('stdin');
	});

	it('strips parity bits in a second pass when the first found nothing, from a file and from stdin', async () => {
		const garbled = withEvenParity(await readFile(zmd120));
		const file = join(directory, 'parity.bin');
		await writeFile(file, garbled);
		const fromFile = await CaptureReader.open(file, capturedIo(), {ignoreBcc: false});
		expect(await all(fromFile)).toHaveLength(1);
		expect(fromFile.parityNote).toMatch(
			/^\d+ bytes had bit 7 set \(7E1 data captured as 8N1\); parity bits stripped$/,
		);
		const fromStdin = await CaptureReader.open('-', capturedIo(garbled), {ignoreBcc: false});
		expect(await all(fromStdin)).toHaveLength(1);
		expect(fromStdin.parityNote).toBeDefined();
	});

	it('names a missing file and a terminal on stdin', async () => {
		await expect(
			CaptureReader.open(join(directory, 'nope.bin'), capturedIo(), {ignoreBcc: false}),
		).rejects.toThrow(/nope\.bin: cannot read: no such file/);
		const io = {...capturedIo(), stdin: Object.assign(Readable.from([]), {isTTY: true})};
		await expect(CaptureReader.open('-', io, {ignoreBcc: false})).rejects.toBeInstanceOf(CliError);
	});
});
