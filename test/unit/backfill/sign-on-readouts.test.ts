import {describe, expect, it} from 'vitest';
import {signOnReadouts} from '../../../src/backfill/sign-on-readouts.ts';
import type {RawTelegram, SignOnPart} from '../../../src/output/raw-archive.ts';

const record = (meterId: string, second: number, signOn?: SignOnPart): RawTelegram => ({
	meterId,
	readAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)),
	bytes: Buffer.from(`${meterId}@${second}`),
	...(signOn === undefined ? {} : {signOn}),
});

async function group(records: RawTelegram[]) {
	async function* source() {
		yield* records;
	}
	const readouts: string[][] = [];
	for await (const readout of signOnReadouts(source())) {
		readouts.push(readout.telegrams.map((telegram) => telegram.bytes.toString()));
	}
	return readouts;
}

describe('signOnReadouts', () => {
	it('takes each record without a part as a readout of its own', async () => {
		expect(await group([record('a', 1), record('a', 2)])).toEqual([['a@1'], ['a@2']]);
	});

	it("combines the parts of one readout, with another meter's records between them", async () => {
		const readouts = await group([
			record('siemens', 1, {part: 1, parts: 2}),
			record('house', 2),
			record('siemens', 4, {part: 2, parts: 2}),
		]);
		expect(readouts).toEqual([['house@2'], ['siemens@1', 'siemens@4']]);
	});

	it("ends a readout whose later sign-on failed when the meter's next readout starts", async () => {
		const readouts = await group([
			record('siemens', 1, {part: 1, parts: 2}),
			record('siemens', 60, {part: 1, parts: 2}),
			record('siemens', 62, {part: 2, parts: 2}),
		]);
		expect(readouts).toEqual([['siemens@1'], ['siemens@60', 'siemens@62']]);
	});

	it('gives what is still open at the end', async () => {
		expect(
			await group([record('siemens', 1, {part: 1, parts: 3}), record('siemens', 2, {part: 2, parts: 3})]),
		).toEqual([['siemens@1', 'siemens@2']]);
	});
});
