import {describe, expect, it} from 'vitest';
import {BackfillTally} from '../../../src/backfill/backfill-tally.ts';
import {backfillSummaryTable} from '../../../src/cli/backfill-summary-table.ts';

describe('backfillSummaryTable', () => {
	it('gives sources, telegrams, refusals, periods, points written and skipped by reason, and time', () => {
		const tally = new BackfillTally();
		tally.sources.push('a.log', 'raw');
		tally.telegrams = 10;
		tally.readouts = 9;
		tally.refuse('bad-bcc', 2, 'a.log telegram 3: BCC mismatch');
		tally.period('house\u0000*\u00001');
		tally.pointsWritten = 180;
		tally.skip('before-since', 5);
		tally.skip('already-written', 7);
		tally.undatedValue({place: 'a.log telegram 1', address: '1-1:1.8.1*07', reason: 'history-without-date'});
		const text = backfillSummaryTable(tally, {elapsedMs: 2000, dryRun: false, target: 'influxdb http://x'});
		expect(text.split('\n').slice(0, 11)).toEqual([
			'sources                    2 (a.log, raw)',
			'telegrams                  10 good, 2 refused',
			'  refused: BCC/CRC wrong   2',
			'readouts                   9',
			'billing periods found      1',
			'points written             180 to influxdb http://x',
			'points skipped             12',
			'  history already written  7',
			'  before --since           5',
			'time taken                 2.0 s (5 telegrams/s, 90 points/s)',
			'',
		]);
		expect(text).toMatch(
			/not written, cannot be dated \(1\):\n {2}a\.log telegram 1: 1-1:1\.8\.1\*07: history without a date or reset time/,
		);
		expect(text).toMatch(/refused, e\.g\.: a\.log telegram 3: BCC mismatch/);
	});

	it('hints at the meter setting ignore_bcc after a BCC refusal, as parse hints at --ignore-bcc', () => {
		const tally = new BackfillTally();
		tally.refuse('bad-bcc', 1, 'old/input.bin: BCC mismatch');
		const text = backfillSummaryTable(tally, {elapsedMs: 1000, dryRun: false, target: 'stdout'});
		expect(text).toMatch(
			/\nrefused, e\.g\.: old\/input\.bin: BCC mismatch\nhint: a meter known to send a wrong BCC \(e\.g\. Itron ACE3000\) can be read with `ignore_bcc: true` on its meter in the configuration; /,
		);
		const truncated = new BackfillTally();
		truncated.refuse('truncated', 1, 'a.log: truncated');
		expect(backfillSummaryTable(truncated, {elapsedMs: 1000, dryRun: false, target: 'stdout'})).not.toContain(
			'hint:',
		);
	});

	it('gives the rate of a short run with two significant digits, not rounded down to 0', () => {
		const tally = new BackfillTally();
		tally.telegrams = 1;
		tally.pointsWritten = 80;
		const text = backfillSummaryTable(tally, {elapsedMs: 3200, dryRun: false, target: 'stdout'});
		expect(text).toMatch(/^time taken +3\.2 s \(0\.31 telegrams\/s, 25 points\/s\)$/m);
	});

	it('says a dry run wrote nothing', () => {
		const text = backfillSummaryTable(new BackfillTally(), {elapsedMs: 0, dryRun: true, target: 'stdout'});
		expect(text).toMatch(/^points to write +0 \(dry run: nothing written\)$/m);
	});

	it('tells points spooled from points the server stored, unsent and refused', () => {
		const tally = new BackfillTally();
		tally.pointsWritten = 16;
		const text = backfillSummaryTable(tally, {
			elapsedMs: 1000,
			dryRun: false,
			target: 'http://x (database nodb)',
			delivery: {
				stored: 3,
				carriedOver: 2,
				unsentPoints: 10,
				unsentBytes: 700,
				directory: '/s-backfill',
				refused: 5,
			},
		});
		expect(text).toMatch(/^points spooled +16 for http:\/\/x \(database nodb\)$/m);
		expect(text).toMatch(/^points left earlier +2 \(unsent by an earlier backfill, sent first\)$/m);
		expect(text).toMatch(/^points written +3 \(stored by the server\)$/m);
		expect(text).toMatch(/^points unsent +10 \(700 bytes wait in \/s-backfill\)$/m);
		expect(text).toMatch(/^points refused +5 \(bad data, set aside in \/s-backfill\/dead-letter\.lp\)$/m);
		const clean = backfillSummaryTable(tally, {
			elapsedMs: 1000,
			dryRun: false,
			target: 'http://x',
			delivery: {stored: 16, carriedOver: 0, unsentPoints: 0, unsentBytes: 0, directory: '/s', refused: 0},
		});
		expect(clean).toMatch(/^points written +16 \(stored by the server\)$/m);
		expect(clean).not.toMatch(/^points (unsent|refused)/m);
	});
});
