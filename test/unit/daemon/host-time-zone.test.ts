import {describe, expect, it} from 'vitest';
import {hostTimeZone, isUtcZone, utcAssumptionNote} from '../../../src/daemon/host-time-zone.ts';

describe('hostTimeZone', () => {
	it('is the zone the runtime resolves', () => {
		expect(hostTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
	});
});

describe('isUtcZone', () => {
	it('knows the names a UTC host reports, and no others', () => {
		for (const zone of ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu', 'Etc/GMT+0']) {
			expect(isUtcZone(zone)).toBe(true);
		}
		for (const zone of ['Europe/Berlin', 'Europe/London', 'Etc/GMT+1', 'Africa/Abidjan']) {
			expect(isUtcZone(zone)).toBe(false);
		}
	});
});

describe('utcAssumptionNote', () => {
	it('names the meters and says how to set a zone', () => {
		expect(utcAssumptionNote(['a', 'b'])).toMatch(
			/^meters a, b have no timezone .*"timezone: Europe\/Berlin"/,
		);
	});
});
