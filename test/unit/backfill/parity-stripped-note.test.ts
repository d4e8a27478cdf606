import {describe, expect, it} from 'vitest';
import {parityStrippedNote} from '../../../src/backfill/parity-stripped-note.ts';

describe('parityStrippedNote', () => {
	it('counts the bytes that had bit 7 set and names the repair', () => {
		expect(parityStrippedNote(1)).toBe(
			'1 byte had bit 7 set (7E1 data captured as 8N1); parity bits stripped',
		);
		expect(parityStrippedNote(412)).toMatch(/^412 bytes had bit 7 set/);
	});
});
