import {describe, expect, it} from 'vitest';
import {
	channelOf,
	formatObisCode,
	groupValue,
	isCurrentValue,
	isManufacturerSpecific,
	type ObisCode,
	obisKey,
	parseObisCode,
	reducedCode,
} from '../../../src/iec62056/obis-code.ts';

function parsed(address: string): ObisCode {
	const code = parseObisCode(address);
	if (code === undefined) throw new Error(`expected ${JSON.stringify(address)} to parse as OBIS`);
	return code;
}

describe('parseObisCode', () => {
	describe('full and reduced forms', () => {
		it('reads every group of the full form 1-0:1.8.0*255', () => {
			expect(parseObisCode('1-0:1.8.0*255')).toEqual({
				a: 1,
				b: 0,
				c: '1',
				d: '8',
				e: '0',
				separator: '*',
				f: '255',
			});
		});

		it('reads the channel of 1-1:1.8.0 and no billing period', () => {
			expect(parseObisCode('1-1:1.8.0')).toEqual({a: 1, b: 1, c: '1', d: '8', e: '0'});
		});

		it('reads the reduced form 1.8.0 without A, B or F', () => {
			expect(parseObisCode('1.8.0')).toEqual({c: '1', d: '8', e: '0'});
		});

		it('reads the two-group form 1.8', () => {
			expect(parseObisCode('1.8')).toEqual({c: '1', d: '8'});
		});

		it('reads 0.0, the meter number', () => {
			expect(parseObisCode('0.0')).toEqual({c: '0', d: '0'});
		});

		it('reads F.F, the error register, with letters in C and D', () => {
			expect(parseObisCode('F.F')).toEqual({c: 'F', d: 'F'});
		});

		it('reads F.F.0 with a numeric E', () => {
			expect(parseObisCode('F.F.0')).toEqual({c: 'F', d: 'F', e: '0'});
		});

		it('reads C.1 with the service letter in C', () => {
			expect(parseObisCode('C.1')).toEqual({c: 'C', d: '1'});
		});

		it('reads C.51.2*01 with its billing period as written', () => {
			expect(parseObisCode('C.51.2*01')).toEqual({c: 'C', d: '51', e: '2', separator: '*', f: '01'});
		});

		it('reads E = 255 in 1-0:21.7.255*255', () => {
			expect(parseObisCode('1-0:21.7.255*255')).toMatchObject({c: '21', d: '7', e: '255', f: '255'});
		});

		it('reads the DSMR channel of 1-3:0.2.8', () => {
			expect(parseObisCode('1-3:0.2.8')).toMatchObject({a: 1, b: 3, c: '0', d: '2', e: '8'});
		});

		it('upper-cases a letter group written in lower case', () => {
			expect(parseObisCode('c.51.2')).toMatchObject({c: 'C'});
		});

		it('drops leading zeros in C, D and E', () => {
			expect(parseObisCode('01.08.00')).toEqual({c: '1', d: '8', e: '0'});
		});

		it('ignores spaces around the address', () => {
			expect(parseObisCode(' 1.8.0 ')).toEqual({c: '1', d: '8', e: '0'});
		});
	});

	describe('billing periods', () => {
		it('reads a relative billing period *101 as written', () => {
			expect(parseObisCode('1.8.0*101')).toMatchObject({separator: '*', f: '101'});
		});

		it('reads &07 with the & separator', () => {
			expect(parseObisCode('0.1.2&07')).toMatchObject({separator: '&', f: '07'});
		});

		it('keeps the leading zero of F as written', () => {
			expect(parseObisCode('1-0:1.8.0*01')?.f).toBe('01');
		});
	});

	describe('addresses that are not OBIS codes', () => {
		it('leaves the non-standard 1-1:30D to the caller as an opaque key', () => {
			expect(parseObisCode('1-1:30D')).toBeUndefined();
		});

		it('does not take a bare number for a code', () => {
			expect(parseObisCode('5')).toBeUndefined();
		});

		it('rejects a group above 255', () => {
			expect(parseObisCode('1.256.0')).toBeUndefined();
			expect(parseObisCode('1-0:1.8.0*256')).toBeUndefined();
			expect(parseObisCode('1-256:1.8.0')).toBeUndefined();
		});

		it('rejects a letter other than C, F, L or P', () => {
			expect(parseObisCode('X.1')).toBeUndefined();
		});

		it('rejects an empty address', () => {
			expect(parseObisCode('')).toBeUndefined();
		});

		it('rejects more than three groups after the channel', () => {
			expect(parseObisCode('1.8.0.1')).toBeUndefined();
		});
	});
});

