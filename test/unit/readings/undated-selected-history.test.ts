import {describe, expect, it} from 'vitest';
import {ObisSelection} from '../../../src/readings/obis-selection.ts';
import {mapReading} from '../../../src/readings/point-mapper.ts';
import {
	describeUndatedSelectedHistory,
	undatedSelectedHistory,
	withoutNamed,
} from '../../../src/readings/undated-selected-history.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';

const readAt = new Date('2016-05-11T14:03:53Z');

function undated(codes: string[], lines: string[]) {
	const selection = new ObisSelection(codes.map((code) => ({code})));
	const dataSets = dataSetsOf(...lines);
	const {skipped} = mapReading({readAt, dataSets}, {selection, meterId: 'm'});
	return {found: undatedSelectedHistory(selection, skipped, dataSets), skipped};
}

describe('undatedSelectedHistory', () => {
	it('names history the selection names exactly that has no reset time', () => {
		const {found} = undated(
			['1.8.2*08'],
			['0.0.0(12345678)', '1-1:3.8.2*08(00000372)', '1-1:1.8.2*08(00000100)'],
		);
		expect(found).toEqual([{code: '1.8.2*08', address: '1-1:1.8.2*08', period: '*08'}]);
	});

	it('leaves out history selected only through a glob', () => {
		expect(undated(['1.8.2**', '*.8.2*08'], ['0.0.0(1)', '1-1:1.8.2*08(00000100)']).found).toEqual([]);
	});

	it('leaves out history dated by its period reset time', () => {
		const {found, skipped} = undated(
			['1.8.2*08'],
			['0.0.0(1)', '0.1.2*08(1604010000)', '1-1:1.8.2*08(00000100)'],
		);
		expect(found).toEqual([]);
		expect(skipped.filter((entry) => entry.reason === 'history-without-date')).toEqual([]);
	});

	it('leaves out a period whose reset stamp is a placeholder (a period without data)', () => {
		expect(undated(['1.8.2*08'], ['0.0.0(1)', '0.1.2*08(0000000000)', '1-1:1.8.2*08(0)']).found).toEqual([]);
	});

	it('removes the named skips from those left to count', () => {
		const {found, skipped} = undated(
			['1.8.2*08', '1.8.2*09'],
			['0.0.0(1)', '1-1:1.8.2*08(1)', '1-1:1.8.2*09(2)'],
		);
		expect(found.map((entry) => entry.code)).toEqual(['1.8.2*08', '1.8.2*09']);
		expect(withoutNamed(skipped, found)).toEqual([{address: '0.0.0', reason: 'not-selected'}]);
	});
});

describe('describeUndatedSelectedHistory', () => {
	it('names the code, the rule and the reset codes that would date it', () => {
		const text = describeUndatedSelectedHistory([{code: '3.8.2*08', address: '1-1:3.8.2*08', period: '*08'}]);
		expect(text).toMatch(/^selected 3\.8\.2\*08 is billing history without a date, not written/);
		expect(text).toContain('never at the readout time');
		expect(text).toContain('0.1.2*08');
		expect(text).toContain('0.1.0(08)');
	});

	it('names the reset codes of the second scheme for &NN history', () => {
		const text = describeUndatedSelectedHistory([{code: '1.8.0&02', address: '1.8.0&02', period: '&02'}]);
		expect(text).toContain('0.1.2&02 or 0.1.3&02');
		expect(text).not.toContain('0.1.0');
	});
});
