import {plural} from '../observability/plural.ts';
import {nextCronRun} from './cron-next-run.ts';

const EXAMPLE =
	'expected a cron expression such as "*/1 * * * *" (5 fields) or "*/10 * * * * *" (with seconds)';

const FIELD_COUNT =
	'expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, such as "*/15 * * * *"';

const NEVER =
	'never fires: no date matches it (such as day 31 of a month with 30 days, or 30 February); the collector would wait for ever';

/** croner's field names, in the order of a 7-field pattern, with what each holds. */
const FIELDS: readonly {readonly name: string; readonly words: string; readonly range: string}[] = [
	{name: 'second', words: 'second', range: '0-59'},
	{name: 'minute', words: 'minute', range: '0-59'},
	{name: 'hour', words: 'hour', range: '0-23'},
	{name: 'day', words: 'day of month', range: '1-31'},
	{name: 'month', words: 'month', range: '1-12 or JAN-DEC'},
	{name: 'dayOfWeek', words: 'day of week', range: '0-7 or SUN-SAT'},
	{name: 'year', words: 'year', range: '1-9999'},
];

/**
 * What is wrong with a cron expression (croner's syntax: 5 fields, 6 with seconds first), or undefined
 * when croner takes it. A value out of range names its field and the range: croner's own text gives
 * the field but not always the value written (`day: 31` for a 32).
 */
export function cronProblem(pattern: string): string | undefined {
	const parts = pattern.trim().split(/\s+/);
	// croner also takes a seventh field (the year); the documented forms are 5 fields or 6 with seconds,
	// and a 7-field pattern written for another cron dialect would run at times nobody meant.
	if (parts.length > 6) return `${FIELD_COUNT}; got ${plural(parts.length, 'field')}`;
	try {
		// croner looks years ahead: no next run is a date that never comes (31 February, 31 April).
		return nextCronRun(pattern) === null ? NEVER : undefined;
	} catch (error) {
		const message = (error as Error).message;
		const name = /Invalid value for (\w+)/.exec(message)?.[1];
		// A 5-field pattern has no seconds: its first field is the minute.
		const offset = parts.length === 5 ? 1 : 0;
		const index = FIELDS.findIndex((field) => field.name === name);
		const field = FIELDS[index];
		const written = parts[index - offset];
		if (field !== undefined && written !== undefined) {
			return `the ${field.words} field "${written}" is out of range ${field.range}`;
		}
		if (/exactly five, six, or seven/.test(message)) {
			return `${FIELD_COUNT}; got ${plural(parts.length, 'field')}`;
		}
		return `${EXAMPLE}; ${message.replace(/^CronPattern: /, '').replace(/\.$/, '')}`;
	}
}
