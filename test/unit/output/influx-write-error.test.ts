import {describe, expect, it} from 'vitest';
import {InfluxWriteError, parseRetryAfter} from '../../../src/output/influx-write-error.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
	it('reads delay-seconds as seconds, as HTTP defines them', () => {
		expect(parseRetryAfter('30', NOW)).toBe(30_000);
	});

	it('reads zero seconds as no wait', () => {
		expect(parseRetryAfter('0', NOW)).toBe(0);
	});

	it('ignores spaces around delay-seconds', () => {
		expect(parseRetryAfter(' 5 ', NOW)).toBe(5000);
	});

	it('reads an HTTP date as the time left until then', () => {
		expect(parseRetryAfter('Thu, 01 Jan 2026 12:01:30 GMT', NOW)).toBe(90_000);
	});

	it('reads an HTTP date in the past as no wait', () => {
		expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', NOW)).toBe(0);
	});

	it('gives undefined for an absent header', () => {
		expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
	});

	it('gives undefined for an empty header', () => {
		expect(parseRetryAfter('  ', NOW)).toBeUndefined();
	});

	it('gives undefined for a value that is neither seconds nor a date', () => {
		expect(parseRetryAfter('soon', NOW)).toBeUndefined();
	});
});

describe('InfluxWriteError', () => {
	it('carries the disposition, the status and the Retry-After', () => {
		const error = new InfluxWriteError('http://nas:8086 (bucket b): HTTP 429: slow down', {
			disposition: 'retry',
			status: 429,
			retryAfterMs: 30_000,
		});
		expect([error.disposition, error.status, error.retryAfterMs]).toEqual(['retry', 429, 30_000]);
	});

	it('leaves status and Retry-After undefined when the server never answered', () => {
		const error = new InfluxWriteError('ECONNREFUSED', {disposition: 'retry'});
		expect([error.status, error.retryAfterMs]).toEqual([undefined, undefined]);
	});

	it.each(['retry', 'dead-letter', 'hold'] as const)('keeps the disposition %s', (disposition) => {
		expect(new InfluxWriteError('x', {disposition}).disposition).toBe(disposition);
	});

	it('wraps its cause', () => {
		const cause = new Error('socket hang up');
		expect(new InfluxWriteError('x', {disposition: 'retry', cause}).cause).toBe(cause);
	});

	it('has no cause property when given none', () => {
		expect('cause' in new InfluxWriteError('x', {disposition: 'hold'})).toBe(false);
	});

	it('is an Error named InfluxWriteError with the message given', () => {
		const error = new InfluxWriteError('http://nas:8086: HTTP 401', {disposition: 'hold', status: 401});
		expect(error).toBeInstanceOf(Error);
		expect([error.name, error.message]).toEqual(['InfluxWriteError', 'http://nas:8086: HTTP 401']);
	});
});
