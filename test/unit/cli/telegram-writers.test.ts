import {readFileSync} from 'node:fs';
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {readoutToTable} from '../../../src/cli/readout-table.ts';
import {createTelegramWriter, TelegramSummary} from '../../../src/cli/telegram-writers.ts';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {ObisSelection} from '../../../src/readings/obis-selection.ts';

const [telegram] = decodeCapture(
	readFileSync(new URL('../../fixtures/telegrams/landisgyr-zmd120-c/input.bin', import.meta.url)),
).telegrams;
if (telegram === undefined) throw new Error('fixture has no telegram');

/** A reader that takes 16 bytes of buffer and empties it only when told: a slow pipe. */
class SlowSink extends Writable {
	text = '';
	readonly #pending: (() => void)[] = [];
	constructor() {
		super({highWaterMark: 16});
	}
	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
		this.text += chunk.toString();
		this.#pending.push(callback);
	}
	release(): void {
		for (const callback of this.#pending.splice(0)) callback();
	}
}

const base = {verbose: false, timeZone: 'UTC', place: 'x.bin'} as const;

describe('createTelegramWriter', () => {
	it('prints tables with an empty line between telegrams, as for the whole readout', async () => {
		const sink = new SlowSink();
		const writer = createTelegramWriter({...base, format: 'table'}, sink, new TelegramSummary());
		const ending = (async () => {
			await writer.write(telegram, new Date());
			await writer.write(telegram, new Date());
			await writer.end();
		})();
		// The writer waits for the slow reader instead of piling output up.
		while (!sink.writableNeedDrain) await new Promise((resolve) => setImmediate(resolve));
		sink.release();
		await ending;
		sink.release();
		expect(sink.text).toBe(readoutToTable([telegram, telegram], false));
	});

	it('waits for drain when the reader is slow', async () => {
		const sink = new SlowSink();
		const writer = createTelegramWriter({...base, format: 'ndjson'}, sink, new TelegramSummary());
		let done = false;
		const writing = (async () => {
			for (let index = 0; index < 200; index++) await writer.write(telegram, new Date());
			await writer.end();
			done = true;
		})();
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(done).toBe(false);
		while (!done) {
			sink.release();
			await new Promise((resolve) => setImmediate(resolve));
		}
		await writing;
		expect(sink.text.trimEnd().split('\n')).toHaveLength(200);
	});
});

describe('TelegramSummary', () => {
	it('counts messages over telegrams and keeps selected codes none of them had', () => {
		const summary = new TelegramSummary();
		const selection = new ObisSelection([{code: '1.8.1'}, {code: '9.9.9'}]);
		for (let index = 0; index < 3; index++) {
			summary.noteTelegram({...telegram, notes: ['odd']});
			summary.noteMapping([{reason: 'text-disabled'}], ['furlong']);
			summary.noteSelection(selection, telegram);
		}
		expect(summary.lines()).toEqual([
			'odd (in 3 of 3 telegrams)',
			'over 3 telegrams: 3 text registers not written (select them to write them)',
			'units passed through unconverted: furlong',
			expect.stringMatching(/^selected code 9\.9\.9 is not in the meter's telegram/),
		]);
	});
});
