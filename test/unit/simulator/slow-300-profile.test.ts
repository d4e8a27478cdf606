import {describe, expect, it} from 'vitest';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {createSlow300Profile} from '../../../src/simulator/slow-300-profile.ts';

const AT = Date.parse('2026-07-15T10:30:00Z');

function decode(atMs: number) {
	const profile = createSlow300Profile();
	const decoding = decodeCapture(
		Buffer.concat([Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(atMs)]),
	);
	expect(decoding.errors).toEqual([]);
	return decoding.telegrams[0];
}

describe('slow-300 profile', () => {
	it('is a mode A meter at 300 Bd with a 20 ms reaction', () => {
		expect(decode(AT)?.identification).toMatchObject({
			manufacturer: 'ISk',
			mode: 'A',
			baudRate: 300,
			reactionTimeMs: 20,
		});
	});

	it('sends about 200 lines, several minutes at 300 Bd', () => {
		const telegram = decode(AT);
		expect(telegram?.dataSets.length).toBeGreaterThanOrEqual(200);
		const bytes = createSlow300Profile().dataMessage(AT).length;
		expect((bytes * 10) / 300).toBeGreaterThan(120);
	});

	it('keeps 15 billing periods with reset stamps, *01 the newest', () => {
		const sets = decode(AT)?.dataSets ?? [];
		const stamps = sets.filter((set) => set.key.startsWith('0.1.2*'));
		expect(stamps).toHaveLength(15);
		expect(stamps[0]?.key).toBe('0.1.2*01');
		expect(stamps[0]?.values[0]?.text).toBe('2607010000');
		expect(stamps[1]?.values[0]?.text).toBe('2606010000');
	});

	it('prints the date with a season digit', () => {
		const date = (atMs: number) => decode(atMs)?.dataSets.find((set) => set.key === '0.9.2')?.values[0]?.text;
		expect(date(AT)).toBe('1260715');
		expect(date(Date.parse('2026-01-15T10:30:00Z'))).toBe('0260115');
	});
});
