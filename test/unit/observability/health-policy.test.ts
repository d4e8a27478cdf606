import {describe, expect, it} from 'vitest';
import {CycleHealthPolicy} from '../../../src/observability/health-policy.ts';
import type {LastFailure, MeterActivity} from '../../../src/observability/self-metrics.ts';

const START = new Date('2024-05-04T12:00:00Z');
const at = (seconds: number) => new Date(START.getTime() + seconds * 1000);

function activity(
	successes: Record<string, Date>,
	failures: Record<string, LastFailure> = {},
): MeterActivity {
	return {lastSuccessAt: (meter) => successes[meter], lastFailureOf: (meter) => failures[meter]};
}

const house = {meterId: 'house', cycleMs: 60_000};
const meters = [house, {meterId: 'garage', cycleMs: 900_000}];

describe('CycleHealthPolicy', () => {
	it('is healthy when every meter succeeded within its last 3 cycles', () => {
		const policy = new CycleHealthPolicy({
			meters,
			startedAt: START,
			activity: activity({house: at(0), garage: at(0)}),
		});
		expect(policy.check(at(180))).toEqual({healthy: true, unhealthy: []});
	});

	it('is unhealthy once a meter went more than 3 of its cycles without success, saying why', () => {
		const failure: LastFailure = {
			at: at(170),
			phase: 'identification',
			failure: 'no-answer',
			message: 'silence',
		};
		const policy = new CycleHealthPolicy({
			meters,
			startedAt: START,
			activity: activity({house: at(0), garage: at(0)}, {house: failure}),
		});
		expect(policy.check(at(181))).toEqual({
			healthy: false,
			unhealthy: [
				{
					meter: 'house',
					reason:
						'last good readout 181 s ago (allowed: 3 cycles of 60 s); last failure: no-answer in identification (silence)',
					lastSuccess: START.toISOString(),
				},
			],
		});
	});

	it('gives a meter that never succeeded N cycles from the start', () => {
		const policy = new CycleHealthPolicy({meters: [house], startedAt: START, activity: activity({})});
		expect(policy.check(at(180)).healthy).toBe(true);
		expect(policy.check(at(181)).unhealthy).toEqual([
			{meter: 'house', reason: 'no good readout since start, 181 s ago (allowed: 3 cycles of 60 s)'},
		]);
	});

	it('takes the number of cycles from missedCycles', () => {
		const policy = new CycleHealthPolicy({
			meters: [house],
			startedAt: START,
			activity: activity({house: at(0)}),
			missedCycles: 1,
		});
		expect(policy.check(at(61)).healthy).toBe(false);
	});

	it('works as a plain function (check is bound)', () => {
		const {check} = new CycleHealthPolicy({meters: [], startedAt: START, activity: activity({})});
		expect(check(at(0)).healthy).toBe(true);
	});

	it('rejects bad options with a TypeError naming them', () => {
		const base = {meters, startedAt: START, activity: activity({})};
		expect(() => new CycleHealthPolicy({...base, missedCycles: 0})).toThrow(
			/missedCycles must be .* received 0/,
		);
		expect(() => new CycleHealthPolicy({...base, meters: [{meterId: 'x', cycleMs: 0}]})).toThrow(
			/cycleMs of meter "x" must be a positive number/,
		);
		expect(() => new CycleHealthPolicy({...base, startedAt: new Date('nope')})).toThrow(
			/startedAt must be a valid Date/,
		);
	});
});
