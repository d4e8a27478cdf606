import type {WallTime, ZoneRules} from '../readings/zone-rules.ts';

/**
 * Zone rules from the runtime's Date, for the long-running collector: the zone is made the process's
 * time zone (TZ, which Node applies at once when set at run time) for one synchronous call, and put
 * back before it returns. Date's local time uses ICU's time zone data like Intl does, so the answers are
 * luxon's, but without an Intl.DateTimeFormat: the first one makes about 7 MB of ICU's locale data
 * resident for the life of the process (it looks through every locale once), an eighth of what a
 * collector of one meter needs in all. A switch costs about 25 µs; a collector converts a few stamps
 * per readout, and meter-clock remembers them.
 *
 * Only `zones` are valid: those the configuration was checked against (in the loader process, with
 * luxon), since an unknown TZ silently reads as UTC here.
 */
export function processZoneRules(zones: Iterable<string>): ZoneRules {
	const known = new Set(zones);
	return {
		isValidZone: (zone) => known.has(zone),
		instantOf(wall: WallTime, zone: string): number | undefined {
			if (!known.has(zone)) return undefined;
			return inZone(zone, () => {
				// ECMAScript resolves a skipped local time forward by the gap and a repeated one to its
				// first occurrence (the spec's UTC(t) of local time t).
				const date = new Date(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
				// The constructor reads years 0-99 as 1900-1999.
				if (wall.year >= 0 && wall.year < 100) date.setFullYear(wall.year);
				return date.getTime();
			});
		},
		offsetMinutes(epochMs: number, zone: string): number {
			// getTimezoneOffset counts west positive; a zero stays 0, not -0.
			const westMinutes = inZone(zone, () => new Date(epochMs).getTimezoneOffset());
			return westMinutes === 0 ? 0 : -westMinutes;
		},
	};
}

/** `work()` with `zone` as the process's time zone, which is put back however `work` ends. */
function inZone<T>(zone: string, work: () => T): T {
	const saved = process.env['TZ'];
	if (saved === zone) return work();
	process.env['TZ'] = zone;
	try {
		return work();
	} finally {
		if (saved === undefined) delete process.env['TZ'];
		else process.env['TZ'] = saved;
	}
}
