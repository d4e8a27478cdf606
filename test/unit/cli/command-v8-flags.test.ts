import {describe, expect, it} from 'vitest';
import {OPTIMISE_ABOVE_METERS, v8FlagsFor, v8FlagsForMeters} from '../../../src/cli/command-v8-flags.ts';

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

describe('v8FlagsForMeters', () => {
	it('keeps the compilers off for a household collector', () => {
		for (const meters of [0, 1, OPTIMISE_ABOVE_METERS]) expect(v8FlagsForMeters(meters)).toEqual([]);
	});

	it('turns them back on for a large site', () => {
		expect(v8FlagsForMeters(OPTIMISE_ABOVE_METERS + 1)).toEqual(['--opt', '--sparkplug']);
		expect(v8FlagsForMeters(100)).toEqual(['--opt', '--sparkplug']);
	});
});
