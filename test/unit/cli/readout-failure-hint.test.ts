import {describe, expect, it} from 'vitest';
import {readoutFailureHint} from '../../../src/cli/readout-failure-hint.ts';
import {ReadoutError} from '../../../src/readout/readout-errors.ts';

const garbage = new ReadoutError('/dev/ttyUSB0', 'data', 'garbage', 'no data block: 21 bytes received');
const silent = new ReadoutError('/dev/ttyUSB0', 'identification', 'no-answer', 'no identification message');

describe('readoutFailureHint', () => {
	it('suggests --mode A, a lower rate, the framing and mode D after an automatic readout', () => {
		expect(readoutFailureHint(garbage, {mode: 'auto'})).toBe(
			'try --mode A, a lower --baud-max, or check 7E1 vs 8N1; a meter that sends without being asked (push) needs --mode D',
		);
	});

	it('suggests leaving the given mode out, and another one, never the one given', () => {
		const hint = readoutFailureHint(garbage, {mode: 'A'}) as string;
		expect(hint).toMatch(
			/^try without --mode A \(the mode the identification announces\), --mode C, or check 7E1 vs 8N1/,
		);
		expect(hint.replace('without --mode A', '')).not.toContain('--mode A');
	});

	it('suggests no mode D to a readout in mode D, and a rate below the one given', () => {
		expect(readoutFailureHint(garbage, {mode: 'D'})).not.toContain('needs --mode D');
		expect(readoutFailureHint(garbage, {mode: 'C', baudMax: 4800})).toContain('a --baud-max below 4800');
	});

	it('suggests checking the address given instead of giving one', () => {
		expect(readoutFailureHint(silent, {mode: 'auto'})).toBe(
			'a battery meter may need --wake-up; an addressed meter needs --address',
		);
		expect(readoutFailureHint(silent, {mode: 'auto', address: '99999999', wakeUp: true})).toBe(
			'check --address 99999999: a meter answers a sign-on with its own address or with none',
		);
	});
});
