import {describe, expect, it} from 'vitest';
import {processZoneRules} from '../../../src/cli/process-zone-rules.ts';
import {luxonZoneRules} from '../../../src/readings/luxon-zone-rules.ts';
import type {WallTime} from '../../../src/readings/zone-rules.ts';

// Northern and southern summer time, half-hour offsets, a 30-minute DST shift, no DST at all.
const ZONES = [
	'Europe/Berlin',
	'America/New_York',
	'Europe/London',
	'Australia/Sydney',
	'Asia/Kolkata',
	'Australia/Lord_Howe',
	'UTC',
];

/** Every half hour of the days around each zone's clock changes in 2024 (and a few other days). */
function wallTimes(): WallTime[] {
	const days = [
		[2024, 1, 15],
		[2024, 3, 10],
		[2024, 3, 31],
		[2024, 4, 7],
		[2024, 7, 1],
		[2024, 10, 6],
		[2024, 10, 27],
		[2024, 11, 3],
		[2024, 12, 31],
	] as const;
	const walls: WallTime[] = [];
	for (const [year, month, day] of days) {
		for (let minutes = 0; minutes < 24 * 60; minutes += 30) {
			walls.push({year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 15});
		}
	}
	return walls;
}

describe('processZoneRules', () => {
	const rules = processZoneRules(ZONES);

	it('gives the instants luxon gives, in skipped and repeated hours too', () => {
		for (const zone of ZONES) {
			for (const wall of wallTimes()) {
				expect({zone, wall, instant: rules.instantOf(wall, zone)}).toEqual({
					zone,
					wall,
					instant: luxonZoneRules.instantOf(wall, zone),
				});
			}
		}
	});

	it('gives the offsets luxon gives, every 20 minutes around the clock changes', () => {
		for (const zone of ZONES) {
			for (const wall of wallTimes()) {
				const epochMs = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute + 10);
				expect({zone, epochMs, offset: rules.offsetMinutes(epochMs, zone)}).toEqual({
					zone,
					epochMs,
					offset: luxonZoneRules.offsetMinutes(epochMs, zone),
				});
			}
		}
	});

	it('reads years before 100 as such', () => {
		const wall = {year: 50, month: 6, day: 1, hour: 12, minute: 0, second: 0};
		expect(new Date(rules.instantOf(wall, 'UTC') as number).toISOString()).toBe('0050-06-01T12:00:00.000Z');
	});

	it('knows only the zones it was given', () => {
		expect(rules.isValidZone('Europe/Berlin')).toBe(true);
		expect(rules.isValidZone('Europe/Paris')).toBe(false);
		expect(
			rules.instantOf({year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0}, 'Europe/Paris'),
		).toBe(undefined);
	});

	it('leaves the process zone as it found it, set or not', () => {
		const saved = process.env['TZ'];
		try {
			for (const before of [undefined, 'America/New_York']) {
				if (before === undefined) delete process.env['TZ'];
				else process.env['TZ'] = before;
				const offsetBefore = new Date(2024, 0, 1).getTimezoneOffset();
				rules.instantOf({year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 0}, 'Asia/Kolkata');
				rules.offsetMinutes(0, 'Australia/Sydney');
				expect(process.env['TZ']).toBe(before);
				expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(offsetBefore);
			}
			process.env['TZ'] = 'America/New_York';
			expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(300);
		} finally {
			if (saved === undefined) delete process.env['TZ'];
			else process.env['TZ'] = saved;
		}
	});
});
