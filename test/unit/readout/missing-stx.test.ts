import {describe, expect, it} from 'vitest';
import {MissingStxWatch} from '../../../src/readout/missing-stx.ts';
import {withEvenParity} from '../../helpers/even-parity.ts';

const LINES = [
	'F.F(00000000)',
	'0.0.0(50871031)',
	'1.8.1(001234.567*kWh)',
	'1-1:1.6.1(27.19*kW)(1702090945)',
	'6.8(0029.055*MWh)6.26(01589.28*m3)',
];

/** A data message as §5.2 has it: STX, the lines each with CR LF, `!` CR LF, ETX, BCC (XOR after STX up to ETX). */
function dataMessage(lines: readonly string[] = LINES): Buffer {
	const body = Buffer.from(`${lines.map((line) => `${line}\r\n`).join('')}!\r\n\x03`, 'latin1');
	const bcc = body.reduce((check, byte) => check ^ byte, 0);
	return Buffer.concat([Buffer.of(0x02), body, Buffer.of(bcc)]);
}

function feed(watch: MissingStxWatch, bytes: Uint8Array, chunkSize = bytes.length) {
	for (let offset = 0; offset < bytes.length; offset += chunkSize) {
		const found = watch.push(bytes.subarray(offset, offset + chunkSize));
		if (found) return {...found, at: offset + found.taken};
	}
	return undefined;
}

/** What a 7E1 receiver at the wrong rate reads: bit 7 set, no structure (as the in-memory line garbles). */
function wrongRate(bytes: Uint8Array): Buffer {
	return Buffer.from(bytes.map((byte, index) => ((byte * 31 + index * 17) & 0x7f) | 0x80));
}

describe('MissingStxWatch', () => {
	it('finds a data message whose STX was lost, once its BCC is in', () => {
		const message = dataMessage().subarray(1);
		const found = feed(new MissingStxWatch(), message);
		expect(found?.message).toEqual({bytes: message.length, dataLines: LINES.length, complete: true});
		expect(found?.at).toBe(message.length);
	});

	it('finds one whose STX a flipped bit made 0x82, fed a byte at a time, at the BCC and not before', () => {
		const message = Buffer.concat([Buffer.of(0x82), dataMessage().subarray(1)]);
		const watch = new MissingStxWatch();
		expect(feed(watch, message.subarray(0, -1), 1)).toBeUndefined();
		expect(watch.push(message.subarray(-1))).toEqual({
			message: {bytes: message.length, dataLines: LINES.length, complete: true},
			taken: 1,
		});
	});

	it('says how much of a chunk the message took when the next bytes follow in it', () => {
		const message = dataMessage().subarray(1);
		const found = new MissingStxWatch().push(Buffer.concat([message, Buffer.from('\x7f\x7f')]));
		expect(found?.taken).toBe(message.length);
	});

	it('finds one whose BCC happens to be STX (which would open a block)', () => {
		// One more register, its value the character that makes the BCC 0x02.
		const value = String.fromCharCode((dataMessage([...LINES, 'C.1.0()']).at(-1) as number) ^ 0x02);
		const message = dataMessage([...LINES, `C.1.0(${value})`]);
		expect(message.at(-1)).toBe(0x02);
		expect(feed(new MissingStxWatch(), message.subarray(1))?.message.complete).toBe(true);
	});

	it('finds one behind the remains of an echoed ACK and a NUL', () => {
		const message = Buffer.concat([Buffer.from('\x06050\r\n\x00', 'latin1'), dataMessage().subarray(1)]);
		expect(feed(new MissingStxWatch(), message)?.message.dataLines).toBe(LINES.length);
	});

	it('finds one with `!` glued to the last data set', () => {
		const message = Buffer.from('1.8.1(001234.567*kWh)\r\n0.2.2(:::::G11)!\r\n\x03\x40', 'latin1');
		expect(feed(new MissingStxWatch(), message)?.message.dataLines).toBe(2);
	});

	it('reads 8-bit characters with the parity bit in them under strip-even', () => {
		const message = withEvenParity(dataMessage().subarray(1));
		expect(feed(new MissingStxWatch({parity: 'strip-even'}), message, 7)?.message.complete).toBe(true);
		// Without stripping, the same bytes are no text.
		expect(feed(new MissingStxWatch(), message)).toBeUndefined();
	});

	it('leaves a whole block with its STX to the scanner, in any chunking', () => {
		const message = dataMessage();
		for (const size of [1, 5, message.length]) {
			const watch = new MissingStxWatch();
			expect(feed(watch, message, size)).toBeUndefined();
			expect(watch.unfinished()).toBeUndefined();
		}
	});

	it('leaves a block alone whose STX came after a stray ETX', () => {
		const message = Buffer.concat([Buffer.of(0x03, 0x7f), dataMessage()]);
		expect(feed(new MissingStxWatch(), message, 3)).toBeUndefined();
	});

	it('never takes the junk of a wrong rate for a message, whole or cut off', () => {
		for (const bytes of [wrongRate(dataMessage()), wrongRate(dataMessage().subarray(1))]) {
			const watch = new MissingStxWatch();
			expect(feed(watch, bytes)).toBeUndefined();
			expect(watch.unfinished()).toBeUndefined();
		}
	});

	it('never takes readable text without data sets for a data message', () => {
		const watch = new MissingStxWatch();
		expect(
			feed(watch, Buffer.from('/LGZ52ZMD120APt.G03\r\nhello\r\n!\r\n\x03\x10', 'latin1')),
		).toBeUndefined();
		expect(feed(new MissingStxWatch(), Buffer.from('!\r\n\x03\x22', 'latin1'))).toBeUndefined();
	});

	it('reports a message without STX that stopped before its end, counting only whole data lines', () => {
		const message = dataMessage().subarray(1);
		const watch = new MissingStxWatch();
		// Cut inside the third line: two whole lines came.
		const cut = message.indexOf('1.8.1') + 4;
		expect(feed(watch, message.subarray(0, cut))).toBeUndefined();
		expect(watch.unfinished()).toEqual({bytes: cut, dataLines: 2, complete: false});
	});

	it('reports one that stopped between its ETX and its BCC', () => {
		const message = dataMessage().subarray(1, -1);
		const watch = new MissingStxWatch();
		expect(feed(watch, message)).toBeUndefined();
		expect(watch.unfinished()).toMatchObject({dataLines: LINES.length, complete: false});
	});

	it('gives up beyond maxBytes', () => {
		const watch = new MissingStxWatch({maxBytes: 32});
		expect(feed(watch, dataMessage().subarray(1))).toBeUndefined();
		expect(watch.unfinished()).toBeUndefined();
	});

	it('refuses a maxBytes that cannot hold a message, naming it', () => {
		expect(() => new MissingStxWatch({maxBytes: 4})).toThrow(
			/maxBytes must be an integer of at least 16, received 4/,
		);
	});
});
