import {inspect} from 'node:util';
import {describe, expect, it} from 'vitest';
import {
	BlockCheckError,
	FrameOverflowError,
	MalformedDataSetError,
	MalformedMessageError,
	ProtocolError,
	TruncatedBlockError,
} from '../../../src/iec62056/protocol-errors.ts';

describe('ProtocolError', () => {
	it('is an Error named after its class', () => {
		const error = new ProtocolError('boom', {retryable: false});
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('ProtocolError');
		expect(error.message).toBe('boom');
	});

	it('carries the retry decision given by the caller', () => {
		expect(new ProtocolError('x', {retryable: true}).retryable).toBe(true);
		expect(new ProtocolError('x', {retryable: false}).retryable).toBe(false);
	});

	it('wraps the cause it was given', () => {
		const cause = new Error('port closed');
		expect(new ProtocolError('reading meter', {retryable: true, cause}).cause).toBe(cause);
	});

	it('has no cause property when none was given', () => {
		expect('cause' in new ProtocolError('x', {retryable: true})).toBe(false);
	});
});

describe('BlockCheckError', () => {
	it('is a retryable ProtocolError named BlockCheckError', () => {
		const error = new BlockCheckError('bcc', 0x25, 0x05);
		expect(error).toBeInstanceOf(ProtocolError);
		expect(error.name).toBe('BlockCheckError');
		expect(error.retryable).toBe(true);
	});

	it('keeps the algorithm and both check values as fields', () => {
		const error = new BlockCheckError('crc16', 0xbb3d, 0x1234);
		expect(error.algorithm).toBe('crc16');
		expect(error.expected).toBe(0xbb3d);
		expect(error.received).toBe(0x1234);
	});

	it('names a BCC mismatch with both values as two hex digits', () => {
		const {message} = new BlockCheckError('bcc', 0x25, 0x05);
		expect(message).toContain('BCC');
		expect(message).toContain('0x25');
		expect(message).toContain('0x05');
	});

	it('names a CRC16 mismatch with both values as four hex digits', () => {
		const {message} = new BlockCheckError('crc16', 0xbb3d, 0x2b);
		expect(message).toContain('CRC16');
		expect(message).toContain('0xBB3D');
		expect(message).toContain('0x002B');
	});
});

describe('TruncatedBlockError', () => {
	it('is a retryable ProtocolError that says what was missing after how many bytes', () => {
		const error = new TruncatedBlockError(120, 'ETX');
		expect(error).toBeInstanceOf(ProtocolError);
		expect(error.name).toBe('TruncatedBlockError');
		expect(error.retryable).toBe(true);
		expect(error.receivedBytes).toBe(120);
		expect(error.missing).toBe('ETX');
		expect(error.message).toContain('ETX');
		expect(error.message).toContain('120');
	});

	it('shows its message wherever an Error shows one', () => {
		const error = new TruncatedBlockError(120, 'ETX');
		expect(error.message).toBe('truncated data block: ETX missing after 120 bytes');
		expect(String(error)).toBe(`TruncatedBlockError: ${error.message}`);
		expect(error.stack?.split('\n')[0]).toBe(`TruncatedBlockError: ${error.message}`);
		expect(inspect(error)).toContain(error.message);
	});
});

describe('FrameOverflowError', () => {
	it('is a retryable ProtocolError that names the limit it hit', () => {
		const error = new FrameOverflowError(65_536);
		expect(error).toBeInstanceOf(ProtocolError);
		expect(error.name).toBe('FrameOverflowError');
		expect(error.retryable).toBe(true);
		expect(error.limitBytes).toBe(65_536);
		expect(error.message).toContain('65536');
	});
});

describe('MalformedDataSetError', () => {
	it('is a non-retryable ProtocolError: the meter will send the same line again', () => {
		const error = new MalformedDataSetError(3, 7, 'missing ")"', '1.8.0(0001');
		expect(error).toBeInstanceOf(ProtocolError);
		expect(error.name).toBe('MalformedDataSetError');
		expect(error.retryable).toBe(false);
	});

	it('keeps the line, column and text as fields', () => {
		const error = new MalformedDataSetError(3, 7, 'missing ")"', '1.8.0(0001');
		expect(error.line).toBe(3);
		expect(error.column).toBe(7);
		expect(error.text).toBe('1.8.0(0001');
	});

	it('mentions the place, the reason and the offending text in its message', () => {
		const {message} = new MalformedDataSetError(3, 7, 'missing ")"', '1.8.0(0001');
		expect(message).toContain('line 3');
		expect(message).toContain('column 7');
		expect(message).toContain('missing ")"');
		expect(message).toContain('1.8.0(0001');
	});

	it('shows its message wherever an Error shows one', () => {
		const error = new MalformedDataSetError(3, 7, 'missing ")"', '1.8.0(0001');
		expect(error.message).toBe('data set at line 3, column 7: missing ")" in "1.8.0(0001"');
		expect(String(error)).toBe(`MalformedDataSetError: ${error.message}`);
		expect(error.stack?.split('\n')[0]).toBe(`MalformedDataSetError: ${error.message}`);
		expect(inspect(error)).toContain(error.message);
	});
});

describe('MalformedMessageError', () => {
	it('is a non-retryable ProtocolError whose message names the message kind, reason and text', () => {
		const error = new MalformedMessageError('identification', 'too short', '/LG');
		expect(error).toBeInstanceOf(ProtocolError);
		expect(error.name).toBe('MalformedMessageError');
		expect(error.retryable).toBe(false);
		expect(error.message).toContain('identification');
		expect(error.message).toContain('too short');
		expect(error.message).toContain('/LG');
	});

	it('quotes control characters in the text rather than printing them raw', () => {
		const {message} = new MalformedMessageError('option select', 'bad', '\x06050\r');
		expect(message).not.toContain('\r');
		expect(message).not.toContain('\x06');
	});
});
