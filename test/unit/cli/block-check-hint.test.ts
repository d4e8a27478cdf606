import {describe, expect, it} from 'vitest';
import {blockCheckHint} from '../../../src/cli/block-check-hint.ts';

describe('blockCheckHint', () => {
	it('offers --ignore-bcc for a wrong BCC, a known meter fault', () => {
		expect(blockCheckHint(new Set(['bcc']))).toBe(
			'a meter known to send a wrong BCC (e.g. Itron ACE3000) can be read with --ignore-bcc',
		);
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
