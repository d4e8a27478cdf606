import {PassThrough, Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {reusedChunks} from '../../../src/cli/reused-chunks.ts';

async function collect(stream: Readable): Promise<Buffer> {
	const parts: Buffer[] = [];
	// Each view is copied at once: the next one may reuse its memory.
	for await (const chunk of reusedChunks(stream)) parts.push(Buffer.from(chunk));
	return Buffer.concat(parts);
}

function pattern(length: number, seed: number): Buffer {
	return Buffer.from(Array.from({length}, (_, index) => (index * 31 + seed) & 0xff));
}

describe('reusedChunks', () => {
	it('hands out every byte in order, chunks of any size, larger than a block too', async () => {
		const chunks = [
			pattern(10, 1),
			pattern(200_000, 2),
			pattern(1, 3),
			pattern(65_536, 4),
			pattern(70_000, 5),
		];
		expect((await collect(Readable.from(chunks))).equals(Buffer.concat(chunks))).toBe(true);
	});

	it('takes strings and plain Uint8Arrays as their bytes', async () => {
		const stream = Readable.from(['abc', new Uint8Array([0x64, 0x65]), Buffer.from('f')]);
		expect((await collect(stream)).toString()).toBe('abcdef');
	});

	it('keeps views valid while the stream goes on delivering', async () => {
		const stream = new PassThrough();
		const source = pattern(300_000, 7);
		const seen: Buffer[] = [];
		const reading = (async () => {
			for await (const chunk of reusedChunks(stream)) {
				const copy = Buffer.from(chunk);
				// The stream may deliver more in the meantime; the view must not change under us.
				await new Promise((resolve) => setImmediate(resolve));
				expect(chunk.equals(copy)).toBe(true);
				seen.push(copy);
			}
		})();
		for (let offset = 0; offset < source.length; offset += 7_000) {
			stream.write(source.subarray(offset, offset + 7_000));
			await new Promise((resolve) => setImmediate(resolve));
		}
		stream.end();
		await reading;
		expect(Buffer.concat(seen).equals(source)).toBe(true);
	});

	it('pauses the stream while 1 MiB waits and resumes it once half of that is taken', async () => {
		const stream = new PassThrough({highWaterMark: 64 * 1024});
		const chunks = reusedChunks(stream);
		const first = chunks.next();
		for (let index = 0; index < 20; index++) stream.write(pattern(64 * 1024, index));
		await first;
		await new Promise((resolve) => setImmediate(resolve));
		expect(stream.isPaused()).toBe(true);
		for (let taken = 0; taken < 10; taken++) await chunks.next();
		expect(stream.isPaused()).toBe(false);
		stream.end();
		let rest = 0;
		for await (const chunk of chunks) rest += chunk.length;
		expect(rest).toBeGreaterThan(0);
	});

	it('throws the stream error to the reader', async () => {
		const stream = new PassThrough();
		const reading = collect(stream);
		stream.write('abc');
		stream.destroy(new Error('cable pulled'));
		await expect(reading).rejects.toThrow('cable pulled');
	});
});
