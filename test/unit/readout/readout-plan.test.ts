import {describe, expect, it} from 'vitest';
import {parseIdentification} from '../../../src/iec62056/identification.ts';
import {choosePlan, describePlan, fallbackPlans} from '../../../src/readout/readout-plan.ts';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';

const zmd120 = parseIdentification('/LGZ52ZMD120APt.G03');
const modeA = parseIdentification('/KAM 685-');
const limits = {signOnSettings: SIGN_ON_SETTINGS};

describe('choosePlan', () => {
	it('takes mode and rate from the identification', () => {
		expect(choosePlan(zmd120, undefined, limits, true)).toEqual({mode: 'C', baudRate: 9600});
	});

	it('asks for at most the capped rate', () => {
		expect(choosePlan(zmd120, undefined, {...limits, baudMax: 5000}, true)).toEqual({
			mode: 'C',
			baudRate: 4800,
		});
	});

	it('starts with a given plan, even below the announced rate', () => {
		expect(choosePlan(zmd120, {mode: 'C', baudRate: 300}, limits, true)).toEqual({mode: 'C', baudRate: 300});
	});

	it('stays at the sign-on rate behind a link that cannot switch', () => {
		expect(choosePlan(zmd120, undefined, limits, false)).toEqual({mode: 'C', baudRate: 300});
	});

	it('reads a mode A meter at the sign-on rate whatever the plan says', () => {
		expect(choosePlan(modeA, {mode: 'C', baudRate: 9600}, limits, true)).toEqual({mode: 'A', baudRate: 300});
	});
});

describe('fallbackPlans', () => {
	it('after 9600 Bd failed: mode C at 300 Bd (ACK 0 0 0), then mode A', () => {
		expect(fallbackPlans({mode: 'C', baudRate: 9600}, zmd120, limits)).toEqual([
			{mode: 'C', baudRate: 300},
			{mode: 'A', baudRate: 300},
		]);
	});

	it('after a capped rate failed: the announced rate first', () => {
		expect(fallbackPlans({mode: 'C', baudRate: 4800}, zmd120, limits)[0]).toEqual({
			mode: 'C',
			baudRate: 9600,
		});
	});

	it('never tries the plan that failed again', () => {
		expect(fallbackPlans({mode: 'C', baudRate: 300}, zmd120, limits)).toEqual([
			{mode: 'C', baudRate: 9600},
			{mode: 'A', baudRate: 300},
		]);
	});
});

describe('describePlan', () => {
	it('names mode and rate', () => {
		expect(describePlan({mode: 'C', baudRate: 9600})).toBe('mode C at 9600 Bd');
		expect(describePlan({mode: 'D'})).toBe('mode D');
	});
});
