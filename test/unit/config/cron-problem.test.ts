import {describe, expect, it} from 'vitest';
import {cronProblem} from '../../../src/config/cron-problem.ts';

describe('cronProblem', () => {
	it.each(['*/15 * * * *', '0 6 * * MON-FRI', '*/10 * * * * *', '@hourly'])('takes %s', (pattern) => {
		expect(cronProblem(pattern)).toBeUndefined();
	});

	it.each([
		['61 * * * *', 'the minute field "61" is out of range 0-59'],
		['0 25 * * *', 'the hour field "25" is out of range 0-23'],
		// croner itself says "day: 31" here: the field written is named instead.
		['0 0 32 * *', 'the day of month field "32" is out of range 1-31'],
		['0 0 * 13 *', 'the month field "13" is out of range 1-12 or JAN-DEC'],
		['60 * * * * *', 'the second field "60" is out of range 0-59'],
	])('names the field of %s that is out of range', (pattern, expected) => {
		expect(cronProblem(pattern)).toBe(expected);
	});

	it.each(['0 0 31 2 *', '0 0 31 4,6,9,11 *', '0 0 30 2 *'])('refuses %s, which never fires', (pattern) => {
		expect(cronProblem(pattern)).toMatch(/^never fires: no date matches it/);
	});

	it('takes 29 February, which comes every four years', () => {
		expect(cronProblem('0 0 29 2 *')).toBeUndefined();
	});

	it('counts the fields of a pattern with too few', () => {
		expect(cronProblem('*/15 * * *')).toBe(
			'expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, such as "*/15 * * * *"; got 4 fields',
		);
	});

	it('refuses a seventh field (a year), which croner would take', () => {
		expect(cronProblem('*/15 * * * * * *')).toBe(
			'expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, such as "*/15 * * * *"; got 7 fields',
		);
	});

	it("keeps croner's reason for other mistakes", () => {
		expect(cronProblem('*/0 * * * *')).toMatch(
			/^expected a cron expression such as .*; Syntax error, illegal stepping: 0$/,
		);
	});
});
