import {readdirSync, readFileSync} from 'node:fs';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {commonCaptureFrames} from '../../../src/iec62056/common-capture-frames.ts';
import type {Frame} from '../../../src/iec62056/frame.ts';
import {FrameScanner, type FrameScannerOptions, scanFrames} from '../../../src/iec62056/frame-scanner.ts';

const FIXTURES = new URL('../../fixtures/telegrams/', import.meta.url);
const names = readdirSync(FIXTURES)
	.filter((name) => !name.includes('.'))
	.sort();
const captures = names.map((name) => readFileSync(new URL(`${name}/input.bin`, FIXTURES)));

const LIMIT = 64 * 1024;

/** The frames the scanner finds byte by byte, through its states (a chunk of its own: never the shortcut). */
function scanned(bytes: Buffer, options: FrameScannerOptions = {}): Frame[] {
	const scanner = new FrameScanner(options);
	return [...scanner.push(Buffer.from(bytes)), ...scanner.end()];
}

/** The shortcut's frames, or undefined; the scanner reads the capture first, so its line is known. */
function shortcut(bytes: Buffer): {frames: Frame[] | undefined; expected: Frame[]} {
	const expected = scanned(bytes);
	return {frames: commonCaptureFrames(bytes, LIMIT), expected};
}

describe('commonCaptureFrames', () => {
	for (const [index, name] of names.entries()) {
		const bytes = captures[index] as Buffer;
		// The captures that hold more than one readout or telegram, noise, or a cut telegram.
		const common = !/cut-by-noise|ace3000/.test(name);
		it(`gives ${common ? 'the scanner’s frames' : 'nothing'} for ${name}`, () => {
			const {frames, expected} = shortcut(bytes);
			if (common) expect(frames).toEqual(expected);
			else expect(frames).toBeUndefined();
		});
	}

	it('hands out views of the capture, the capture itself for a whole push telegram', () => {
		const bytes = captures[names.indexOf('ebz-dd3-d')] as Buffer;
		const {frames} = shortcut(bytes);
		expect(frames?.[1]?.bytes).toBe(bytes);
		const readout = captures[names.indexOf('landisgyr-zmd120-c')] as Buffer;
		const [line, block] = shortcut(readout).frames ?? [];
		expect(block?.bytes.buffer).toBe(readout.buffer);
		expect(line?.bytes.toString('latin1')).toBe('/LGZ52ZMD120APt.G03\r\n');
	});

	it('leaves a line the table does not know, and an option that strips parity, to the scanner', () => {
		const bytes = Buffer.from('/NEW5\\2NEVER-SEEN-7\r\n\x021.8.0(5*kWh)\r\n!\r\n\x03\x00', 'latin1');
		expect(commonCaptureFrames(bytes, LIMIT)).toBeUndefined();
		const frames = scanFrames(bytes);
		expect(frames.map((frame) => frame.kind)).toEqual(['identification', 'data-block']);
		expect(commonCaptureFrames(bytes, LIMIT)).toEqual(frames);
		expect(scanFrames(bytes, {parity: 'strip-even'})).toEqual(scanned(bytes, {parity: 'strip-even'}));
	});

	it('takes a known line only as long as the scanner does (its LF at index 256 at the latest)', () => {
		scanned(Buffer.from('/ABC5X\r\n\x02a\r\n\x03e', 'latin1'));
		for (const crs of [249, 250, 251]) {
			for (const rest of ['\x02a\r\n\x03e', 'data\r\n!\r\n']) {
				const bytes = Buffer.from(`/ABC5X${'\r'.repeat(crs)}\n${rest}`, 'latin1');
				const {frames, expected} = shortcut(bytes);
				expect(frames === undefined ? expected : frames).toEqual(expected);
				expect(frames === undefined).toBe(crs === 251);
			}
		}
	});

	it('leaves a capture longer than the message limit to the scanner', () => {
		const bytes = captures[names.indexOf('iskra-mt174-c')] as Buffer;
		scanned(bytes);
		expect(commonCaptureFrames(bytes, bytes.length - 1)).toBeUndefined();
		expect(commonCaptureFrames(bytes, bytes.length)).toBeDefined();
	});

	it('gives the scanner’s frames, or none, for any change to a golden capture', () => {
		// Bytes the scanner treats specially, so that changes hit its states, and any byte at all.
		const special = fc.constantFrom(
			0x00,
			0x01,
			0x02,
			0x03,
			0x04,
			0x0a,
			0x0d,
			0x21,
			0x28,
			0x29,
			0x2f,
			0x41,
			0x80,
			0xaf,
		);
		const byte = fc.oneof(special, fc.integer({min: 0, max: 255}));
		const change = fc.oneof(
			fc.record({kind: fc.constant('set' as const), at: fc.nat(), byte}),
			fc.record({kind: fc.constant('insert' as const), at: fc.nat(), byte}),
			fc.record({kind: fc.constant('delete' as const), at: fc.nat(), byte}),
			fc.record({kind: fc.constant('cut' as const), at: fc.nat(), byte}),
		);
		let taken = 0;
		fc.assert(
			fc.property(
				fc.nat({max: captures.length - 1}),
				fc.array(change, {minLength: 1, maxLength: 3}),
				(which, changes) => {
					let bytes = Buffer.from(captures[which] as Buffer);
					for (const {kind, at, byte} of changes) {
						const place = at % (bytes.length + 1);
						if (kind === 'set' && place < bytes.length) bytes[place] = byte;
						else if (kind === 'insert')
							bytes = Buffer.concat([bytes.subarray(0, place), Buffer.of(byte), bytes.subarray(place)]);
						else if (kind === 'delete')
							bytes = Buffer.concat([bytes.subarray(0, place), bytes.subarray(place + 1)]);
						else if (kind === 'cut') bytes = bytes.subarray(0, place);
					}
					const {frames, expected} = shortcut(bytes);
					if (frames !== undefined) {
						taken++;
						expect(frames).toEqual(expected);
					}
					expect(scanFrames(bytes)).toEqual(expected);
				},
			),
			{numRuns: 3000},
		);
		// The changes keep many captures in a common shape (a changed digit, a broken BCC or CRC).
		expect(taken).toBeGreaterThan(300);
	});
});
