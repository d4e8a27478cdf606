import {describe, expect, it} from 'vitest';
import {ConfigError, formatProblem} from '../../../src/config/config-error.ts';

describe('ConfigError', () => {
	it('lists every problem under the file name', () => {
		const error = new ConfigError('config.yaml', [
			{path: 'meters[0].port', line: 3, message: 'required'},
			{path: '', message: 'cannot read: no such file'},
		]);
		expect(error.message).toBe(
			'config.yaml: 2 problems\n  meters[0].port (line 3): required\n  (document): cannot read: no such file',
		);
		expect(error.problems).toHaveLength(2);
	});

	it('formats a single problem', () => {
		expect(formatProblem({path: 'timezone', message: 'bad'})).toBe('  timezone: bad');
	});
});
