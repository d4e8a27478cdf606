import {describe, expect, it} from 'vitest';
import {LinkError, type LinkFailure, linkErrorFrom} from '../../../src/transport/link-errors.ts';

function systemError(code: string, message = `${code}: something`): NodeJS.ErrnoException {
	return Object.assign(new Error(message), {code});
}

describe('linkErrorFrom', () => {
	it.each<[string, NodeJS.ErrnoException, LinkFailure]>([
		['ENOENT', systemError('ENOENT'), 'not-found'],
		['ENODEV', systemError('ENODEV'), 'not-found'],
		['EACCES', systemError('EACCES'), 'permission'],
		['EPERM', systemError('EPERM'), 'permission'],
		['EBUSY', systemError('EBUSY'), 'busy'],
		['ECONNREFUSED', systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'refused'],
		['ECONNRESET', systemError('ECONNRESET'), 'disconnected'],
		['EPIPE', systemError('EPIPE'), 'disconnected'],
		['EIO', systemError('EIO'), 'disconnected'],
		[
			'ENXIO on a read (adapter unplugged)',
			systemError('ENXIO', 'ENXIO: no such device or address, read'),
			'disconnected',
		],
		['ABORT_ERR', systemError('ABORT_ERR'), 'aborted'],
	])('maps the system error code %s', (_name, error, failure) => {
		expect(linkErrorFrom('/dev/ttyUSB0', error).failure).toBe(failure);
	});

	// The native binding throws plain Errors without a code; every open failure ends in "Cannot open".
	it.each<[string, LinkFailure]>([
		['Error: No such file or directory, cannot open /dev/ttyUSB9', 'not-found'],
		['Error No such file or directory Cannot open /dev/ttyUSB9', 'not-found'],
		['Error Permission denied Cannot open /dev/ttyUSB0', 'permission'],
		['Error Device or resource busy Cannot open /dev/ttyUSB0', 'busy'],
		['Error Resource temporarily unavailable Cannot lock port', 'busy'],
		["Port does not exist - please call MockBinding.createPort('/dev/x') first", 'not-found'],
		['Port is locked cannot open', 'busy'],
		['Port is not open', 'not-open'],
		['Error: Input/output error', 'disconnected'],
	])('reads the cause from the binding message "%s"', (message, failure) => {
		expect(linkErrorFrom('/dev/ttyUSB0', new Error(message)).failure).toBe(failure);
	});

	it('treats an AbortError as aborted', () => {
		const error = new DOMException('stop', 'AbortError');
		expect(linkErrorFrom('/dev/ttyUSB0', error).failure).toBe('aborted');
	});

	it('keeps the original message for a failure it cannot classify', () => {
		const error = new Error('Invalid parity setting 9');
		const linkError = linkErrorFrom('/dev/ttyUSB0', error);
		expect(linkError.failure).toBe('other');
		expect(linkError.message).toBe('/dev/ttyUSB0: link failure: Invalid parity setting 9');
		expect(linkError.cause).toBe(error);
	});

	it('names a socket failure without the address again (the place names it)', () => {
		const socketError = Object.assign(new Error('connect EHOSTUNREACH 10.0.0.7:2000'), {
			code: 'EHOSTUNREACH',
			syscall: 'connect',
			address: '10.0.0.7',
			port: 2000,
		});
		const error = linkErrorFrom('tcp://10.0.0.7:2000', socketError);
		expect(error.message).toBe('tcp://10.0.0.7:2000: link failure: connect EHOSTUNREACH');
		expect(error.message.match(/10\.0\.0\.7/g)).toHaveLength(1);
	});

	it('accepts something that is not an Error', () => {
		expect(linkErrorFrom('x', 'weird').message).toBe('x: link failure: weird');
	});

	it('returns a LinkError unchanged', () => {
		const error = new LinkError('/dev/ttyUSB0', 'busy');
		expect(linkErrorFrom('/dev/other', error)).toBe(error);
	});
});

describe('LinkError', () => {
	it('names the place and says what to do', () => {
		const error = linkErrorFrom('/dev/ttyUSB0', systemError('EACCES'));
		expect(error).toBeInstanceOf(LinkError);
		expect(error.name).toBe('LinkError');
		expect(error.place).toBe('/dev/ttyUSB0');
		expect(error.message).toMatch(/^\/dev\/ttyUSB0: permission denied: add the user to the dialout group/);
	});

	it('points to the ports command when the port is missing', () => {
		expect(new LinkError('/dev/ttyUSB9', 'not-found').message).toContain(
			'`dlms-logger ports` lists the ports',
		);
	});

	it('hints at tcp:// for a bridge address given as a serial port', () => {
		const error = linkErrorFrom(
			'127.0.0.1:8888',
			new Error('Error: No such file or directory, cannot open 127.0.0.1:8888'),
		);
		expect(error.failure).toBe('not-found');
		expect(error.message).toBe(
			'127.0.0.1:8888: no such port: a TCP bridge is written with its scheme: tcp://127.0.0.1:8888',
		);
	});

	it('says a file given as the port is not a serial device, and that waiting will not help', () => {
		const error = linkErrorFrom(
			'/tmp/capture.bin',
			new Error('Error: Inappropriate ioctl for device setting custom baud rate of 300'),
		);
		expect(error.failure).toBe('not-serial');
		expect(error.message).toMatch(/^\/tmp\/capture\.bin: not a serial device/);
		expect(error.retryable).toBe(false);
		expect(linkErrorFrom('/tmp/x', systemError('ENOTTY')).failure).toBe('not-serial');
	});

	it('carries its cause', () => {
		const cause = systemError('ENOENT');
		expect(new LinkError('p', 'not-found', {cause}).cause).toBe(cause);
		expect(new LinkError('p', 'not-found')).not.toHaveProperty('cause');
	});

	it('takes a detail instead of the standard advice', () => {
		expect(new LinkError('p', 'other', {detail: 'cannot switch to 9600 Bd'}).message).toBe(
			'p: cannot switch to 9600 Bd',
		);
	});

	it.each<[LinkFailure, boolean]>([
		['not-found', true],
		['busy', true],
		['refused', true],
		['disconnected', true],
		['not-open', true],
		['other', true],
		['permission', false],
		['aborted', false],
	])('says whether retrying later may help: %s → %s', (failure, retryable) => {
		expect(new LinkError('p', failure).retryable).toBe(retryable);
	});
});
