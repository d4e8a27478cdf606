import {describe, expect, it} from 'vitest';
import {describeNoResetDate, splitNoResetDate} from '../../../src/cli/no-reset-date.ts';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';

const {dataSets} = parseDataBlock(
	'1-1:0.1.2*09(2611010000)\r\n1-1:0.1.2*95(0000000000)\r\n1-1:1.8.0*95(00000000)\r\n1-1:1.8.0*50(00000001)\r\n!\r\n',
);

describe('splitNoResetDate', () => {
	it('tells history of a period with a placeholder reset stamp from history without any date', () => {
		const {rest, noResetDate} = splitNoResetDate(
			[
				{address: '1-1:1.8.0*95', reason: 'history-without-date'},
				{address: '1-1:1.8.0*50', reason: 'history-without-date'},
				{address: '1-1:0.2.0', reason: 'text-disabled'},
			],
			dataSets,
		);
		expect(noResetDate).toBe(1);
		expect(rest.map((entry) => entry.address)).toEqual(['1-1:1.8.0*50', '1-1:0.2.0']);
	});
});

describe('splitNoResetDate, a meter never reset', () => {
	it('counts the history of the period its counter names as having no reset date, when its unstarred reset date is a placeholder', () => {
		const never = parseDataBlock(
			'1-1:0.1.0(00)\r\n1-1:0.1.2(0000)\r\n1-1:0.1.3(000000)\r\n1-1:1.8.0*00(0000000.0*kWh)\r\n!\r\n',
		);
		const {rest, noResetDate} = splitNoResetDate(
			[{address: '1-1:1.8.0*00', reason: 'history-without-date'}],
			never.dataSets,
		);
		expect(noResetDate).toBe(1);
		expect(rest).toEqual([]);
	});
});

describe('describeNoResetDate', () => {
	it('names the values for what they are: no reset date, their period a placeholder', () => {
		expect(describeNoResetDate(0)).toBe('');
		expect(describeNoResetDate(30)).toBe(
			'30 billing history values with no reset date not written (the reset stamp of their billing period is a placeholder such as 0000000000: no data for that period)',
		);
	});
});
