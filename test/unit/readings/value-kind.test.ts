import {describe, expect, it} from 'vitest';
import {parseObisCode} from '../../../src/iec62056/obis-code.ts';
import {isTextRegister} from '../../../src/readings/value-kind.ts';

function kindOf(address: string): boolean {
	const code = parseObisCode(address);
	if (code === undefined) throw new Error(`${address} is not an OBIS code`);
	return isTextRegister(code);
}

describe('isTextRegister', () => {
	it.each(['0.0.0', '0.0.1', '1-1:0.0.0', '0.0'])('classes the id register %s as text', (address) => {
		expect(kindOf(address)).toBe(true);
	});

	it.each(['F.F', 'F.F.0', '97.97.0'])('classes the error register %s as text', (address) => {
		expect(kindOf(address)).toBe(true);
	});

	it.each(['C.1.0', 'C.1', '96.1.0', '96.1.1'])(
		'classes the serial number register %s as text',
		(address) => {
			expect(kindOf(address)).toBe(true);
		},
	);

	it.each(['0-0:96.13.0', '0-0:96.13.1'])('classes the DSMR message %s as text', (address) => {
		expect(isTextRegister(parseObisCode(address))).toBe(true);
	});

	it('leaves the Itron EM214 C.13.21 (no DSMR channel) a quantity', () => {
		expect(isTextRegister(parseObisCode('C.13.21'))).toBe(false);
	});

	// L+G UH50 heat meter: `9.20(66153690)` device number, `9.21(00010213)` ownership number
	// (vpathuis/ultraheat-api reads both as strings; smartmeter-obis's UH50 capture keeps the leading zeros).
	it.each(['9.20', '9.21'])('classes the heat meter identifier %s as text', (address) => {
		expect(kindOf(address)).toBe(true);
	});

	it('leaves a 9.21 value with a unit a quantity', () => {
		expect(isTextRegister(parseObisCode('9.21'), 'GJ')).toBe(false);
	});

	it.each(['1-0:9.21.0', '9.21.0', '9.7', '9.31'])(
		'leaves %s, no two-group heat meter identifier, a number',
		(address) => {
			expect(kindOf(address)).toBe(false);
		},
	);

	it.each(['C.5.0', '96.5.5', '0-0:96.5.0'])('classes the status word %s as text', (address) => {
		expect(kindOf(address)).toBe(true);
	});

	it.each(['0.2.0', '0.2.1', '0.2.8'])('classes the program version or checksum %s as text', (address) => {
		expect(kindOf(address)).toBe(true);
	});

	it.each(['0.9.1', '0.9.2'])('classes the meter clock register %s as text', (address) => {
		expect(kindOf(address)).toBe(true);
	});

	it.each(['0.1.2', '0.1.3', '0.1.2*04'])('classes the billing reset stamp %s as text', (address) => {
		expect(kindOf(address)).toBe(true);
	});

	it('classes the billing period counter 0.1.0 as a number', () => {
		expect(kindOf('0.1.0')).toBe(false);
	});

	it.each(['C.7.0', '96.7.21', '0-0:96.7.9'])('classes the power failure count %s as a number', (address) => {
		expect(kindOf(address)).toBe(false);
	});

	it.each(['1.8.0', '1-1:1.8.1', '1.6.2*14', '2.8.0&02', '32.7.0', '0-1:24.2.1'])(
		'classes the quantity %s as a number',
		(address) => {
			expect(kindOf(address)).toBe(false);
		},
	);

	it('does not class a data set without an OBIS code as text', () => {
		expect(isTextRegister(undefined)).toBe(false);
	});

	it('classes the control signal status word C.4.0 as text', () => {
		expect(kindOf('C.4.0')).toBe(true);
	});
});
