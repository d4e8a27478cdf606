import {describe, expect, it} from 'vitest';
import {type ArchivedReadout, SignOnGrouping} from '../../../src/backfill/sign-on-readouts.ts';
import type {RawTelegram, SignOnPart} from '../../../src/output/raw-archive.ts';

const record = (meterId: string, second: number, signOn?: SignOnPart): RawTelegram => ({
	meterId,
	readAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)),
	bytes: Buffer.from(`${meterId}@${second}`),
	...(signOn === undefined ? {} : {signOn}),
});

/** The readouts of `records` as SignOnGrouping gives them, each as its telegrams' bytes. */
function group(records: RawTelegram[]): string[][] {
	const grouping = new SignOnGrouping();
	const readouts: ArchivedReadout[] = [];
	for (const each of records) {
		for (let readout = grouping.add(each); readout !== undefined; readout = grouping.next())
			readouts.push(readout);
	}
	for (let readout = grouping.end(); readout !== undefined; readout = grouping.end()) readouts.push(readout);
	return readouts.map((readout) => readout.telegrams.map((telegram) => telegram.bytes.toString()));
}

describe('SignOnGrouping', () => {
	it('takes each record without a part as a readout of its own', () => {
		expect(group([record('a', 1), record('a', 2)])).toEqual([['a@1'], ['a@2']]);
	});

	it("combines the parts of one readout, with another meter's records between them", () => {
		const readouts = group([
			record('siemens', 1, {part: 1, parts: 2}),
			record('house', 2),
			record('siemens', 4, {part: 2, parts: 2}),
		]);
		expect(readouts).toEqual([['house@2'], ['siemens@1', 'siemens@4']]);
	});

	it("ends a readout whose later sign-on failed when the meter's next readout starts", () => {
		const readouts = group([
			record('siemens', 1, {part: 1, parts: 2}),
			record('siemens', 60, {part: 1, parts: 2}),
			record('siemens', 62, {part: 2, parts: 2}),
		]);
		expect(readouts).toEqual([['siemens@1'], ['siemens@60', 'siemens@62']]);
	});

	it("gives both readouts one record completes: the meter's open one, then the record alone", () => {
		const readouts = group([record('siemens', 1, {part: 1, parts: 2}), record('siemens', 60)]);
		expect(readouts).toEqual([['siemens@1'], ['siemens@60']]);
	});

	it('gives what is still open at the end', () => {
		expect(
			group([record('siemens', 1, {part: 1, parts: 3}), record('siemens', 2, {part: 2, parts: 3})]),
		).toEqual([['siemens@1', 'siemens@2']]);
	});
});
