import {describe, expect, it} from 'vitest';
import {bitsPerCharacter, SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';

describe('bitsPerCharacter', () => {
	it('counts 10 bits for 7E1: start, 7 data, parity, stop', () => {
		expect(bitsPerCharacter({dataBits: 7, parity: 'even', stopBits: 1})).toBe(10);
	});

	it('counts 10 bits for 8N1: start, 8 data, stop', () => {
		expect(bitsPerCharacter({dataBits: 8, parity: 'none', stopBits: 1})).toBe(10);
	});

	it('counts 12 bits for 8E2: start, 8 data, parity, 2 stop', () => {
		expect(bitsPerCharacter({dataBits: 8, parity: 'even', stopBits: 2})).toBe(12);
	});

	it('counts odd parity like even parity', () => {
		expect(bitsPerCharacter({dataBits: 7, parity: 'odd', stopBits: 1})).toBe(10);
	});
});

describe('SIGN_ON_SETTINGS', () => {
	it('is 300 Bd 7E1, the sign-on format of modes A, B and C', () => {
		expect(SIGN_ON_SETTINGS).toEqual({baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1});
	});
});
