import {describe, expect, it} from 'vitest';
import {encodeDataBlock} from '../../../src/iec62056/telegram-encoder.ts';
import {dataLine} from '../../../src/simulator/data-line.ts';

describe('dataLine', () => {
	it('builds one data set with plain and unit values', () => {
		expect(
			encodeDataBlock([dataLine('1-1:1.6.1', ['24.31', 'kW'], '1605041345'), dataLine('F.F', '00')]),
		).toBe('1-1:1.6.1(24.31*kW)(1605041345)\r\nF.F(00)\r\n!\r\n');
	});
});
