import {describe, expect, it} from 'vitest';
import {ClockOffsetWarning} from '../../../src/observability/clock-offset-warning.ts';

describe('ClockOffsetWarning', () => {
	it('warns about a meter clock a whole hour behind, naming the meter, the offset and the zone setting', () => {
		const warning = new ClockOffsetWarning();
		expect(warning.check('house', -3600 + 40, 'Europe/Berlin', '`timezone`')).toBe(
			'house: the meter clock (0.9.1/0.9.2, read in Europe/Berlin from `timezone`) is 1 h behind the host clock, so values stamped with its own time are 1 h off: is `timezone` right, or is the meter clock on standard time?',
		);
	});

	it('says it once per meter, and again only when the offset changes', () => {
		const warning = new ClockOffsetWarning();
		expect(warning.check('a', 7200, 'UTC', '`timezone`')).toMatch(/^a: .* is 2 h ahead of the host clock/);
		expect(warning.check('a', 7190, 'UTC', '`timezone`')).toBeUndefined();
		expect(warning.check('b', 7200, 'UTC', '`timezone`')).toMatch(/^b: /);
		expect(warning.check('a', 3600, 'UTC', '`timezone`')).toMatch(/is 1 h ahead of/);
		expect(warning.check('a', 2, 'UTC', '`timezone`')).toBeUndefined();
		expect(warning.check('a', 3600, 'UTC', '`timezone`')).toMatch(/is 1 h ahead of/);
	});

	it('counts within 3 min of whole hours up to 14 h as whole hours, and notes other offsets over 15 min as drift', () => {
		const warning = new ClockOffsetWarning();
		expect(warning.check('a', -14 * 3600 - 170, 'UTC', '`timezone`')).toMatch(/is 14 h behind/);
		expect(warning.check('b', 3600 + 240, 'UTC', '`timezone`')).toMatch(
			/^b: the meter clock \(0\.9\.1\/0\.9\.2, read in UTC\) is 64 min ahead of the host clock/,
		);
		expect(warning.check('c', 15 * 3600, 'UTC', '`timezone`')).toMatch(/is 900 min ahead of/);
		expect(warning.check('d', 14 * 60, 'UTC', '`timezone`')).toBeUndefined();
		expect(warning.check('e', 90, 'UTC', '`timezone`')).toBeUndefined();
	});
});
