import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import type {DataSet} from '../../../src/iec62056/data-set.ts';
import {ObisSelection, SelectionSyntaxError} from '../../../src/readings/obis-selection.ts';

function set(address: string): DataSet {
	const [first] = parseDataBlock(`${address}(1)(2)\r\n!`).dataSets;
	if (!first) throw new Error(address);
	return first;
}

const selects = (code: string, address: string) => new ObisSelection([{code}]).match(set(address)).length > 0;

describe('ObisSelection', () => {
	it('matches an exact C.D.E code with or without the channel the meter sends', () => {
		expect(selects('1.8.1', '1-1:1.8.1')).toBe(true);
		expect(selects('1.8.1', '1.8.1')).toBe(true);
		expect(selects('1.8.1', '1.8.2')).toBe(false);
	});

	it('matches a full code only on its channel', () => {
		expect(selects('1-1:1.8.1', '1-1:1.8.1')).toBe(true);
		expect(selects('1-1:1.8.1', '1-0:1.8.1')).toBe(false);
		expect(selects('1-1:1.8.1', '1.8.1')).toBe(false);
	});

	it('takes *255 as the current value', () => {
		expect(selects('1.8.0', '1-0:1.8.0*255')).toBe(true);
	});

	it('matches current values only when no billing period is named', () => {
		expect(selects('1.6.2', '1-1:1.6.2*01')).toBe(false);
		expect(selects('1.6.2', '1-1:1.6.2&01')).toBe(false);
	});

	it('matches a billing period written with or without leading zeros', () => {
		expect(selects('1.6.2*01', '1-1:1.6.2*01')).toBe(true);
		expect(selects('1.6.2*1', '1-1:1.6.2*01')).toBe(true);
		expect(selects('1.6.2*01', '1-1:1.6.2*02')).toBe(false);
	});

	it('never matches &NN with *NN', () => {
		expect(selects('1.6.2*01', '1-1:1.6.2&01')).toBe(false);
		expect(selects('1.6.2&01', '1-1:1.6.2&01')).toBe(true);
	});

	it('selects the second value with ~1, as the smarthomeNG dlms plugin does for dates', () => {
		expect(new ObisSelection([{code: '1.6.2*01~1'}]).match(set('1-1:1.6.2*01'))).toEqual([{valueIndex: 1}]);
	});

	it('expands globs over a whole group and over every period', () => {
		expect(selects('1.8.*', '1-1:1.8.2')).toBe(true);
		expect(selects('1.8.*', '1-1:2.8.2')).toBe(false);
		expect(selects('*.8.0', '2.8.0')).toBe(true);
		expect(selects('1.6.2**', '1.6.2*14')).toBe(true);
		expect(selects('1.6.2**', '1.6.2')).toBe(false);
		expect(selects('1.6.2&*', '1.6.2*14')).toBe(false);
	});

	it('matches short codes and letter codes as written', () => {
		expect(selects('1.8', '1.8')).toBe(true);
		expect(selects('1.8', '1.8.0')).toBe(false);
		expect(selects('F.F', '1-1:F.F')).toBe(true);
		expect(selects('C.3.1', '1-1:C.3.1')).toBe(true);
		expect(selects('96.3.1', '1-1:C.3.1')).toBe(true);
	});

	it('returns one match per entry, with the friendly name', () => {
		const selection = new ObisSelection([
			{code: '1.6.2', name: 'peak'},
			{code: '1.6.2~1', name: 'peak_date'},
		]);
		expect(selection.match(set('1-1:1.6.2'))).toEqual([
			{valueIndex: 0, name: 'peak'},
			{valueIndex: 1, name: 'peak_date'},
		]);
	});

	it('never selects a non-OBIS address', () => {
		expect(new ObisSelection([{code: '*.*.*'}]).match(set('1-1:30D'))).toEqual([]);
	});

	it('refuses what is not a code pattern, naming it', () => {
		expect(() => new ObisSelection([{code: '1.8.1x'}])).toThrow(SelectionSyntaxError);
		expect(() => new ObisSelection([{code: '1.8.1x'}])).toThrow('selection "1.8.1x"');
		expect(() => new ObisSelection([{code: '1.8.300'}])).toThrow(/above 255/);
		expect(() => new ObisSelection([{code: '1'}])).toThrow(SelectionSyntaxError);
	});
});

describe('ObisSelection.unmatched', () => {
	it('lists the entries, as written, that match none of the data sets', () => {
		const selection = new ObisSelection([
			{code: '1.8.1'},
			{code: '9.9.9'},
			{code: '1.6.2*01'},
			{code: '2.8.*'},
		]);
		expect(selection.unmatched([set('1-1:1.8.1'), set('1-1:1.6.2*01')])).toEqual(['9.9.9', '2.8.*']);
		expect(selection.unmatched([])).toEqual(['1.8.1', '9.9.9', '1.6.2*01', '2.8.*']);
	});
});

describe('ObisSelection, overlapping entries', () => {
	it('asks once for a value two entries select', () => {
		const selection = new ObisSelection([{code: '1.6.2*01'}, {code: '1.6.2**'}, {code: '1.6.2*01~1'}]);
		expect(selection.match(set('1-1:1.6.2*01'))).toEqual([{valueIndex: 0}, {valueIndex: 1}]);
	});
});

describe('ObisSelection.shortOfValues', () => {
	it('lists entries asking for a value their data sets do not have, with the values there are', () => {
		const selection = new ObisSelection([{code: '1.6.2*03~2'}, {code: '1.6.2*03~1'}, {code: '9.9.9~3'}]);
		// set() gives every data set two values: ~0 and ~1.
		expect(selection.shortOfValues([set('1-1:1.6.2*03')])).toEqual([{code: '1.6.2*03~2', values: 2}]);
	});
});
