import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {PacedOutput} from '../../../src/cli/paced-output.ts';

/** Keeps every chunk and calls back only when released: a slow reader. */
class HoldingSink extends Writable {
	readonly chunks: string[] = [];
	readonly #callbacks: (() => void)[] = [];
	constructor() {
		super({highWaterMark: 16});
	}
	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
		this.chunks.push(chunk.toString());
		this.#callbacks.push(callback);
	}
	release(): void {
		for (const callback of this.#callbacks.splice(0)) callback();
	}
}

describe('PacedOutput', () => {
	it('gathers texts into pieces and writes each piece at once, every text in order', async () => {
		const sink = new HoldingSink();
		const output = new PacedOutput(sink, 64);
		const writing = (async () => {
			for (let index = 0; index < 20; index++) await output.write(`${index}23456789\n`);
			await output.flush();
		})();
		for (let turn = 0; turn < 100; turn++) {
			sink.release();
			await new Promise((resolve) => setImmediate(resolve));
		}
		await writing;
		// Pieces of at least 64 units (the last one is what was left), not one write per text.
		expect(sink.chunks.slice(0, -1).every((chunk) => chunk.length >= 64)).toBe(true);
		expect(sink.chunks.length).toBeLessThan(20);
		expect(sink.chunks.join('')).toBe(Array.from({length: 20}, (_, index) => `${index}23456789\n`).join(''));
	});

	it('writes nothing until a piece is full or flush is called', async () => {
		const sink = new HoldingSink();
		const output = new PacedOutput(sink, 64);
		await output.write('short');
		expect(sink.chunks).toEqual([]);
		await output.flush();
		expect(sink.chunks).toEqual(['short']);
		await output.flush();
		expect(sink.chunks).toEqual(['short']);
	});

	it('waits for drain when the reader is behind', async () => {
		const sink = new HoldingSink();
		const output = new PacedOutput(sink, 16);
		let done = false;
		const writing = (async () => {
			for (let index = 0; index < 10; index++) await output.write('0123456789abcdef');
			done = true;
		})();
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(done).toBe(false);
		expect(sink.chunks).toHaveLength(1);
		while (!done) {
			sink.release();
			await new Promise((resolve) => setImmediate(resolve));
		}
		await writing;
		expect(sink.chunks).toHaveLength(10);
	});

	it('refuses a piece length that is not a positive integer', () => {
		const sink = new HoldingSink();
		expect(() => new PacedOutput(sink, 0)).toThrow(/pieceLength must be a positive integer, received 0/);
		expect(() => new PacedOutput(sink, 1.5)).toThrow(/received 1\.5/);
	});
});
