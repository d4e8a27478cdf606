import {describe, expect, it} from 'vitest';
import {meterClockOffsetSeconds} from '../../../src/observability/meter-clock-offset.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';

const zone = 'Europe/Berlin';

describe('meterClockOffsetSeconds', () => {
	// 10 March 2026 in Berlin is CET, UTC+1: meter 13:45:10 local is 12:45:10Z.
	it('is positive when the meter clock is ahead of the host', () => {
		const sets = dataSetsOf('0.9.1(134510)', '0.9.2(260310)');
		expect(meterClockOffsetSeconds(sets, new Date('2026-03-10T12:45:00Z'), zone)).toBe(10);
	});

	it('is negative when the meter clock is slow', () => {
		const sets = dataSetsOf('0.9.1(134400)', '0.9.2(260310)');
		expect(meterClockOffsetSeconds(sets, new Date('2026-03-10T12:45:00Z'), zone)).toBe(-60);
	});

	it('reads the registers in the given zone', () => {
		const sets = dataSetsOf('0.9.1(134500)', '0.9.2(260310)');
		expect(meterClockOffsetSeconds(sets, new Date('2026-03-10T13:45:00Z'), 'UTC')).toBe(0);
	});

	it('takes summer time in summer', () => {
		// 10 July 2026 in Berlin is CEST, UTC+2.
		const sets = dataSetsOf('0.9.1(134500)', '0.9.2(260710)');
		expect(meterClockOffsetSeconds(sets, new Date('2026-07-10T11:45:00Z'), zone)).toBe(0);
	});

	it('rounds to whole seconds', () => {
		const sets = dataSetsOf('0.9.1(134510)', '0.9.2(260310)');
		expect(meterClockOffsetSeconds(sets, new Date('2026-03-10T12:45:00.400Z'), zone)).toBe(10);
	});

	it('finds the registers by their code under an A-B: prefix too', () => {
		const sets = dataSetsOf('1-1:0.9.1(134500)', '1-1:0.9.2(260310)');
		expect(meterClockOffsetSeconds(sets, new Date('2026-03-10T12:45:00Z'), zone)).toBe(0);
	});

	it('honours a leading season digit on the time register (2: UTC)', () => {
		const sets = dataSetsOf('0.9.1(2124500)', '0.9.2(260310)');
		expect(meterClockOffsetSeconds(sets, new Date('2026-03-10T12:45:00Z'), zone)).toBe(0);
	});

	it('honours a leading season digit on the date register (2: UTC)', () => {
		const sets = dataSetsOf('0.9.1(124500)', '0.9.2(2260310)');
		expect(meterClockOffsetSeconds(sets, new Date('2026-03-10T12:45:00Z'), zone)).toBe(0);
	});

	it('is undefined without the time register', () => {
		expect(meterClockOffsetSeconds(dataSetsOf('0.9.2(260310)'), new Date(), zone)).toBeUndefined();
	});

	it('is undefined without the date register', () => {
		expect(meterClockOffsetSeconds(dataSetsOf('0.9.1(134500)'), new Date(), zone)).toBeUndefined();
	});

	it('is undefined when the date is impossible', () => {
		const sets = dataSetsOf('0.9.1(134500)', '0.9.2(261340)');
		expect(meterClockOffsetSeconds(sets, new Date(), zone)).toBeUndefined();
	});

	describe('in the repeated autumn hour (Berlin, 25 October 2026, 02:00–03:00 twice)', () => {
		const sets = dataSetsOf('0.9.1(023000)', '0.9.2(261025)');

		it('reads a correct meter as 0 on the first pass (summer time, 00:30Z)', () => {
			expect(meterClockOffsetSeconds(sets, new Date('2026-10-25T00:30:00Z'), zone)).toBe(0);
		});

		it('reads a correct meter as 0 on the second pass (standard time, 01:30Z)', () => {
			expect(meterClockOffsetSeconds(sets, new Date('2026-10-25T01:30:00Z'), zone)).toBe(0);
		});

		it('takes the season digit over the nearer instant (1: summer)', () => {
			const summer = dataSetsOf('0.9.1(1023000)', '0.9.2(261025)');
			expect(meterClockOffsetSeconds(summer, new Date('2026-10-25T01:30:00Z'), zone)).toBe(-3600);
		});
	});
});
