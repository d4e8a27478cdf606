import {describe, expect, it} from 'vitest';
import {ReadoutError, type ReadoutFailure} from '../../../src/readout/readout-errors.ts';

describe('ReadoutError', () => {
	it('names the place, the phase and the detail in its message', () => {
		const error = new ReadoutError('/dev/ttyUSB0', 'data', 'timeout', 'no byte for 1.5 s');
		expect(error.message).toBe('/dev/ttyUSB0: data: no byte for 1.5 s');
	});

	it('adds what to check when the meter did not answer', () => {
		const error = new ReadoutError('/dev/ttyUSB0', 'sign-on', 'no-answer', 'nothing within 1.5 s');
		expect(error.message).toBe(
			'/dev/ttyUSB0: sign-on: nothing within 1.5 s; is the head on the optical port, the right way round, and the meter address right?',
		);
	});

	it('points at the port settings when only garbage arrived', () => {
		const error = new ReadoutError('tcp://10.0.0.5:8888', 'identification', 'garbage', '42 bytes');
		expect(error.message).toMatch(
			/^tcp:\/\/10\.0\.0\.5:8888: identification: 42 bytes; bytes arrived but no message/,
		);
		expect(error.message).toContain('7E1 data read as 8N1');
	});

	it('adds no advice for a failure without one', () => {
		const error = new ReadoutError('memory:host', 'data', 'block-check', 'BCC 0x12, expected 0x34');
		expect(error.message).toBe('memory:host: data: BCC 0x12, expected 0x34');
	});

	it.each<ReadoutFailure>(['no-answer', 'timeout', 'block-check', 'truncated', 'garbage', 'link'])(
		'may succeed on the next cycle after %s',
		(failure) => {
			expect(new ReadoutError('p', 'data', failure, 'x').retryable).toBe(true);
		},
	);

	it('is not retryable when the caller aborted', () => {
		expect(new ReadoutError('p', 'data', 'aborted', 'shutdown').retryable).toBe(false);
	});

	it('keeps the bytes received before the failure', () => {
		const received = Buffer.from('/LGZ52ZMD120APt.G03\r\n', 'latin1');
		const error = new ReadoutError('p', 'option-select', 'timeout', 'x', {received});
		expect(error.received).toEqual(received);
	});

	it('holds an empty buffer when nothing was received', () => {
		expect(new ReadoutError('p', 'sign-on', 'no-answer', 'x').received).toEqual(Buffer.alloc(0));
	});

	it('carries its fields and wraps the cause', () => {
		const cause = new Error('EIO');
		const error = new ReadoutError('p', 'open', 'link', 'port failed', {cause});
		expect(error).toMatchObject({name: 'ReadoutError', place: 'p', phase: 'open', failure: 'link', cause});
	});

	it('has no cause when none was given', () => {
		expect('cause' in new ReadoutError('p', 'open', 'link', 'x')).toBe(false);
	});
});
