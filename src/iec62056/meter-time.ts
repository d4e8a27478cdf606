/**
 * Time stamps as meters print them, returned as local calendar fields: the meter's clock is local
 * time, and only the readings layer knows the meter's time zone. Nothing here touches a clock.
 */
export type MeterTimeFormat =
	| 'ZST10'
	| 'ZST12'
	| 'D6'
	| 'Z6'
	| 'Z4'
	| 'DSMR'
	| 'ISO'
	| 'DM'
	/** `YY-MM-DD`, `YY-MM-DD,hh:mm` (Elster AS2018: `(24-11-05,17:00)`). */
	| 'YMD'
	/** `hh:mm:ss` or `hh:mm` (Elster AS2018 `0.9.1(17:03:12)`). */
	| 'CLOCK';

export interface MeterTime {
	readonly format: MeterTimeFormat;
	/** Four-digit year; absent for time-only (Z4, Z6) and day-month (DM) stamps. */
	readonly year?: number;
	readonly month?: number;
	readonly day?: number;
	readonly hour?: number;
	readonly minute?: number;
	readonly second?: number;
	/**
	 * The season flag when the meter sent one: a leading digit (0 standard time, 1 summer time,
	 * 2 UTC, an inference from published readouts) or the DSMR suffix (`W` winter, `S` summer).
	 */
	readonly season?: 'standard' | 'summer' | 'utc';
}

/**
 * A field that is a placeholder for "no time": all zeros (`0000000000`, `2000-00-00`, `00-00-00`),
 * `121120??`, the Unix epoch in the meter's local time (`700101010000W`, any zone), a stamp in or
 * before the year 2000 (a clock never set counts from 2000-01-01 00:00), and a marked stamp (`S`/`W` suffix, dashes) that is not
 * a calendar time (`632525252525S` from an unlinked DSMR gas meter).
 */
export const NO_TIME = 'no-time' as const;

/** Which reading of a 6- or 4-digit stamp to prefer: `date` (D6) or `time` (Z6, Z4). */
export type MeterTimeHint = 'date' | 'time';

const SEASONS = ['standard', 'summer', 'utc'] as const;

/**
 * Parses a stamp. Returns NO_TIME for placeholders and undefined when the text is not a time stamp
 * (or names an impossible date). `hint` decides the ambiguous 6-digit form: D6 `YYMMDD` by default,
 * Z6 `hhmmss` for time registers (0.9.1); 4 digits are always `hhmm`.
 */
