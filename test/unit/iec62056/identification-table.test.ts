import {describe, expect, it} from 'vitest';
import {parseIdentification} from '../../../src/iec62056/identification.ts';
import {
	identificationIn,
	identificationOf,
	knownIdentificationOf,
	knownLineSlot,
	receivedLineIn,
} from '../../../src/iec62056/identification-table.ts';

function line(text: string): {bytes: Buffer; end: number} {
	// As the scanner hands it over: the line's bytes with CR LF after `end`.
	return {bytes: Buffer.from(`${text}\r\n`, 'latin1'), end: text.length};
}

describe('identificationOf', () => {
	it('gives what parseIdentification gives for the line', () => {
		for (const text of [
			'/LGZ4ZMD120',
			'/ISk5\\2MT174-0001',
			'/ELS5\\@AS2018-5B-2P7',
			'/EBZ5DD32R06ETA_107',
		]) {
			const {bytes, end} = line(text);
			expect(identificationOf(bytes, end)).toEqual(parseIdentification(text));
		}
	});

	it('parses a line once and hands the same identification out again', () => {
		const first = line('/KFM5KAIFA-METER');
		const again = line('/KFM5KAIFA-METER');
		expect(identificationOf(again.bytes, again.end)).toBe(identificationOf(first.bytes, first.end));
	});

	it('never takes a line that differs in one byte or in length for a known one', () => {
		const known = line('/LGZ4ZMD120');
		identificationOf(known.bytes, known.end);
		const other = line('/LGZ4ZMD121');
		expect(identificationOf(other.bytes, other.end).ident).toBe('ZMD121');
		const longer = line('/LGZ4ZMD1200');
		expect(identificationOf(longer.bytes, longer.end).ident).toBe('ZMD1200');
		// Only the first `end` bytes count.
		expect(identificationOf(known.bytes, known.end).ident).toBe('ZMD120');
	});

	it('gives every one of many distinct lines its own parse (slots are reused, never confused)', () => {
		for (let index = 0; index < 300; index++) {
			const {bytes, end} = line(`/ABC5METER${index}`);
			expect(identificationOf(bytes, end).ident).toBe(`METER${index}`);
		}
	});

	it('throws for a malformed line as parseIdentification does, every time', () => {
		const bad = line('/12');
		expect(() => identificationOf(bad.bytes, bad.end)).toThrow(/identification/);
		expect(() => identificationOf(bad.bytes, bad.end)).toThrow(/identification/);
	});
});

describe('knownIdentificationOf', () => {
	it('gives nothing for a line never parsed, and what identificationOf gave once it was', () => {
		const {bytes, end} = line('/KNW5\\2KNOWN-LINE-0001');
		expect(knownIdentificationOf(bytes, end)).toBeUndefined();
		const parsed = identificationOf(bytes, end);
		expect(knownIdentificationOf(bytes, end)).toBe(parsed);
		expect(knownIdentificationOf(bytes, end - 1)).toBeUndefined();
	});
});

describe('knownLineSlot and receivedLineIn', () => {
	it('find a known line anywhere in a chunk and hand out one copy of it as first received', () => {
		const {bytes, end} = line('/RCV5\\2RECEIVED-0001');
		const parsed = identificationOf(bytes, end);
		const chunk = Buffer.concat([Buffer.from('xyz'), bytes]);
		const slot = knownLineSlot(chunk, 3, 3 + end);
		expect(identificationIn(slot)).toBe(parsed);
		const received = receivedLineIn(slot, chunk, 3, bytes.length);
		expect(received).toEqual(bytes);
		// The table's own copy: the caller's memory may be reused.
		bytes.fill(0x20);
		expect(receivedLineIn(slot, chunk, 3, bytes.length)).toBe(received);
		expect(received?.toString('latin1')).toBe('/RCV5\\2RECEIVED-0001\r\n');
	});

	it('keep only the line and its line end of what came with it', () => {
		const bytes = Buffer.from('/KPT5LINE-ONLY\r\n\x021.8.0(5)\r\n!\r\n\x03\x00', 'latin1');
		identificationOf(bytes, 14);
		const slot = knownLineSlot(bytes, 0, 14);
		expect(receivedLineIn(slot, bytes, 0, 16)?.toString('latin1')).toBe('/KPT5LINE-ONLY\r\n');
	});

	it('give nothing for an unknown line, and no copy for a known line with another line end', () => {
		expect(knownLineSlot(Buffer.from('/UNK5NEVER-SEEN\r\n'), 0, 15)).toBe(-1);
		const {bytes, end} = line('/LFE5LINE-ENDS');
		identificationOf(bytes, end);
		const bare = Buffer.from('/LFE5LINE-ENDS\n\n', 'latin1');
		const slot = knownLineSlot(bare, 0, end);
		expect(slot).toBeGreaterThanOrEqual(0);
		expect(receivedLineIn(slot, bare, 0, bare.length)).toBeUndefined();
		expect(receivedLineIn(slot, bare, 0, end + 1)).toBeUndefined();
	});
});
