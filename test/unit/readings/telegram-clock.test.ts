import {describe, expect, it} from 'vitest';
import {telegramClock} from '../../../src/readings/telegram-clock.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';

describe('telegramClock', () => {
	it('reads the DSMR clock 0-0:1.0.0 with its season suffix', () => {
		expect(telegramClock(dataSetsOf('0-0:1.0.0(161113205757W)'), 'Europe/Berlin')?.toISOString()).toBe(
			'2016-11-13T19:57:57.000Z',
		);
	});

	it('joins the ZMD120 time 0.9.1 and date 0.9.2', () => {
		expect(telegramClock(dataSetsOf('0.9.1(160353)', '0.9.2(160511)'), 'Europe/Berlin')?.toISOString()).toBe(
			'2016-05-11T14:03:53.000Z',
		);
	});

	it('joins the Elster AS2018 forms hh:mm:ss and YY-MM-DD', () => {
		expect(
			telegramClock(dataSetsOf('0.9.1(17:03:12)', '0.9.2(24-11-05)'), 'Europe/Berlin')?.toISOString(),
		).toBe('2024-11-05T16:03:12.000Z');
	});

	it('has no clock without both registers, or with a placeholder', () => {
		expect(telegramClock(dataSetsOf('0.9.1(160353)'), 'Europe/Berlin')).toBeUndefined();
		expect(telegramClock(dataSetsOf('0-0:1.0.0(000101000001W)'), 'Europe/Berlin')).toBeUndefined();
		expect(telegramClock(dataSetsOf('1.8.0(1*kWh)'), 'Europe/Berlin')).toBeUndefined();
	});
});
