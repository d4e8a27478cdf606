import {describe, expect, it} from 'vitest';
import {configSchema} from '../../../src/config/config-schema.ts';
import {configWarnings} from '../../../src/config/config-warnings.ts';

const meter = {id: 'house', port: '/dev/ttyUSB0'};

describe('configWarnings', () => {
	it('warns about an OBIS code selected twice in one meter, at the second one', () => {
		const config = configSchema.parse({
			meters: [{...meter, select: ['1.8.1', '2.8.1', {code: '1.8.1', name: 'import'}]}],
		});
		expect(configWarnings(config)).toEqual([
			{path: ['meters', 0, 'select', 2], message: '1.8.1 is selected twice (also select[0]): keep one'},
		]);
	});

	it('has nothing to say about distinct codes, or the same code in two meters', () => {
		const config = configSchema.parse({
			meters: [
				{...meter, select: ['1.8.1', '1.8.2']},
				{id: 'heat', port: '/dev/ttyUSB1', select: ['1.8.1']},
			],
		});
		expect(configWarnings(config)).toEqual([]);
	});
});

describe('configWarnings, a cron schedule whose first readout is far away', () => {
	// The host's zone is the cron's, as in the collector: times here are built in it (new Date(y, m, d)).
	const now = new Date(2026, 11, 1, 12, 0);

	it('warns when the first readout is more than 31 days away, saying when it is', () => {
		const config = configSchema.parse({meters: [{...meter, schedule: '0 0 29 2 *'}]});
		const [warning, ...rest] = configWarnings(config, now);
		expect(rest).toEqual([]);
		expect(warning?.path).toEqual(['meters', 0, 'schedule']);
		const first = new Date(2028, 1, 29).toISOString();
		expect(warning?.message).toBe(
			`"0 0 29 2 *" first fires at ${first}, 454 days from now: the meter is not read before then (a daily readout is "0 0 * * *")`,
		);
	});

	it('warns of a date a few months away, not of a monthly schedule at its longest wait', () => {
		const inMarch = configSchema.parse({meters: [{...meter, schedule: '0 0 1 3 *'}]});
		expect(configWarnings(inMarch, now).map((warning) => warning.path)).toEqual([['meters', 0, 'schedule']]);
		// A monthly schedule waits longest just after its run: 31 days less a second, from 1 December.
		const monthly = configSchema.parse({meters: [{...meter, schedule: '0 0 1 * *'}]});
		expect(configWarnings(monthly, new Date(2026, 11, 1, 0, 0, 1))).toEqual([]);
		const often = configSchema.parse({
			meters: [
				{...meter, schedule: '*/15 * * * *'},
				{id: 'b', port: '/dev/ttyUSB1', every: '60s'},
			],
		});
		expect(configWarnings(often, now)).toEqual([]);
	});
});
