import {describe, expect, it} from 'vitest';
import {PlanLearner} from '../../../src/readout/plan-learner.ts';

const C9600 = {mode: 'C', baudRate: 9600} as const;
const C300 = {mode: 'C', baudRate: 300} as const;
const good = {plan: C9600, fellBack: false};
const fellBack = {plan: C300, fellBack: true};
const mismatch = {failure: 'rate-mismatch'} as const;
const HOUR = 3_600_000;

function learner(policy: {learnAfter?: number; retryEveryMs?: number} = {}) {
	let now = 0;
	const plans = new PlanLearner({...policy, now: () => now});
	return {
		plans,
		advance(ms: number) {
			now += ms;
		},
	};
}

describe('PlanLearner', () => {
	it('starts with the announced plan', () => {
		expect(learner().plans.next()).toBeUndefined();
	});

	it('learns nothing from one readout that fell back: the next one tries the announced plan again', () => {
		const {plans} = learner();
		expect(plans.recordResult(undefined, fellBack)).toBeUndefined();
		expect(plans.next()).toBeUndefined();
		expect(plans.failuresInRow).toBe(1);
	});

	it('forgets the count when the announced plan works in between (a one-off glitch)', () => {
		const {plans} = learner();
		plans.recordResult(undefined, fellBack);
		plans.recordResult(undefined, fellBack);
		plans.recordResult(undefined, good);
		plans.recordResult(undefined, fellBack);
		expect(plans.failuresInRow).toBe(1);
		expect(plans.next()).toBeUndefined();
	});

	it('keeps the lower plan after three readouts in a row fell back, saying why once', () => {
		const {plans} = learner();
		expect(plans.recordResult(undefined, fellBack)).toBeUndefined();
		expect(plans.recordResult(undefined, fellBack)).toBeUndefined();
		const change = plans.recordResult(undefined, fellBack);
		expect(change).toMatchObject({from: undefined, to: C300});
		expect(change?.reason).toMatch(/failed in 3 readouts in a row and mode C at 300 Bd worked.*every 1 h/);
		expect(plans.next()).toEqual(C300);
		expect(plans.recordResult(C300, {plan: C300, fellBack: false})).toBeUndefined();
	});

	it('counts a readout in which no plan worked (rate mismatch) as a failure of the announced plan', () => {
		const {plans} = learner({learnAfter: 2});
		expect(plans.recordFailure(undefined, mismatch)).toBeUndefined();
		expect(plans.recordFailure(undefined, {failure: 'no-answer'})).toBeUndefined();
		expect(plans.failuresInRow).toBe(1);
		expect(plans.recordResult(undefined, fellBack)).toMatchObject({to: C300});
	});

	it('learns nothing from blocks that came incomplete at the announced rate (an STX lost on the line)', () => {
		const {plans} = learner({learnAfter: 1});
		for (let readout = 0; readout < 3; readout++) {
			expect(plans.recordFailure(undefined, {failure: 'truncated'})).toBeUndefined();
		}
		expect(plans.failuresInRow).toBe(0);
		expect(plans.next()).toBeUndefined();
	});

	it('tries the announced plan again after retry_every, and returns to it as soon as it works', () => {
		const {plans, advance} = learner({learnAfter: 1});
		plans.recordResult(undefined, fellBack);
		advance(HOUR - 1);
		expect(plans.next()).toEqual(C300);
		advance(1);
		expect(plans.next()).toBeUndefined();
		const change = plans.recordResult(undefined, good);
		expect(change).toMatchObject({from: C300, to: undefined, reason: 'the announced plan works again'});
		expect(plans.next()).toBeUndefined();
	});

	it('keeps the lower plan another hour when the retry fell back again, without a second message', () => {
		const {plans, advance} = learner({learnAfter: 1});
		plans.recordResult(undefined, fellBack);
		advance(HOUR);
		expect(plans.next()).toBeUndefined();
		expect(plans.recordResult(undefined, fellBack)).toBeUndefined();
		advance(HOUR - 1);
		expect(plans.next()).toEqual(C300);
	});

	it('drops a kept plan that fails itself', () => {
		const {plans} = learner({learnAfter: 1});
		plans.recordResult(undefined, fellBack);
		expect(plans.recordFailure(C300, mismatch)).toMatchObject({from: C300, to: undefined});
		expect(plans.next()).toBeUndefined();
	});

	it('refuses a policy that learns from no failure', () => {
		expect(() => new PlanLearner({learnAfter: 0})).toThrow(
			/learnAfter must be a whole number >= 1, received 0/,
		);
		expect(() => new PlanLearner({retryEveryMs: -1})).toThrow(/retryEveryMs/);
	});
});
