import {describe, expect, it} from 'vitest';
import {v8FlagsFor} from '../../../src/cli/command-v8-flags.ts';

describe('v8FlagsFor', () => {
	it('turns the optimising compilers off for the collector', () => {
		expect(v8FlagsFor('run')).toEqual(['--no-opt', '--no-sparkplug']);
	});

	it('leaves every other command, and no command, at the defaults', () => {
		for (const command of [
			'parse',
			'backfill',
			'read',
			'simulate',
			'check-config',
			'spool',
			'ports',
			undefined,
		]) {
			expect(v8FlagsFor(command)).toEqual([]);
		}
	});
});