export function parseMeterTime(
	text: string,
	hint: MeterTimeHint = 'date',
): MeterTime | typeof NO_TIME | undefined {
	const value = text.trim();
	if (value === '') return undefined;
	if (value.includes('?')) return NO_TIME;
	if (/^\d+$/.test(value)) return placeholder(digits(value, hint));
	const dsmr = /^(\d{12})([SW])$/.exec(value);
	if (dsmr) {
		// The suffix says this is a stamp: one that is not a calendar time is a placeholder, not a number.
		const time = placeholder(digits(dsmr[1] as string, 'date')) ?? NO_TIME;
		if (time === NO_TIME) return time;
		return {...time, format: 'DSMR', season: dsmr[2] === 'S' ? 'summer' : 'standard'};
	}
	const short = /^(\d{2})-(\d{2})-(\d{2})(?:[ ,T&](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
	if (short) {
		const [, year, month, day, hour, minute, second] = short.map((group) =>
			group === undefined ? undefined : Number(group),
		);
		if (month === 0 || day === 0) return NO_TIME;
		const time = checked({
			format: 'YMD',
			year: 2000 + (year as number),
			month,
			day,
			...(hour === undefined ? {} : {hour, minute, second: second ?? 0}),
		} as MeterTime);
		return placeholder(time) ?? NO_TIME;
	}
	const clock = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
	if (clock) {
		return checked({
			format: 'CLOCK',
			hour: Number(clock[1]),
			minute: Number(clock[2]),
			second: clock[3] === undefined ? 0 : Number(clock[3]),
		});
	}
	const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T&](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
	if (iso) {
		const [, year, month, day, hour, minute, second] = iso.map((group) =>
			group === undefined ? undefined : Number(group),
		);
		if (month === 0 || day === 0) return NO_TIME;
		const time = checked({
			format: 'ISO',
			year,
			month,
			day,
			...(hour === undefined ? {} : {hour, minute, second: second ?? 0}),
		} as MeterTime);
		return placeholder(time) ?? NO_TIME;
	}
	const dayMonth = /^(\d{2})-(\d{2})$/.exec(value);
	if (dayMonth) {
		return checked({format: 'DM', day: Number(dayMonth[1]), month: Number(dayMonth[2])});
	}
	return undefined;
}

function digits(value: string, hint: MeterTimeHint): MeterTime | typeof NO_TIME | undefined {
	// A leading season digit turns 6/10/12 digits into 7/11/13 (Iskra, EMH ITZ, AUX).
	if (value.length === 7 || value.length === 11 || value.length === 13) {
		const season = SEASONS[Number(value.charAt(0))];
		if (season === undefined) return undefined;
		// `1160353` with the time hint is summer time 16:03:53 (a 0.9.1 register), else a date.
		const rest = placeholder(digits(value.slice(1), value.length === 7 ? hint : 'date'));
		if (rest === undefined || rest === NO_TIME) return rest;
		return {...rest, season};
	}
	// An all-zero date is "no data" (unused history slots); an all-zero time of day is midnight.
	if (/^0+$/.test(value) && (value.length >= 10 || (value.length === 6 && hint === 'date'))) return NO_TIME;
	// Two-digit groups read from the character codes: every readout stamps a few values, and a replay
	// of a year of archive millions (a match and a map per stamp were a good part of its garbage).
	// Only digits come here (the callers check).
	const p0 = pair(value, 0);
	const p1 = pair(value, 1);
	const p2 = pair(value, 2);
	const p3 = pair(value, 3);
	const p4 = pair(value, 4);
	const p5 = pair(value, 5);
	switch (value.length) {
		case 12:
			return checked({
				format: 'ZST12',
				year: century(p0),
				month: p1,
				day: p2,
				hour: p3,
				minute: p4,
				second: p5,
			});
		case 10:
			return checked({
				format: 'ZST10',
				year: century(p0),
				month: p1,
				day: p2,
				hour: p3,
				minute: p4,
				second: 0,
			});
		case 6:
			return hint === 'time'
				? checked({format: 'Z6', hour: p0, minute: p1, second: p2})
				: checked({format: 'D6', year: century(p0), month: p1, day: p2});
		case 4:
			return checked({format: 'Z4', hour: p0, minute: p1, second: 0});
		default:
			return undefined;
	}
}

/** The `index`th two-digit group of a digit string (NaN past its end, as no group is there). */
function pair(digits: string, index: number): number {
	const at = index * 2;
	if (at + 2 > digits.length) return Number.NaN;
	return (digits.charCodeAt(at) - 0x30) * 10 + (digits.charCodeAt(at + 1) - 0x30);
}

/** Two-digit years are 20YY: a meter's `70…` or `99…` is a placeholder or a clock never set, not 1970. */
function century(year: number): number {
	return 2000 + year;
}

/**
 * A parsed stamp, or NO_TIME when it is a known placeholder: the Unix epoch in local time (`700101…`,
 * read as 2070-01-01 by the 20YY rule, in any zone since the meter printed its local epoch) and any
 * date in or before the year 2000. A meter whose clock was never set counts from 2000-01-01 00:00, so
 * its log fills with stamps of the first days of 2000 (the DSMR power failure log
 * `(000101000001W)(000104180320W)`); no meter read today holds history of that year, and a point
 * there would only be noise on a dashboard.
 */
function placeholder(time: MeterTime | typeof NO_TIME | undefined): MeterTime | typeof NO_TIME | undefined {
	if (time === undefined || time === NO_TIME || time.year === undefined) return time;
	const {year, month, day} = time;
	if (year === 2070 && month === 1 && day === 1 && time.format !== 'ISO') return NO_TIME;
	if (year <= 2000) return NO_TIME;
	return time;
}

function checked(time: MeterTime): MeterTime | undefined {
	const {year, month, day, hour, minute, second} = time;
	if (month !== undefined && (month < 1 || month > 12)) return undefined;
	if (day !== undefined) {
		const last = new Date(Date.UTC(year ?? 2000, month ?? 1, 0)).getUTCDate();
		if (day < 1 || day > last) return undefined;
	}
	if (hour !== undefined && hour > 24) return undefined;
	// 24:00 is used by some meters for the end of a day; minute and second stay in range.
	if (hour === 24 && (minute ?? 0) + (second ?? 0) !== 0) return undefined;
	if (minute !== undefined && minute > 59) return undefined;
	if (second !== undefined && second > 59) return undefined;
	return time;
}

/** `YYYY-MM-DD hh:mm:ss` with whatever fields the stamp has, for display. */
export function formatMeterTime(time: MeterTime): string {
	const pad = (value: number | undefined) => String(value ?? 0).padStart(2, '0');
	const date =
		time.month === undefined
			? ''
			: `${time.year === undefined ? '' : `${time.year}-`}${pad(time.month)}-${pad(time.day)}`;
	const clock = time.hour === undefined ? '' : `${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`;
	const season =
		time.season === undefined
			? ''
			: time.season === 'utc'
				? ' UTC'
				: time.season === 'summer'
					? ' (summer)'
					: ' (standard)';
	return `${[date, clock].filter(Boolean).join(' ')}${season}`;
}
