import {describe, expect, it} from 'vitest';
import {BackfillTally, UNDATED_LISTED} from '../../../src/backfill/backfill-tally.ts';

describe('BackfillTally', () => {
	it('counts refusals and skips by reason and keeps the first refusal of each reason', () => {
		const tally = new BackfillTally();
		tally.refuse('bad-bcc', 1, 'a: BCC wrong');
		tally.refuse('bad-bcc', 2, 'b: BCC wrong');
		tally.refuse('no-time', 1, 'c: no time');
		tally.skip('before-since', 3);
		tally.skip('already-written', 0);
		expect(tally.refusedTotal).toBe(4);
		expect(tally.refusedExamples.get('bad-bcc')).toBe('a: BCC wrong');
		expect(tally.skippedTotal).toBe(3);
		expect([...tally.skipped.keys()]).toEqual(['before-since']);
	});

	it('counts a source without any telegram once, as a refused source, not among the telegrams', () => {
		const tally = new BackfillTally();
		tally.refuse('no-telegram', 0, 'empty.bin: no telegram found');
		tally.refuse('bad-bcc', 1, 'b: BCC wrong');
		expect(tally.refusedTotal).toBe(1);
		expect([...tally.refused]).toEqual([['bad-bcc', 1]]);
		expect(tally.refusedSourcesTotal).toBe(1);
		expect(tally.refusedExamples.get('no-telegram')).toBe('empty.bin: no telegram found');
	});

	it('counts each billing period once, and lists only the first undated values', () => {
		const tally = new BackfillTally();
		tally.period('m\u0000*\u00001');
		tally.period('m\u0000*\u00001');
		tally.period('m\u0000&\u00001');
		expect(tally.billingPeriods).toBe(2);
		for (let index = 0; index < UNDATED_LISTED + 5; index++) {
			tally.undatedValue({place: 'x', address: `1.8.1*${index}`, reason: 'history-without-date'});
		}
		expect(tally.undated).toHaveLength(UNDATED_LISTED);
		expect(tally.undatedCount).toBe(UNDATED_LISTED + 5);
	});
});
