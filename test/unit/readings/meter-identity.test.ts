import {describe, expect, it} from 'vitest';
import {parseIdentification} from '../../../src/iec62056/identification.ts';
import {meterIdentity} from '../../../src/readings/meter-identity.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';
import {fixtureTelegram} from '../../helpers/fixture-telegram.ts';

const fixture = fixtureTelegram;

describe('meterIdentity', () => {
	it('names the smarthomeNG dlms plugin example meter by the serial number it reports in 0.0.0', () => {
		const telegram = fixture('landisgyr-zmd120-c');
		expect(meterIdentity(telegram.dataSets, telegram.identification)).toBe('50871031');
	});

	it('reads 0.0.0 sent with a channel and *255', () => {
		expect(meterIdentity(dataSetsOf('1-0:0.0.0*255(63355730)'))).toBe('63355730');
	});

	it('prefers 0.0.0 to C.1.0 and 0.0.1', () => {
		expect(meterIdentity(dataSetsOf('0.0.1(33333333)', 'C.1.0(22222222)', '0.0.0(11111111)'))).toBe(
			'11111111',
		);
	});

	it('falls back to the serial number in C.1.0', () => {
		expect(meterIdentity(dataSetsOf('0-0:C.1.0*255(63355730)', '1.8.0(1*kWh)'))).toBe('63355730');
	});

	it('falls back to the serial number in C.1', () => {
		expect(meterIdentity(dataSetsOf('C.1(63355730)'))).toBe('63355730');
	});

	it('falls back to 0.0.1', () => {
		expect(meterIdentity(dataSetsOf('0.0.1(1ISK0063355730)'))).toBe('1ISK0063355730');
	});

	it('passes over an all-zero 0.0.0 to the next serial register', () => {
		expect(meterIdentity(dataSetsOf('0.0.0(00000000)', 'C.1.0(63355730)'))).toBe('63355730');
	});

	it('passes over a placeholder of Xs', () => {
		expect(meterIdentity(dataSetsOf('0.0.0(XXXXXXXX)', '0.0.1(63355730)'))).toBe('63355730');
	});

	it('passes over an empty serial', () => {
		expect(meterIdentity(dataSetsOf('0.0.0()', '0.0.1(63355730)'))).toBe('63355730');
	});

	it('falls back to manufacturer and identification when no serial is sent', () => {
		const identification = parseIdentification('/LGZ52ZMD120APt.G03');
		expect(meterIdentity(dataSetsOf('1.8.0(1*kWh)'), identification)).toBe('LGZ-2ZMD120APt.G03');
	});

	it('names a DSMR meter by its equipment identifier 0-0:96.1.1, not by its model', () => {
		const telegram = fixture('dsmr-kaifa-p1');
		expect(meterIdentity(telegram.dataSets, telegram.identification)).toBe(
			'3960221976967177082151037881335713',
		);
	});

	it('decodes a hex-encoded DSMR identifier to its text', () => {
		const identification = parseIdentification('/ISk5\\2MT382-1000');
		expect(
			meterIdentity(
				dataSetsOf('0-0:96.1.1(4B384B3430303136313830303430353137)', '1-0:1.8.1(1*kWh)'),
				identification,
			),
		).toBe('K8K40016180040517');
	});

	it('reads the Belgian equipment identifier 0-0:96.1.0 and never the gas meter 0-1:96.1.0', () => {
		expect(
			meterIdentity(
				dataSetsOf('0-1:96.1.0(37464C4F32313139303137393631)', '0-0:96.1.0(3153414733313031303231363035)'),
			),
		).toBe('1SAG3101021605');
		expect(meterIdentity(dataSetsOf('0-1:96.1.0(37464C4F32313139303137393631)'))).toBeUndefined();
	});

	it('reads the short id 0.0 of a capture without an identification line', () => {
		expect(meterIdentity(dataSetsOf('0.0(66000001)', '1.8.0(1*kWh)'))).toBe('66000001');
	});

	it('drops the trailing space some identifications carry', () => {
		const identification = parseIdentification('/ELS5\\@V9.30 ');
		expect(meterIdentity([], identification)).toBe('ELS-V9.30');
	});

	it('has no name for a meter that reports nothing about itself', () => {
		expect(meterIdentity(dataSetsOf('1.8.0(1*kWh)'))).toBeUndefined();
	});
});
