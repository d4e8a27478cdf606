import {describe, expect, it} from 'vitest';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import {periodOfAddress, placeholderPeriods} from '../../../src/readings/placeholder-periods.ts';

describe('placeholderPeriods', () => {
	it('names the periods whose reset stamp is a placeholder and that have no real one', () => {
		const {dataSets} = parseDataBlock(
			'1-1:0.1.2*09(2611010000)\r\n1-1:0.1.2*95(0000000000)\r\n1-1:0.1.2&02(0000000000)\r\n' +
				'1-1:0.1.3*94(000000)\r\n1-1:0.1.2*94(2001010000)\r\n1-1:0.1.2(2611300000)\r\n!\r\n',
		);
		// *94's zero date comes with a real reset time: that period holds data.
		expect([...placeholderPeriods(dataSets)].sort()).toEqual(['&02', '*95']);
	});

	it('counts a zero date with a time of day of zeros as a placeholder: the time alone dates nothing', () => {
		const {dataSets} = parseDataBlock('1-1:0.1.3*07(000000)\r\n1-1:0.1.2*07(0000)\r\n!\r\n');
		expect([...placeholderPeriods(dataSets)]).toEqual(['*07']);
	});

	it("takes the current counter's period for one when the unstarred reset date is a placeholder (a meter never reset)", () => {
		const {dataSets} = parseDataBlock(
			'1-1:0.1.0(05)\r\n1-1:0.1.2(0000)\r\n1-1:0.1.3(000000)\r\n1-1:1.8.0*05(0000000.0*kWh)\r\n!\r\n',
		);
		expect([...placeholderPeriods(dataSets)].sort()).toEqual(['*005', '*05', '*5']);
	});

	it("leaves the counter's period alone when the unstarred reset date is real, or the period has a stamp of its own", () => {
		const dated = parseDataBlock('1-1:0.1.0(05)\r\n1-1:0.1.3(261101)\r\n!\r\n');
		expect(placeholderPeriods(dated.dataSets).size).toBe(0);
		const own = parseDataBlock('1-1:0.1.0(05)\r\n1-1:0.1.3(000000)\r\n1-1:0.1.2*05(2611010000)\r\n!\r\n');
		expect(placeholderPeriods(own.dataSets).size).toBe(0);
	});

	it('finds none where every reset stamp is a time', () => {
		const {dataSets} = parseDataBlock('1-1:0.1.2*09(2611010000)\r\n1-1:1.8.0*09(00000001)\r\n!\r\n');
		expect(placeholderPeriods(dataSets).size).toBe(0);
	});
});

describe('periodOfAddress', () => {
	it('reads the period of an address as written', () => {
		expect(periodOfAddress('1-1:1.8.0*99')).toBe('*99');
		expect(periodOfAddress('1-1:1.6.2&02')).toBe('&02');
		expect(periodOfAddress('1-1:1.8.0*255')).toBeUndefined();
		expect(periodOfAddress('1-1:1.8.0')).toBeUndefined();
	});
});
