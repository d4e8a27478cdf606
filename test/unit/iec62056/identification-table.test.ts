import {describe, expect, it} from 'vitest';
import {parseIdentification} from '../../../src/iec62056/identification.ts';
import {identificationOf, knownIdentificationOf} from '../../../src/iec62056/identification-table.ts';

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
