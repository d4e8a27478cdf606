import {once} from 'node:events';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import type {Frame} from '../../../src/iec62056/frame.ts';
import {scanFrames} from '../../../src/iec62056/frame-scanner.ts';
import {Framer} from '../../../src/iec62056/framer.ts';
import {TruncatedBlockError} from '../../../src/iec62056/protocol-errors.ts';
import {byteByByte, twoWaySplits} from '../../helpers/chunkings.ts';

function bcc(text: string): string {
	let value = 0;
	for (const byte of Buffer.from(text, 'latin1')) value ^= byte;
	return String.fromCharCode(value);
}

const BLOCK = '1-1:0.0.0(50871031)\r\n1-1:1.8.1(000783.16*kWh)\r\n!\r\n';
const READOUT = Buffer.from(`/LGZ5\\2ZMD3104407.B32\r\n\x02${BLOCK}\x03${bcc(`${BLOCK}\x03`)}`, 'latin1');

async function collect(chunks: readonly Uint8Array[], framer = new Framer()): Promise<Frame[]> {
	const frames: Frame[] = [];
	Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(framer);
	for await (const frame of framer) frames.push(frame as Frame);
	return frames;
}

describe('Framer', () => {
	it('turns a byte stream into the frames the scanner finds', async () => {
		const frames = await collect([READOUT]);
		expect(frames.map((frame) => frame.kind)).toEqual(['identification', 'data-block']);
		expect(frames).toEqual(scanFrames(READOUT));
	});

	it('emits the same frames byte by byte and in every two-way split', async () => {
		const expected = scanFrames(READOUT);
		expect(await collect(byteByByte(READOUT).chunks)).toEqual(expected);
		for (const {name, chunks} of twoWaySplits(READOUT)) {
			expect(await collect(chunks), name).toEqual(expected);
		}
	});

	it('emits a frame as soon as its last byte arrives, before the stream ends', async () => {
		const framer = new Framer();
		const first = once(framer, 'data');
		framer.write(Buffer.from('/LGZ5\\2ZMD3104407.B32\r\n', 'latin1'));
		const [frame] = (await first) as [Frame];
		expect(frame.kind).toBe('identification');
		framer.destroy();
	});

	it('turns an unfinished block at the end of the stream into a TruncatedBlockError frame', async () => {
		const frames = await collect([READOUT.subarray(0, READOUT.length - 10)]);
		expect(frames.map((frame) => frame.kind)).toEqual(['identification', 'error']);
		const last = frames[1];
		expect(last?.kind === 'error' && last.error).toBeInstanceOf(TruncatedBlockError);
	});

	it('passes its options to the scanner and fails fast on a bad one', () => {
		expect(() => new Framer({maxMessageBytes: 1})).toThrow(TypeError);
	});

	it("passes parity 'strip-even' to the scanner", async () => {
		const sevenE1 = READOUT.map((byte) =>
			byte.toString(2).split('1').length % 2 === 0 ? byte | 0x80 : byte,
		);
		const frames = await collect([sevenE1], new Framer({parity: 'strip-even'}));
		expect(frames.map((frame) => frame.kind)).toEqual(['identification', 'data-block']);
	});
});
