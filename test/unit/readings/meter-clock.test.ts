import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {processZoneRules} from '../../../src/cli/process-zone-rules.ts';
import type {MeterTime} from '../../../src/iec62056/meter-time.ts';
import {luxonZoneRules} from '../../../src/readings/luxon-zone-rules.ts';
import {assertTimeZone, meterTimeToInstant, useZoneRules} from '../../../src/readings/meter-clock.ts';

const BERLIN = 'Europe/Berlin';

// Europe/Berlin in 2024: CET (+01:00) until 31 March 02:00, when clocks jump to 03:00 CEST (+02:00);
// CEST until 27 October 03:00, when clocks fall back to 02:00 CET, so 02:00–02:59 happens twice.
function stamp(fields: Omit<MeterTime, 'format'>): MeterTime {
	return {format: 'ZST12', ...fields};
}

function iso(time: MeterTime, zone = BERLIN): string | undefined {
	return meterTimeToInstant(time, zone)?.toISOString();
}

describe.each([
	['luxon', luxonZoneRules],
	['the process zone', processZoneRules([BERLIN, 'America/New_York', 'Europe/London', 'UTC'])],
] as const)('with %s rules', (_name, rules) => {
	beforeAll(() => useZoneRules(rules));
	afterAll(() => useZoneRules(luxonZoneRules));
	describe('meterTimeToInstant', () => {
		describe('ordinary times', () => {
			it('takes a winter time in Berlin as UTC+1', () => {
				expect(iso(stamp({year: 2017, month: 2, day: 9, hour: 9, minute: 45}))).toBe(
					'2017-02-09T08:45:00.000Z',
				);
			});

			it('takes a summer time in Berlin as UTC+2', () => {
				expect(iso(stamp({year: 2014, month: 7, day: 16, hour: 10, minute: 10, second: 53}))).toBe(
					'2014-07-16T08:10:53.000Z',
				);
			});

			it('takes a date without a time of day as local midnight', () => {
				expect(iso({format: 'D6', year: 2017, month: 2, day: 14})).toBe('2017-02-13T23:00:00.000Z');
			});

			it('uses the zone it is given, not the machine zone', () => {
				expect(iso(stamp({year: 2024, month: 1, day: 15, hour: 12, minute: 0}), 'America/New_York')).toBe(
					'2024-01-15T17:00:00.000Z',
				);
			});
		});

		describe('stamps without a date', () => {
			it('gives no instant for a time-only stamp', () => {
				expect(meterTimeToInstant({format: 'Z6', hour: 15, minute: 54, second: 20}, BERLIN)).toBeUndefined();
			});

			it('gives no instant for a day-month stamp', () => {
				expect(meterTimeToInstant({format: 'DM', day: 1, month: 1}, BERLIN)).toBeUndefined();
			});

			it('gives no instant for an impossible local date', () => {
				expect(meterTimeToInstant(stamp({year: 2023, month: 2, day: 30, hour: 0}), BERLIN)).toBeUndefined();
			});

			it('gives no instant for an impossible date flagged as UTC', () => {
				expect(
					meterTimeToInstant(stamp({year: 2023, month: 2, day: 30, hour: 0, season: 'utc'}), BERLIN),
				).toBeUndefined();
			});
		});

		describe('the repeated autumn hour', () => {
			const ambiguous = {year: 2024, month: 10, day: 27, hour: 2, minute: 30} as const;

			it('takes 02:30 on the autumn change, without a season flag, as its first occurrence in summer time', () => {
				expect(iso(stamp(ambiguous))).toBe('2024-10-27T00:30:00.000Z');
			});

			it('takes 02:30 flagged as summer time as UTC+2', () => {
				expect(iso(stamp({...ambiguous, season: 'summer'}))).toBe('2024-10-27T00:30:00.000Z');
			});

			it('takes 02:30 flagged as standard time as the second occurrence, UTC+1', () => {
				expect(iso(stamp({...ambiguous, season: 'standard'}))).toBe('2024-10-27T01:30:00.000Z');
			});

			it('tells the two flagged readings of the same wall clock one hour apart', () => {
				const summer = meterTimeToInstant(stamp({...ambiguous, season: 'summer'}), BERLIN);
				const standard = meterTimeToInstant(stamp({...ambiguous, season: 'standard'}), BERLIN);
				expect((standard?.getTime() ?? 0) - (summer?.getTime() ?? 0)).toBe(3_600_000);
			});

			it('takes 03:00 on the autumn change, after the repeat, as UTC+1 without a flag', () => {
				const after = {year: 2024, month: 10, day: 27, hour: 3, minute: 0} as const;
				expect(iso(stamp(after))).toBe('2024-10-27T02:00:00.000Z');
			});

			it('reads a flagged stamp on the offset the flag names, whatever the date', () => {
				// A meter that keeps standard time all year stamps 12:00 in July as UTC+1.
				expect(iso(stamp({year: 2024, month: 7, day: 1, hour: 12, minute: 0, season: 'standard'}))).toBe(
					'2024-07-01T11:00:00.000Z',
				);
				expect(iso(stamp({year: 2024, month: 7, day: 1, hour: 12, minute: 0, season: 'summer'}))).toBe(
					'2024-07-01T10:00:00.000Z',
				);
			});

			it('resolves the repeated hour of another zone (Europe/London, 01:30) by its flag', () => {
				const london = {year: 2024, month: 10, day: 27, hour: 1, minute: 30} as const;
				expect(iso(stamp({...london, season: 'summer'}), 'Europe/London')).toBe('2024-10-27T00:30:00.000Z');
				expect(iso(stamp({...london, season: 'standard'}), 'Europe/London')).toBe('2024-10-27T01:30:00.000Z');
			});
		});

		describe('the skipped spring hour', () => {
			it('moves 02:30 on the spring change, which never happens in Berlin, forward by the gap to 03:30 CEST', () => {
				expect(iso(stamp({year: 2024, month: 3, day: 31, hour: 2, minute: 30}))).toBe(
					'2024-03-31T01:30:00.000Z',
				);
			});

			it('takes 01:59 before the spring change as UTC+1', () => {
				expect(iso(stamp({year: 2024, month: 3, day: 31, hour: 1, minute: 59}))).toBe(
					'2024-03-31T00:59:00.000Z',
				);
			});

			it('takes 03:00 after the spring change as UTC+2', () => {
				expect(iso(stamp({year: 2024, month: 3, day: 31, hour: 3, minute: 0}))).toBe(
					'2024-03-31T01:00:00.000Z',
				);
			});
		});

		describe('24:00', () => {
			it('takes 24:00 as the midnight that ends the day', () => {
				expect(iso(stamp({year: 2024, month: 1, day: 15, hour: 24, minute: 0}))).toBe(
					'2024-01-15T23:00:00.000Z',
				);
			});

			it('rolls 24:00 on New Year’s Eve into the next year', () => {
				expect(iso(stamp({year: 2024, month: 12, day: 31, hour: 24, minute: 0}))).toBe(
					'2024-12-31T23:00:00.000Z',
				);
			});

			it('rolls 24:00 at the end of February of a leap year into 1 March', () => {
				expect(iso(stamp({year: 2024, month: 2, day: 29, hour: 24, minute: 0}))).toBe(
					'2024-02-29T23:00:00.000Z',
				);
			});

			it('takes 24:00 on the eve of the autumn change with the summer offset of that midnight', () => {
				expect(iso(stamp({year: 2024, month: 10, day: 26, hour: 24, minute: 0}))).toBe(
					'2024-10-26T22:00:00.000Z',
				);
			});

			it('takes 24:00 flagged as UTC as the next UTC midnight', () => {
				expect(iso(stamp({year: 2024, month: 1, day: 15, hour: 24, minute: 0, season: 'utc'}))).toBe(
					'2024-01-16T00:00:00.000Z',
				);
			});
		});

		describe('UTC flag', () => {
			it('takes a stamp flagged as UTC as UTC, ignoring the meter zone', () => {
				expect(iso(stamp({year: 2024, month: 7, day: 1, hour: 12, minute: 0, season: 'utc'}))).toBe(
					'2024-07-01T12:00:00.000Z',
				);
			});

			it('takes a time in the skipped spring hour flagged as UTC as it stands', () => {
				expect(iso(stamp({year: 2024, month: 3, day: 31, hour: 2, minute: 30, season: 'utc'}))).toBe(
					'2024-03-31T02:30:00.000Z',
				);
			});
		});
	});

	describe('meterTimeToInstant, converting the same stamp again', () => {
		it('gives an equal, separate Date each time, per zone and season', () => {
			const stamp: MeterTime = {
				format: 'ZST10',
				year: 2026,
				month: 3,
				day: 29,
				hour: 2,
				minute: 30,
				second: 0,
			};
			const first = meterTimeToInstant(stamp, 'Europe/Berlin');
			first?.setTime(0);
			const second = meterTimeToInstant(stamp, 'Europe/Berlin');
			expect(second?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
			expect(meterTimeToInstant(stamp, 'UTC')?.toISOString()).toBe('2026-03-29T02:30:00.000Z');
			expect(meterTimeToInstant({...stamp, season: 'standard'}, 'Europe/Berlin')?.toISOString()).toBe(
				'2026-03-29T01:30:00.000Z',
			);
			expect(meterTimeToInstant({...stamp, season: 'summer'}, 'Europe/Berlin')?.toISOString()).toBe(
				'2026-03-29T00:30:00.000Z',
			);
		});
	});
});

describe('assertTimeZone', () => {
	it('accepts an IANA zone name', () => {
		expect(() => assertTimeZone(BERLIN)).not.toThrow();
	});

	it('accepts UTC', () => {
		expect(() => assertTimeZone('UTC')).not.toThrow();
	});

	it('rejects an unknown zone with a TypeError that quotes the received value', () => {
		expect(() => assertTimeZone('Europe/Atlantis')).toThrow(TypeError);
		expect(() => assertTimeZone('Europe/Atlantis')).toThrow(/time zone.*"Europe\/Atlantis"/);
	});

	it('rejects an empty zone', () => {
		expect(() => assertTimeZone('')).toThrow(TypeError);
	});
});
