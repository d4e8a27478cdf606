import {describe, expect, it} from 'vitest';
import {charCodes, isLatin1} from '../../../src/iec62056/char-codes.ts';

describe('isLatin1', () => {
	it('is true up to U+00FF and false beyond', () => {
		expect(isLatin1('1.8.1(0*kWh)°ÿ')).toBe(true);
		expect(isLatin1('Ā')).toBe(false);
		expect(isLatin1('')).toBe(true);
	});
});

describe('charCodes', () => {
	it('gives each Latin-1 character as its byte', () => {
		const text = '/LGZ5°\x02';
		const codes = charCodes(text, true);
		expect([...codes.subarray(0, text.length)]).toEqual([...text].map((char) => char.charCodeAt(0)));
	});

	it('reads a wider character as 0xFF, never as a delimiter', () => {
		const text = '(Ĩ)';
		const codes = charCodes(text, false);
		expect([...codes.subarray(0, 3)]).toEqual([0x28, 0xff, 0x29]);
	});

	it('grows for long texts', () => {
		const text = 'x'.repeat(10_000);
		expect(
			charCodes(text, true)
				.subarray(0, text.length)
				.every((code) => code === 0x78),
		).toBe(true);
	});
});
