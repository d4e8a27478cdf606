import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import {blockShapeEvidence, repetitionEvidence} from '../../../src/readout/block-check-evidence.ts';

const block = '0.0.0(50871031)\r\n1-1:1.8.0(00023012*kWh)\r\n1-1:2.8.0(00000000*kWh)\r\n!\r\n';

describe('repetitionEvidence', () => {
	it("takes a block repeated byte for byte after the NAK for the meter's own BCC", () => {
		const bytes = Buffer.from(`\x02${block}\x03Z`, 'latin1');
		expect(repetitionEvidence(bytes, Buffer.from(bytes)).kind).toBe('meter');
	});

	it('takes a block that changed between the tries for line noise', () => {
		const first = Buffer.from(`\x02${block}\x03Z`, 'latin1');
		const second = Buffer.from(`\x02${block.replace('23012', '2KQ3012')}\x03Y`, 'latin1');
		expect(repetitionEvidence(first, second)).toEqual({
			kind: 'noise',
			why: 'the block changed between the two tries',
		});
	});
});

describe('blockShapeEvidence', () => {
	it('takes a block of well-formed data sets for a meter that computes its BCC differently', () => {
		expect(blockShapeEvidence(parseDataBlock(block)).kind).toBe('meter');
	});

	it('takes an address noise turned into text no meter sends for line noise', () => {
		const noisy = block.replace('1-1:1.8.0', '1-1KUHFEAOL:1.8.0');
		expect(blockShapeEvidence(parseDataBlock(noisy))).toEqual({
			kind: 'noise',
			why: '"1-1KUHFEAOL:1.8.0" at line 2 is no OBIS code',
		});
	});

	it('takes a malformed line amid the data sets for line noise', () => {
		const noisy = block.replace('1-1:1.8.0(00023012*kWh)', '1-1:1.8.0 00023012*kWh)');
		expect(blockShapeEvidence(parseDataBlock(noisy)).kind).toBe('noise');
	});

	it('leaves out text after the last data set before "!", which the Itron ACE3000 sends every time', () => {
		const ace = '0.0.0(50871031)\r\n1.8.0(013925.5*)Y\x02\x02\x01\x00!\r\n';
		const parsed = parseDataBlock(ace);
		expect(parsed.malformed).toHaveLength(1);
		expect(blockShapeEvidence(parsed).kind).toBe('meter');
	});
});
