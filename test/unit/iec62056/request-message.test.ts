import {describe, expect, it} from 'vitest';
import {MalformedMessageError} from '../../../src/iec62056/protocol-errors.ts';
import {
	deviceAddressProblem,
	encodeRequest,
	MAX_ADDRESS_LENGTH,
	parseRequest,
} from '../../../src/iec62056/request-message.ts';

describe('encodeRequest', () => {
	it('encodes the default request as / ? ! CR LF', () => {
		expect([...encodeRequest()]).toEqual([0x2f, 0x3f, 0x21, 0x0d, 0x0a]);
	});

	it('puts a device address between the query character and "!"', () => {
		expect(encodeRequest({address: '12345678'}).toString('latin1')).toBe('/?12345678!\r\n');
	});

	it('sends "#" instead of "?" for the Siemens 2WR5 extra data', () => {
		expect(encodeRequest({queryChar: '#'}).toString('latin1')).toBe('/#!\r\n');
	});

	it('sends "2" as the query character when asked', () => {
		expect(encodeRequest({queryChar: '2'}).toString('latin1')).toBe('/2!\r\n');
	});

	it('accepts an address of exactly 32 characters', () => {
		const address = '1'.repeat(MAX_ADDRESS_LENGTH);
		expect(encodeRequest({address}).toString('latin1')).toBe(`/?${address}!\r\n`);
	});

	it('rejects an address longer than 32 characters with a TypeError naming the address', () => {
		const address = '1'.repeat(33);
		expect(() => encodeRequest({address})).toThrow(TypeError);
		expect(() => encodeRequest({address})).toThrow(/address.*1{33}/);
	});

	it('rejects an address holding "!", which would end the request early', () => {
		expect(() => encodeRequest({address: '12!34'})).toThrow(TypeError);
	});

	it('rejects an address holding "/", which would start a new message', () => {
		expect(() => encodeRequest({address: '12/34'})).toThrow(TypeError);
	});

	it('rejects an address holding a control character', () => {
		expect(() => encodeRequest({address: '12\r\n34'})).toThrow(/address/);
	});

	it('rejects an address holding "(", which the meter would read as a data set', () => {
		expect(() => encodeRequest({address: 'a(b'})).toThrow(/address "\(" cannot be sent.*received "a\(b"/);
	});

	it('rejects an empty query character with a TypeError naming queryChar', () => {
		expect(() => encodeRequest({queryChar: ''})).toThrow(TypeError);
		expect(() => encodeRequest({queryChar: ''})).toThrow(/queryChar.*""/);
	});

	it('rejects a query character of more than one character', () => {
		expect(() => encodeRequest({queryChar: '??'})).toThrow(/queryChar/);
	});

	it('rejects "!" as the query character', () => {
		expect(() => encodeRequest({queryChar: '!'})).toThrow(TypeError);
	});
});

describe('deviceAddressProblem', () => {
	it('accepts digits, letters and spaces, as IEC 62056-21 allows', () => {
		expect(deviceAddressProblem('12345678')).toBeUndefined();
		expect(deviceAddressProblem('EMH ITZ 0042 abc')).toBeUndefined();
		expect(deviceAddressProblem('')).toBeUndefined();
	});

	it('names each character the request cannot carry', () => {
		for (const bad of ['(', ')', '/', '!', '?', '*', '-', '\u00e4']) {
			expect(deviceAddressProblem(`12${bad}34`)).toBe(
				`${JSON.stringify(bad)} cannot be sent: a device address holds only 0-9, A-Z, a-z and space (IEC 62056-21)`,
			);
		}
	});

	it('shows a control character escaped, not raw', () => {
		expect(deviceAddressProblem('12\t34')).toMatch(/^"\\t" cannot be sent/);
		expect(deviceAddressProblem('12\u000034')).toMatch(/^"\\u0000" cannot be sent/);
	});

	it('refuses more than 32 characters, saying how many there are', () => {
		expect(deviceAddressProblem('1'.repeat(33))).toBe('must be at most 32 characters long (it has 33)');
	});
});

describe('parseRequest', () => {
	it('reads /?! as the "any meter" request', () => {
		expect(parseRequest('/?!')).toEqual({queryChar: '?', address: ''});
	});

	it('reads the device address of /?12345678!', () => {
		expect(parseRequest('/?12345678!')).toEqual({queryChar: '?', address: '12345678'});
	});

	it('reads the query character of /#!', () => {
		expect(parseRequest('/#!').queryChar).toBe('#');
	});

	it('parses what encodeRequest sends, minus the CR LF', () => {
		const line = encodeRequest({queryChar: '#', address: 'ABC 12'}).toString('latin1').slice(0, -2);
		expect(parseRequest(line)).toEqual({queryChar: '#', address: 'ABC 12'});
	});

	it('rejects a line without the closing "!" with a MalformedMessageError', () => {
		expect(() => parseRequest('/?123')).toThrow(MalformedMessageError);
	});

	it('rejects an identification line, which has no "!"', () => {
		expect(() => parseRequest('/LGZ5ZMD')).toThrow(/request/);
	});

	it('rejects a line without the leading "/"', () => {
		expect(() => parseRequest('?!')).toThrow(MalformedMessageError);
	});

	it('rejects "/!" which has no query character', () => {
		expect(() => parseRequest('/!')).toThrow(MalformedMessageError);
	});
});
