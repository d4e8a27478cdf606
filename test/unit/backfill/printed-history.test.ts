import {describe, expect, it} from 'vitest';
import {PrintedHistory} from '../../../src/backfill/printed-history.ts';

describe('PrintedHistory', () => {
	it('chooses each history line of a meter once, a changed value again, and keeps meters apart', () => {
		const printed = new PrintedHistory();
		const a = 'meter,billing=1,meter=house,obis=1.8.1 value=1 100';
		const b = 'meter,billing=1,meter=house,obis=1.8.1 value=2 200';
		expect(printed.select('house', [a, b])).toEqual([0, 1]);
		expect(printed.select('house', [a, b])).toEqual([]);
		const corrected = 'meter,billing=1,meter=house,obis=1.8.1 value=3 200';
		expect(printed.select('house', [a, corrected])).toEqual([1]);
		expect(printed.select('garage', [a])).toEqual([0]);
	});
});
