import {Command, CommanderError} from 'commander';
import {describe, expect, it} from 'vitest';
import {parseIsoTimeArgument} from '../../../src/cli/iso-time-argument.ts';
import {withHostTimeZone} from '../../helpers/host-time-zone.ts';

function refusal(value: string): string {
	try {
		parseIsoTimeArgument(value);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error(`${value} was accepted`);
}

describe('parseIsoTimeArgument', () => {
	it.each([
		['2016-06-04', '2016-06-04T00:00:00.000Z'],
		['2016-06-04T12:00:00Z', '2016-06-04T12:00:00.000Z'],
		['2016-06-04T12:00:00+02:00', '2016-06-04T10:00:00.000Z'],
		['20160604', '2016-06-04T00:00:00.000Z'],
		['2016-W22-6', '2016-06-04T00:00:00.000Z'],
	])('reads the ISO 8601 form %s (a date alone is midnight UTC)', (value, expected) => {
		expect(parseIsoTimeArgument(value).toISOString()).toBe(expected);
	});

	it('reads a time without an offset in the host zone', async () => {
		await withHostTimeZone('Europe/Berlin', async () => {
			expect(parseIsoTimeArgument('2016-06-04T12:00').toISOString()).toBe('2016-06-04T10:00:00.000Z');
		});
	});

	it('refuses day.month.year rather than reading it month first, and shows the ISO form of that date', () => {
		expect(refusal('04.06.2016')).toBe(
			'expected an ISO 8601 date or time such as 2025-01-01 or 2025-01-01T00:00:00Z; for 04.06.2016 (day.month.year) write 2016-06-04',
		);
		expect(refusal('31.12.2015')).toMatch(/write 2015-12-31$/);
		expect(refusal('4.6.2016 7:30')).toMatch(/write 2016-06-04T07:30$/);
	});

	it('shows the T an ISO time needs between date and time', () => {
		expect(refusal('2016-06-04 12:00')).toMatch(/write 2016-06-04T12:00 \(a T between date and time\)$/);
	});

	it.each(['06/04/2016', 'June 4, 2016', '12:00', 'yesterday', '1465000000'])('refuses %s', (value) => {
		expect(refusal(value)).toBe(
			'expected an ISO 8601 date or time such as 2025-01-01 or 2025-01-01T00:00:00Z',
		);
	});

	it('refuses a day the calendar does not have', () => {
		expect(refusal('2016-02-30')).toMatch(/^not a date in the calendar/);
		expect(refusal('31.02.2016')).not.toMatch(/write/);
	});

	it("is reported by commander with the option's name and the value", async () => {
		let stderr = '';
		const program = new Command()
			.exitOverride()
			.configureOutput({writeErr: (text) => (stderr += text)})
			.option('--since <date>', 'since', parseIsoTimeArgument);
		await expect(program.parseAsync(['--since', '04.06.2016'], {from: 'user'})).rejects.toBeInstanceOf(
			CommanderError,
		);
		expect(stderr).toMatch(/option '--since <date>' argument '04\.06\.2016' is invalid\. .*write 2016-06-04/);
	});
});
