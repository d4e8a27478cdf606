import {Buffer} from 'node:buffer';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {
	GzipCaptureError,
	gunzippedChunks,
	gunzipUpTo,
	isGzipCapture,
} from '../../../src/backfill/gzip-capture.ts';
import {RawArchive} from '../../../src/output/raw-archive.ts';

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
	const all: Buffer[] = [];
	for await (const chunk of chunks) all.push(chunk);
	return Buffer.concat(all);
}

describe('isGzipCapture', () => {
	it('tells a gzip capture from plain bytes and from a raw archive', async () => {
		expect(isGzipCapture(gzipSync(Buffer.from('/ABC5x\r\n')))).toBe(true);
		expect(isGzipCapture(Buffer.from('/ABC5x\r\n'))).toBe(false);
		expect(isGzipCapture(Buffer.from([0x1f]))).toBe(false);
		const directory = await mkdtemp(join(tmpdir(), 'dlms-gzip-'));
		try {
			const archive = new RawArchive({directory, fsync: false});
			await archive.append('house', new Date('2026-01-01T00:00:00Z'), Buffer.from('/ABC5x\r\n'));
			expect(isGzipCapture(await readFile(join(directory, 'raw-2026-01-01.jsonl.gz')))).toBe(false);
		} finally {
			await rm(directory, {recursive: true, force: true});
		}
	});
});

describe('gunzippedChunks', () => {
	it('decompresses chunks of any size, even when the caller reuses its buffer', async () => {
		const text = Buffer.from('1.8.1(001000.0*kWh)\r\n!\r\n'.repeat(2000));
		const packed = gzipSync(text);
		const reused = Buffer.alloc(7);
		async function* pieces() {
			for (let at = 0; at < packed.length; at += reused.length) {
				const n = packed.copy(reused, 0, at, at + reused.length);
				yield reused.subarray(0, n);
			}
		}
		expect((await collect(gunzippedChunks(pieces()))).equals(text)).toBe(true);
	});

	it('names a cut or damaged stream as gzip', async () => {
		const packed = gzipSync(Buffer.from('1.8.1(1*kWh)\r\n!\r\n'.repeat(100)));
		await expect(collect(gunzippedChunks([packed.subarray(0, packed.length - 10)]))).rejects.toThrow(
			GzipCaptureError,
		);
		await expect(collect(gunzippedChunks([packed.subarray(0, packed.length - 10)]))).rejects.toThrow(
			'gzip: unexpected end of file',
		);
	});
});

describe('gunzipUpTo', () => {
	const text = Buffer.from('1.8.1(001000.0*kWh)\r\n!\r\n'.repeat(1000));
	const packed = gzipSync(text);

	it('decompresses a whole capture up to the limit, and gives undefined beyond it', async () => {
		expect((await gunzipUpTo(packed))?.equals(text)).toBe(true);
		expect((await gunzipUpTo(packed, text.length))?.equals(text)).toBe(true);
		expect(await gunzipUpTo(packed, text.length - 1)).toBeUndefined();
	});

	it('names a cut or damaged capture as gzip', async () => {
		const cut = gunzipUpTo(packed.subarray(0, packed.length - 10));
		await expect(cut).rejects.toThrow(GzipCaptureError);
		await expect(cut).rejects.toThrow('gzip: unexpected end of file');
		await expect(gunzipUpTo(Buffer.concat([packed, Buffer.from('junk')]))).rejects.toThrow(
			'gzip: incorrect header check',
		);
	});
});
