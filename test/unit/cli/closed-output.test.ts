import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {ClosedOutputWatch, isWritePipeError} from '../../../src/cli/closed-output.ts';
import {LinkError} from '../../../src/transport/link-errors.ts';

const epipe = () => Object.assign(new Error('write EPIPE'), {code: 'EPIPE', syscall: 'write', errno: -32});

/** stdout whose reader has gone: every write fails with EPIPE, as a pipe closed by `head` does. */
function closedPipe(): Writable {
	return new Writable({
		write(_chunk, _encoding, done) {
			done(epipe());
		},
	});
}

describe('ClosedOutputWatch', () => {
	it('explains the failed write of a command whose reader went away, before and after the stream reports it', async () => {
		const stream = closedPipe();
		let stops = 0;
		const watch = new ClosedOutputWatch(stream, () => stops++);
		const failure = await new Promise<unknown>((resolve) => stream.write('{"telegrams": [', resolve));
		// The writer's callback comes first: the stream is destroyed, its 'error' event still queued.
		expect(watch.explains(failure)).toBe(true);
		await new Promise((resolve) => setImmediate(resolve));
		expect(watch.closed).toBe(true);
		expect(stops).toBe(1);
		expect(watch.explains(new Error('anything after that'))).toBe(true);
	});

	it('leaves other errors to be reported while the output is open', () => {
		const watch = new ClosedOutputWatch(new Writable({write: (_c, _e, done) => done()}), () => undefined);
		expect(watch.explains(epipe())).toBe(false);
		expect(watch.explains(new Error('BCC mismatch'))).toBe(false);
		expect(watch.closed).toBe(false);
	});
});

describe('isWritePipeError', () => {
	it('finds a write EPIPE in the causes, but not one of a meter link', () => {
		expect(isWritePipeError(new Error('output', {cause: epipe()}))).toBe(true);
		expect(isWritePipeError(new LinkError('/dev/ttyUSB0', 'disconnected', {cause: epipe()}))).toBe(false);
		expect(isWritePipeError(Object.assign(new Error('read EPIPE'), {code: 'EPIPE', syscall: 'read'}))).toBe(
			false,
		);
	});
});
