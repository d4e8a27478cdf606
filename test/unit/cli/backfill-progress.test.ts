import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {BackfillTally} from '../../../src/backfill/backfill-tally.ts';
import {createBackfillProgress} from '../../../src/cli/backfill-progress.ts';

function stream(isTTY: boolean) {
	const chunks: string[] = [];
	const out = Object.assign(new PassThrough(), {isTTY});
	out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
	return {out, text: () => chunks.join('')};
}

/** The plain progress line (no terminal, no size known) for a tally `afterMs` after the start. */
async function plainLine(tallied: {telegrams: number; points: number; afterMs: number}): Promise<string> {
	const {out, text} = stream(false);
	let now = 0;
	const progress = await createBackfillProgress({stream: out, totalBytes: 0, everyMs: 1000, now: () => now});
	const tally = new BackfillTally();
	tally.telegrams = tallied.telegrams;
	tally.pointsWritten = tallied.points;
	now = tallied.afterMs;
	progress.update(tally, 100);
	const line = text();
	progress.stop();
	return line;
}

describe('createBackfillProgress', async () => {
	it('writes a plain line at most every everyMs when not on a terminal', async () => {
		const {out, text} = stream(false);
		let now = 0;
		const progress = await createBackfillProgress({
			stream: out,
			totalBytes: 2_000_000,
			everyMs: 1000,
			now: () => now,
		});
		const tally = new BackfillTally();
		tally.telegrams = 50;
		tally.pointsWritten = 900;
		now = 500;
		progress.update(tally, 100);
		expect(text()).toBe('');
		now = 1000;
		progress.update(tally, 1_000_000);
		now = 1500;
		progress.update(tally, 1_500_000);
		expect(text()).toBe('backfill: 50 % (1.0 MB of 2.0 MB), 50 telegrams, 900 points, 50 telegrams/s\n');
		progress.note('waiting for the server');
		progress.note('waiting for the server');
		expect(text().split('\n').filter(Boolean)).toHaveLength(2);
		progress.stop();
	});

	it('counts one telegram and one point in the singular', async () => {
		expect(await plainLine({telegrams: 1, points: 1, afterMs: 1000})).toBe(
			'backfill: 1 telegram, 1 point, 1 telegrams/s\n',
		);
	});

	it('shows a slow rate with two significant digits, as the summary does, not rounded to 0', async () => {
		expect(await plainLine({telegrams: 5, points: 90, afterMs: 16_000})).toBe(
			'backfill: 5 telegrams, 90 points, 0.31 telegrams/s\n',
		);
	});

	it('draws a bar on a terminal', async () => {
		const {out, text} = stream(true);
		const progress = await createBackfillProgress({stream: out, totalBytes: 1000});
		progress.update(new BackfillTally(), 500);
		progress.stop();
		expect(text()).toMatch(/backfill \|.*\| 50% \| 0 telegrams \| 0 points \|/);
	});

	it('on a terminal, says what it waits for once the bar stopped (the end of a backfill)', async () => {
		const {out, text} = stream(true);
		let now = 0;
		const progress = await createBackfillProgress({
			stream: out,
			totalBytes: 1000,
			everyMs: 1000,
			now: () => now,
		});
		progress.note('waiting while the bar is drawn');
		progress.stop();
		expect(text()).not.toContain('waiting while the bar is drawn');
		progress.note('waiting for the server: connection refused');
		progress.note('waiting for the server: connection refused');
		now = 1000;
		progress.note('waiting for the server: connection refused');
		expect(text().match(/backfill: waiting for the server: connection refused\n/g)).toHaveLength(2);
	});
});
