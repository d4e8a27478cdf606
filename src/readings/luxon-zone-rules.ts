import {DateTime, IANAZone} from 'luxon';
import type {WallTime, ZoneRules} from './zone-rules.ts';

/** Zone rules from luxon (offsets through Intl.DateTimeFormat): the default of meter-clock. */
export const luxonZoneRules: ZoneRules = {
	isValidZone: (zone) => IANAZone.isValidZone(zone),

	instantOf(wall: WallTime, zone: string): number | undefined {
		// luxon moves a time in the spring gap forward by the gap.
		const local = DateTime.fromObject({...wall}, {zone});
		if (!local.isValid) return undefined;
		// The repeated autumn hour resolves to its first occurrence (still summer time).
		const earlier = local.minus({hours: 1});
		const repeated =
			earlier.hour === local.hour && earlier.minute === local.minute && earlier.day === local.day;
		return (repeated ? earlier : local).toMillis();
	},

	offsetMinutes: (epochMs, zone) => DateTime.fromMillis(epochMs, {zone}).offset,
};
