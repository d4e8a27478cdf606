import {appendFile, mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {LineSpool, type SpoolBatch} from '../../../src/output/line-spool.ts';

/** What a test run does to the spool; `reopen` is close + LineSpool.open, `tear` also leaves half a line behind. */
type Operation =
	| {readonly kind: 'append'; readonly count: number}
	| {readonly kind: 'peek'; readonly maxLines: number}
	| {readonly kind: 'ack'}
	| {readonly kind: 'reopen'}
	| {readonly kind: 'tear'; readonly bytes: number};

const operation: fc.Arbitrary<Operation> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({kind: fc.constant('append' as const), count: fc.integer({min: 1, max: 8})}),
	},
	{
		weight: 3,
		arbitrary: fc.record({kind: fc.constant('peek' as const), maxLines: fc.integer({min: 1, max: 12})}),
	},
	{weight: 3, arbitrary: fc.record({kind: fc.constant('ack' as const)})},
	{weight: 1, arbitrary: fc.record({kind: fc.constant('reopen' as const)})},
	{
		weight: 1,
		arbitrary: fc.record({kind: fc.constant('tear' as const), bytes: fc.integer({min: 1, max: 30})}),
	},
);

/** Unique, ordered, about 110 bytes each: the spool compacts (at 1024 bytes sent) every ten or so lines acked. */
const lineNumber = (index: number) =>
	`meter,meter=${'0'.repeat(64)},obis=1.8.1 value=${index} ${1_700_000_000 + index}`;

/**
 * Runs the operations against a real spool and a model: `appended` holds every line whose append
 * resolved, `acknowledged` how many of them the spool was told are stored. Every peek must return the
 * oldest unacknowledged lines, in order, and nothing else: no resolved line lost, no line out of order,
 * no acknowledged line again. (A line peeked but not acknowledged comes again after a reopen: allowed.)
 */
async function check(operations: readonly Operation[]): Promise<void> {
	const directory = await mkdtemp(join(tmpdir(), 'dlms-spool-property-'));
	const open = () => LineSpool.open({directory, compactAfterBytes: 1024, onWarning: () => undefined});
	let spool = await open();
	const appended: string[] = [];
	let acknowledged = 0;
	// The last peek since the last ack: acknowledging it is what a sender does after a 2xx.
	let lastPeek: {readonly batch: SpoolBatch; readonly from: number} | undefined;
	const expectHead = (batch: SpoolBatch, maxLines: number) => {
		const unsent = appended.slice(acknowledged);
		expect(batch.lines).toEqual(unsent.slice(0, maxLines));
	};
	try {
		for (const step of operations) {
			switch (step.kind) {
				case 'append': {
					const lines = Array.from({length: step.count}, (_, index) => lineNumber(appended.length + index));
					await spool.append(lines);
					appended.push(...lines);
					break;
				}
				case 'peek': {
					const batch = await spool.peek(step.maxLines);
					expectHead(batch, step.maxLines);
					lastPeek = {batch, from: acknowledged};
					expect(spool.pendingLines).toBe(appended.length - acknowledged);
					break;
				}
				case 'ack': {
					if (lastPeek === undefined) break;
					await spool.ack(lastPeek.batch.end);
					acknowledged = lastPeek.from + lastPeek.batch.lines.length;
					// An ack may compact into a new generation, where older offsets mean nothing.
					lastPeek = undefined;
					break;
				}
				case 'reopen': {
					await spool.close();
					spool = await open();
					break;
				}
				case 'tear': {
					// A process killed inside append(): part of a line, no newline, and the append never resolved.
					await spool.close();
					const [data] = (await readdir(directory)).filter((name) => /^spool-\d+\.lp$/.test(name));
					await appendFile(
						join(directory, data as string),
						'meter,obis=1.8.1 value=999999 17'.slice(0, step.bytes),
					);
					spool = await open();
					break;
				}
			}
		}
		const everything = await spool.peek(Number.MAX_SAFE_INTEGER);
		expectHead(everything, Number.MAX_SAFE_INTEGER);
		expect(spool.pendingBytes).toBe(
			appended.slice(acknowledged).reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0),
		);
		expect(spool.pendingLines).toBe(appended.length - acknowledged);
	} finally {
		await spool.close();
		await rm(directory, {recursive: true, force: true});
	}
}

describe('LineSpool under random operations', () => {
	it('gives back exactly the unacknowledged lines, in order, through appends, acks, reopens and torn tails', async () => {
		await fc.assert(fc.asyncProperty(fc.array(operation, {minLength: 1, maxLength: 80}), check), {
			numRuns: 200,
		});
	});
});
