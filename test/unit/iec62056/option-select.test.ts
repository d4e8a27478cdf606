import {describe, expect, it} from 'vitest';
import {
	encodeOptionSelect,
	type OptionSelect,
	parseOptionSelect,
} from '../../../src/iec62056/option-select.ts';
import {MalformedMessageError} from '../../../src/iec62056/protocol-errors.ts';

const READOUT_9600: OptionSelect = {protocolControl: '0', baudChar: '5', modeControl: '0'};

describe('encodeOptionSelect', () => {
	it('encodes a 9600 Bd data readout as ACK 0 5 0 CR LF', () => {
		expect([...encodeOptionSelect(READOUT_9600)]).toEqual([0x06, 0x30, 0x35, 0x30, 0x0d, 0x0a]);
	});

	it('encodes the mode E HDLC switch as ACK 2 Z 2', () => {
		expect(
			encodeOptionSelect({protocolControl: '2', baudChar: '5', modeControl: '2'}).toString('latin1'),
		).toBe('\x06252\r\n');
	});

	it('encodes a programming-mode request with Y = 1', () => {
		expect(
			encodeOptionSelect({protocolControl: '0', baudChar: '0', modeControl: '1'}).toString('latin1'),
		).toBe('\x06001\r\n');
	});

	it('is six bytes long, the length the ACK wire-time calculation relies on', () => {
		expect(encodeOptionSelect(READOUT_9600)).toHaveLength(6);
	});

	it('rejects a field of two characters with a TypeError naming the field and the value', () => {
		expect(() => encodeOptionSelect({...READOUT_9600, baudChar: '56'})).toThrow(TypeError);
		expect(() => encodeOptionSelect({...READOUT_9600, baudChar: '56'})).toThrow(/baudChar.*"56"/);
	});

	it('rejects an empty field', () => {
		expect(() => encodeOptionSelect({...READOUT_9600, modeControl: ''})).toThrow(/modeControl/);
	});

	it('rejects a control character in a field', () => {
		expect(() => encodeOptionSelect({...READOUT_9600, protocolControl: '\r'})).toThrow(/protocolControl/);
	});
});

describe('parseOptionSelect', () => {
	it('reads V, Z and Y from ACK 0 5 0', () => {
		expect(parseOptionSelect('\x06050')).toEqual(READOUT_9600);
	});

	it('parses what encodeOptionSelect sends, minus the CR LF', () => {
		const option = {protocolControl: '2', baudChar: '6', modeControl: '2'};
		expect(parseOptionSelect(encodeOptionSelect(option).toString('latin1').slice(0, -2))).toEqual(option);
	});

	it('rejects a line that does not start with ACK with a MalformedMessageError', () => {
		expect(() => parseOptionSelect('0050')).toThrow(MalformedMessageError);
	});

	it('rejects an ACK with a missing field', () => {
		expect(() => parseOptionSelect('\x0605')).toThrow(/option select/);
	});

	it('rejects an ACK with the CR LF still attached', () => {
		expect(() => parseOptionSelect('\x06050\r\n')).toThrow(MalformedMessageError);
	});
});
