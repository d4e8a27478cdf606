import {describe, expect, it} from 'vitest';
import {blockCheckAlgorithmIn, blockCheckHint} from '../../../src/cli/block-check-hint.ts';

describe('blockCheckHint', () => {
	it('offers --ignore-bcc for a wrong BCC, a known meter fault, and names line noise beside it', () => {
		expect(blockCheckHint(new Set(['bcc']))).toBe(
			'a meter known to send a wrong BCC (e.g. Itron ACE3000) can be read with --ignore-bcc; a block that fails differently each time is line noise instead (check the IR head and its cable)',
		);
	});

	it('offers --ignore-bcc where the evidence says the meter sent that BCC', () => {
		const hint = blockCheckHint(new Set(['bcc']), {kind: 'meter', why: 'the meter repeated the block'});
		expect(hint).toBe(
			'the meter repeated the block: this meter computes its BCC differently (a known fault, e.g. Itron ACE3000); read it with --ignore-bcc',
		);
	});

	it('points at the IR head, not --ignore-bcc, where the evidence says the line damaged the block', () => {
		const hint =
			blockCheckHint(new Set(['bcc']), {kind: 'noise', why: 'the block changed between the two tries'}) ?? '';
		expect(hint).toContain('the block changed between the two tries');
		expect(hint).toContain("IR head's placement");
		expect(hint).toContain('lower --baud-max');
		expect(hint).not.toContain('--ignore-bcc');
	});

	it('points at the line, not the meter, for a DSMR CRC16 mismatch', () => {
		const hint = blockCheckHint(new Set(['crc16'])) ?? '';
		expect(hint).toMatch(
			/^a CRC16 mismatch in a DSMR P1 telegram means bytes were lost or changed on the way/,
		);
		expect(hint).not.toContain('ACE3000');
	});

	it('says both where both failed, and nothing where none did', () => {
		expect(blockCheckHint(new Set(['bcc', 'crc16']))).toMatch(/ACE3000.*; a CRC16 mismatch/);
		expect(blockCheckHint(new Set())).toBeUndefined();
	});
});

describe('blockCheckAlgorithmIn', () => {
	it('reads the algorithm from the mismatch, not from the place before it', () => {
		expect(
			blockCheckAlgorithmIn('/dev/ttyUSB0: data: CRC16 mismatch: computed 0x1234, received 0x4321'),
		).toBe('crc16');
		expect(
			blockCheckAlgorithmIn('captures/CRC-check/input.bin: BCC mismatch: computed 0x12, received 0x21'),
		).toBe('bcc');
	});
});
