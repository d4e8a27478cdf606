import {InvalidArgumentError} from 'commander';
import {DateTime} from 'luxon';

/**
 * A date or time option (`--since`, `--until`, `--read-at`) read as ISO 8601 only: `2025-01-01`,
 * `2025-01-01T12:00`, `2025-01-01T12:00:00Z`, `2025-01-01T12:00:00+01:00` (and the other ISO forms:
 * `20250101`, week and ordinal dates). A date alone is midnight UTC; a time without an offset is the
 * host's local time (as JavaScript reads them). Anything else is refused, never guessed: `new Date()`
 * reads `04.06.2016` month first, as 6 April. Throws commander's InvalidArgumentError, which commander
 * prints after the option's name: `option '--since <date>' argument '04.06.2016' is invalid. …`.
 */
export function parseIsoTimeArgument(value: string): Date {
	const text = value.trim();
	// luxon also reads a time alone (`12:00`) as today: a date option needs the date.
	if (/^\d{4}/.test(text)) {
		const parsed = DateTime.fromISO(text, {zone: /t/i.test(text) ? 'local' : 'utc'});
		if (parsed.isValid) return parsed.toJSDate();
		if (/^\d{4}-\d{2}-\d{2}(T|$)/i.test(text)) {
			throw new InvalidArgumentError(
				`not a date in the calendar (${parsed.invalidExplanation ?? 'invalid'})`,
			);
		}
	}
	throw new InvalidArgumentError(isoSuggestion(text));
}

const EXPECTED = 'expected an ISO 8601 date or time such as 2025-01-01 or 2025-01-01T00:00:00Z';

/** The refusal, with the ISO form of what was meant where that is certain. */
function isoSuggestion(text: string): string {
	// 04.06.2016 and 04.06.2016 12:00: the dotted day.month.year of German-speaking countries.
	const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
	if (dotted !== null) {
		const [, day, month, year, hour, minute, second] = dotted;
		const date = `${year}-${pad(month)}-${pad(day)}`;
		const time =
			hour === undefined ? '' : `T${pad(hour)}:${minute}${second === undefined ? '' : `:${second}`}`;
		if (DateTime.fromISO(`${date}${time}`).isValid) {
			return `${EXPECTED}; for ${text} (day.month.year) write ${date}${time}`;
		}
	}
	// 2016-06-04 12:00: ISO 8601 puts a T between date and time.
	const spaced = /^(\d{4}-\d{2}-\d{2}) +(\d{2}:\d{2}.*)$/.exec(text);
	if (spaced !== null && DateTime.fromISO(`${spaced[1]}T${spaced[2]}`).isValid) {
		return `${EXPECTED}; write ${spaced[1]}T${spaced[2]} (a T between date and time)`;
	}
	return EXPECTED;
}

function pad(digits: string | undefined): string {
	return (digits ?? '').padStart(2, '0');
}
