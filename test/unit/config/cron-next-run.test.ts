import {describe, expect, it} from 'vitest';
import {nextCronRun} from '../../../src/config/cron-next-run.ts';

describe('nextCronRun', () => {
	it('gives the first run after the time given, in local time', () => {
		const from = new Date(2026, 0, 15, 10, 7, 30);
		expect(nextCronRun('*/15 * * * *', from)).toEqual(new Date(2026, 0, 15, 10, 15, 0));
		expect(nextCronRun('0 0 1 * *', from)).toEqual(new Date(2026, 1, 1, 0, 0, 0));
	});

	it('gives null for a pattern no date matches, and throws for one croner refuses', () => {
		expect(nextCronRun('0 0 30 2 *')).toBeNull();
		expect(() => nextCronRun('not a cron')).toThrow();
	});
});