describe('groupValue', () => {
	it('maps the letters C, F, L, P to 96, 97, 98, 99', () => {
		expect(['C', 'F', 'L', 'P'].map(groupValue)).toEqual([96, 97, 98, 99]);
	});

	it('reads a numeric group as its number', () => {
		expect(groupValue('51')).toBe(51);
	});
});

describe('reducedCode', () => {
	it('gives C.D.E without channel or billing period', () => {
		expect(reducedCode(parsed('1-0:1.8.0*01'))).toBe('1.8.0');
	});

	it('gives C.D for a two-group code', () => {
		expect(reducedCode(parsed('F.F'))).toBe('F.F');
	});
});

describe('isCurrentValue', () => {
	it('is true without a billing period', () => {
		expect(isCurrentValue(parsed('1.8.0'))).toBe(true);
	});

	it('is true for F = 255, the current value', () => {
		expect(isCurrentValue(parsed('1-0:1.8.0*255'))).toBe(true);
	});

	it('is false for a billing period *01', () => {
		expect(isCurrentValue(parsed('1.8.0*01'))).toBe(false);
	});

	it('is false for a relative billing period *101', () => {
		expect(isCurrentValue(parsed('1.8.0*101'))).toBe(false);
	});
});

describe('obisKey', () => {
	it('gives 1-0:1.8.0*255 and 1.8.0 the same key 1.8.0', () => {
		expect(obisKey(parsed('1-0:1.8.0*255'))).toBe('1.8.0');
		expect(obisKey(parsed('1.8.0'))).toBe('1.8.0');
	});

	it('keeps the billing period in the key', () => {
		expect(obisKey(parsed('1-0:1.8.0*01'))).toBe('1.8.0*01');
	});

	it('keeps &07 distinct from *07', () => {
		const ampersand = obisKey(parsed('1.8.0&07'));
		const star = obisKey(parsed('1.8.0*07'));
		expect(ampersand).toBe('1.8.0&07');
		expect(star).toBe('1.8.0*07');
	});

	it('keeps each relative period of the Apator Norax apart', () => {
		const keys = ['1.8.0*101', '1.8.0*102', '1.8.0*103'].map((address) => obisKey(parsed(address)));
		expect(keys).toEqual(['1.8.0*101', '1.8.0*102', '1.8.0*103']);
	});

	it('keeps E = 255 in the key of 1-0:21.7.255*255 while dropping F = 255', () => {
		expect(obisKey(parsed('1-0:21.7.255*255'))).toBe('21.7.255');
	});
});

describe('channelOf', () => {
	it('gives A-B when the meter sent a channel', () => {
		expect(channelOf(parsed('1-1:1.8.0'))).toBe('1-1');
	});

	it('is undefined for a reduced code', () => {
		expect(channelOf(parsed('1.8.0'))).toBeUndefined();
	});
});

describe('formatObisCode', () => {
	it.each(['1-0:1.8.0*255', '1-1:1.8.0', '1.8.0', '1.8', 'F.F', 'F.F.0', 'C.1', 'C.51.2*01', '0.1.2&07'])(
		'writes %j back as it was read',
		(address) => {
			expect(formatObisCode(parsed(address))).toBe(address);
		},
	);
});

describe('isManufacturerSpecific', () => {
	it('is false for a standard code', () => {
		expect(isManufacturerSpecific(parsed('1-0:1.8.0*255'))).toBe(false);
	});

	it('is true when C is 128', () => {
		expect(isManufacturerSpecific(parsed('128.8.0'))).toBe(true);
	});

	it('is true when D is 254', () => {
		expect(isManufacturerSpecific(parsed('1.254.0'))).toBe(true);
	});

	it('is true when E is in 128..254', () => {
		expect(isManufacturerSpecific(parsed('1.8.200'))).toBe(true);
	});

	it('is true when F is in 128..254', () => {
		expect(isManufacturerSpecific(parsed('1.8.0*128'))).toBe(true);
	});

	it('is false for 255, which means "not used" or "current", not manufacturer specific', () => {
		expect(isManufacturerSpecific(parsed('1-0:21.7.255*255'))).toBe(false);
	});

	it('is false for 127, just below the range', () => {
		expect(isManufacturerSpecific(parsed('1.127.0*127'))).toBe(false);
	});

	it('is false for the letter groups, which map to 96..99', () => {
		expect(isManufacturerSpecific(parsed('C.51.2'))).toBe(false);
		expect(isManufacturerSpecific(parsed('F.F'))).toBe(false);
	});

	it('ignores A and B, which are outside the C..F rule', () => {
		expect(isManufacturerSpecific(parsed('200-200:1.8.0'))).toBe(false);
	});
});
