import {readdirSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {type DecodedTelegram, decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {StreamingCaptureDecoder} from '../../../src/iec62056/streaming-capture-decoder.ts';

const FIXTURES = new URL('../../fixtures/telegrams/', import.meta.url);
const names = readdirSync(FIXTURES).filter((name) => !name.includes('.'));

function streamed(bytes: Uint8Array, chunkSize: number, options = {}) {
	const decoder = new StreamingCaptureDecoder(options);
	const telegrams: DecodedTelegram[] = [];
	for (let offset = 0; offset < bytes.length; offset += chunkSize) {
		telegrams.push(...decoder.push(bytes.subarray(offset, offset + chunkSize)));
	}
	telegrams.push(...decoder.end());
	return {telegrams, decoder};
}

/** What a telegram says, without the byte windows it was cut from. */
const said = (telegrams: readonly DecodedTelegram[]) =>
	telegrams.map(({bytes: _bytes, ...rest}) => JSON.parse(JSON.stringify(rest)) as unknown);

describe('StreamingCaptureDecoder', () => {
	for (const name of names) {
		it(`decodes ${name} as decodeCapture does, in any chunking`, () => {
			const bytes = readFileSync(new URL(`${name}/input.bin`, FIXTURES));
			const whole = decodeCapture(bytes);
			for (const size of [1, 7, 64, bytes.length]) {
				const {telegrams, decoder} = streamed(bytes, size);
				expect(said(telegrams)).toEqual(said(whole.telegrams));
				expect(decoder.errors.map((error) => error.message)).toEqual(
					whole.errors.map((error) => error.message),
				);
				expect([decoder.highBitBytes, decoder.garbledBlocks]).toEqual([
					whole.highBitBytes,
					whole.garbledBlocks,
				]);
			}
		});
	}

	it('hands each telegram out as soon as it is complete, not at the end', () => {
		const one = readFileSync(new URL('landisgyr-zmd120-c/input.bin', FIXTURES));
		const decoder = new StreamingCaptureDecoder();
		expect(decoder.push(one)).toHaveLength(1);
		expect(decoder.push(one)).toHaveLength(1);
		expect(decoder.end()).toHaveLength(0);
		expect(decoder.telegramCount).toBe(2);
	});

	it('tells where each block error stands among the telegrams, in any chunking', () => {
		const one = readFileSync(new URL('landisgyr-zmd120-c/input.bin', FIXTURES));
		const bad = Buffer.from(one);
		bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01; // its BCC
		const cut = one.subarray(0, one.length - 40); // no ETX: cut off by the next telegram's start
		const capture = Buffer.concat([bad, one, one, bad, cut, one, bad]);
		for (const size of [13, 4096, capture.length]) {
			const {telegrams, decoder} = streamed(capture, size);
			expect(telegrams).toHaveLength(3);
			expect(decoder.errors.map((error) => error.name)).toEqual([
				'BlockCheckError',
				'BlockCheckError',
				'TruncatedBlockError',
				'BlockCheckError',
			]);
			expect(decoder.errorPositions).toEqual([0, 2, 2, 3]);
		}
	});

	it('places an error after a push telegram that waited for the frame after it', () => {
		const good = readFileSync(new URL('dsmr-kaifa-p1/input.bin', FIXTURES));
		const bad = Buffer.from(good);
		const crcAt = bad.lastIndexOf(0x21) + 1; // the first CRC digit after `!`
		bad[crcAt] = bad[crcAt] === 0x30 ? 0x31 : 0x30;
		for (const size of [9, good.length * 3]) {
			const {telegrams, decoder} = streamed(Buffer.concat([good, bad, good]), size);
			expect(telegrams).toHaveLength(2);
			expect(decoder.errors.map((error) => error.name)).toEqual(['BlockCheckError']);
			expect(decoder.errorPositions).toEqual([1]);
		}
	});

	it('parses each telegram of a chunk only when it is taken', () => {
		const one = readFileSync(new URL('landisgyr-zmd120-c/input.bin', FIXTURES));
		const decoder = new StreamingCaptureDecoder();
		const telegrams = decoder.decode(Buffer.concat([one, one, one]));
		expect(telegrams.next().value?.dataSets).toHaveLength(38);
		expect(decoder.telegramCount).toBe(1);
		expect([...telegrams]).toHaveLength(2);
		expect(decoder.telegramCount).toBe(3);
		expect(decoder.end()).toEqual([]);
	});

	it('reads pasted text lines at the end, as one telegram', () => {
		const text = Buffer.from('1.8.1(001234.5*kWh)\r\n2.8.1(000012.0*kWh)\r\n');
		const {telegrams} = streamed(text, 5);
		expect(telegrams).toHaveLength(1);
		expect(telegrams[0]?.framing).toBe('text');
		expect(telegrams[0]?.dataSets.map((set) => set.address)).toEqual(['1.8.1', '2.8.1']);
	});

	it('reads no plain text beside a command message, as decodeCapture does not', () => {
		const bytes = Buffer.from('1.8.1(001234.5*kWh)\r\n\x01\r\n\x03M2.8.1(000012.0*kWh)\r\n', 'latin1');
		expect(decodeCapture(bytes).telegrams).toEqual([]);
		expect(streamed(bytes, 1).telegrams).toEqual([]);
		expect(streamed(bytes, bytes.length).telegrams).toEqual([]);
	});

	it('gives up keeping bytes for the plain-text case beyond its allowance', () => {
		const text = Buffer.from('1.8.1(001234.5*kWh)\r\n'.repeat(100));
		expect(streamed(text, 64, {maxPlainTextBytes: 1024}).telegrams).toEqual([]);
		expect(streamed(text, 64).telegrams).toHaveLength(1);
	});
});
