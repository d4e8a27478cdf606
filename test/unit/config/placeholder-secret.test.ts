import {describe, expect, it} from 'vitest';
import {isPlaceholderSecret, placeholderSecretAdvice} from '../../../src/config/placeholder-secret.ts';

describe('isPlaceholderSecret', () => {
	it('knows the secrets an older .env.example shipped, with a stray blank or line end', () => {
		expect(isPlaceholderSecret('change-me-to-a-long-random-token')).toBe(true);
		expect(isPlaceholderSecret('change-me-please')).toBe(true);
		expect(isPlaceholderSecret('change-me-please\r')).toBe(true);
	});

	it('takes other values for real ones: random tokens, and made-up ones for a server that ignores the token', () => {
		expect(isPlaceholderSecret('3f9a61c2d0b44e8e9b6f8a7c5d4e3f2a1b0c9d8e7f6a5b4c')).toBe(false);
		expect(isPlaceholderSecret('changeme')).toBe(false);
		expect(isPlaceholderSecret('change-me-please-not')).toBe(false);
	});
});

describe('placeholderSecretAdvice', () => {
	it('tells that an InfluxDB set up with the placeholder token keeps it, and names the passwords of the same .env', () => {
		expect(placeholderSecretAdvice('token')).toMatch(/keeps it: create a new token/);
		expect(placeholderSecretAdvice('token')).toMatch(
			/change-me-please in InfluxDB's and Grafana's UI and in \.env/,
		);
	});
});
