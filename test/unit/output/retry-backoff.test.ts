import {describe, expect, it} from 'vitest';
import {DEFAULT_RETRY_BACKOFF_OPTIONS, RetryBackoff} from '../../../src/output/retry-backoff.ts';

/** random() = 0.5 puts the spread at zero: the delay is the deterministic step. */
const middle = () => 0.5;

describe('RetryBackoff', () => {
	it('waits minDelayMs after the first failure', () => {
		expect(new RetryBackoff({minDelayMs: 1000, jitter: 0}).delayMs(1)).toBe(1000);
	});

	it('grows by the factor with every further failure', () => {
		const backoff = new RetryBackoff({minDelayMs: 1000, factor: 2, jitter: 0});
		expect([1, 2, 3, 4, 5].map((attempt) => backoff.delayMs(attempt))).toEqual([
			1000, 2000, 4000, 8000, 16_000,
		]);
	});

	it('follows a factor other than 2', () => {
		const backoff = new RetryBackoff({minDelayMs: 100, factor: 3, jitter: 0});
		expect([1, 2, 3].map((attempt) => backoff.delayMs(attempt))).toEqual([100, 300, 900]);
	});

	it('stops growing at maxDelayMs', () => {
		const backoff = new RetryBackoff({minDelayMs: 1000, maxDelayMs: 5000, jitter: 0});
		expect([3, 4, 10, 1000].map((attempt) => backoff.delayMs(attempt))).toEqual([4000, 5000, 5000, 5000]);
	});

	it('treats zero failed attempts like the first', () => {
		expect(new RetryBackoff({jitter: 0}).delayMs(0)).toBe(DEFAULT_RETRY_BACKOFF_OPTIONS.minDelayMs);
	});

	it('uses the documented defaults: 1 s doubling up to 5 min with ±20 % jitter', () => {
		expect(DEFAULT_RETRY_BACKOFF_OPTIONS).toEqual({
			minDelayMs: 1000,
			maxDelayMs: 300_000,
			factor: 2,
			jitter: 0.2,
		});
		const backoff = new RetryBackoff({}, middle);
		expect([1, 2, 9, 10].map((attempt) => backoff.delayMs(attempt))).toEqual([1000, 2000, 256_000, 300_000]);
	});

	it('spreads a delay down by the jitter fraction when random() is 0', () => {
		expect(new RetryBackoff({minDelayMs: 1000, jitter: 0.2}, () => 0).delayMs(3)).toBe(3200);
	});

	it('spreads a delay up by nearly the jitter fraction when random() is just below 1', () => {
		const delay = new RetryBackoff({minDelayMs: 1000, jitter: 0.2}, () => 0.999_999).delayMs(3);
		expect(delay).toBe(4800);
	});

	it('keeps every jittered delay within ±jitter of its step', () => {
		for (const random of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999]) {
			const delay = new RetryBackoff({minDelayMs: 1000, jitter: 0.2}, () => random).delayMs(4);
			expect(delay).toBeGreaterThanOrEqual(6400);
			expect(delay).toBeLessThanOrEqual(9600);
		}
	});

	it('never jitters below minDelayMs', () => {
		expect(new RetryBackoff({minDelayMs: 1000, jitter: 0.5}, () => 0).delayMs(1)).toBe(1000);
	});

	it('never jitters above maxDelayMs', () => {
		const backoff = new RetryBackoff({minDelayMs: 1000, maxDelayMs: 8000, jitter: 0.5}, () => 0.999);
		expect(backoff.delayMs(20)).toBe(8000);
	});

	it("waits at least the server's Retry-After when it is longer than the backoff", () => {
		expect(new RetryBackoff({minDelayMs: 1000, jitter: 0}).delayMs(1, 30_000)).toBe(30_000);
	});

	it('keeps the backoff when the Retry-After is shorter', () => {
		expect(new RetryBackoff({minDelayMs: 1000, jitter: 0}).delayMs(4, 2000)).toBe(8000);
	});

	it('lets a Retry-After exceed maxDelayMs, since the server asked for it', () => {
		expect(new RetryBackoff({minDelayMs: 1000, maxDelayMs: 5000, jitter: 0}).delayMs(1, 60_000)).toBe(60_000);
	});

	it('caps a Retry-After at one hour', () => {
		expect(new RetryBackoff({jitter: 0}).delayMs(1, 86_400_000)).toBe(3_600_000);
	});

	it.each([
		[{minDelayMs: 0}, /minDelayMs.*received 0 and 300000/],
		[{minDelayMs: -1}, /minDelayMs.*received -1/],
		[{minDelayMs: Number.NaN}, /minDelayMs.*received NaN/],
		[{minDelayMs: 2000, maxDelayMs: 1000}, /minDelayMs <= maxDelayMs, received 2000 and 1000/],
		[{factor: 0.5}, /factor must be >= 1, received 0.5/],
		[{jitter: 1}, /jitter must be in \[0, 1\), received 1/],
		[{jitter: -0.1}, /jitter must be in \[0, 1\), received -0.1/],
	])('refuses %o with a TypeError naming the option and value', (options, message) => {
		expect(() => new RetryBackoff(options)).toThrow(TypeError);
		expect(() => new RetryBackoff(options)).toThrow(message);
	});

	it('accepts a factor of 1 (a constant delay) and no jitter', () => {
		const backoff = new RetryBackoff({minDelayMs: 500, factor: 1, jitter: 0});
		expect([1, 2, 3].map((attempt) => backoff.delayMs(attempt))).toEqual([500, 500, 500]);
	});
});
