import {describe, expect, it} from 'vitest';
import type {SkipReason} from '../../../src/readings/point-mapper.ts';
import {countSkipped, describeSkipCounts} from '../../../src/readings/skip-summary.ts';

describe('describeSkipCounts', () => {
	it('says in plain words what was not written, in the order first seen, and what to do', () => {
		const counts = new Map<SkipReason, number>();
		countSkipped(counts, [{reason: 'text-disabled'}, {reason: 'no-value'}, {reason: 'text-disabled'}]);
		countSkipped(counts, [{reason: 'text-disabled'}]);
		expect(describeSkipCounts(counts)).toBe(
			'3 text registers not written (select them to write them); 1 code without a value not written',
		);
	});

	it('never shows an internal reason name', () => {
		const reasons: SkipReason[] = [
			'no-address',
			'no-value',
			'no-date',
			'history-without-date',
			'history-disabled',
			'text-disabled',
			'not-selected',
			'empty-buffer',
			'duplicate',
		];
		const text = describeSkipCounts(new Map(reasons.map((reason) => [reason, 2])));
		for (const reason of reasons) expect(text).not.toContain(reason);
		expect(text.split('; ')).toHaveLength(reasons.length);
	});
});
