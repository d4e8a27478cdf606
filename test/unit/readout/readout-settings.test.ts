import {describe, expect, it} from 'vitest';
import {readoutOptionsFrom} from '../../../src/readout/readout-settings.ts';

const plain = {mode: 'auto', ignore_bcc: false, wake_up: false} as const;

describe('readoutOptionsFrom', () => {
	it('leaves unset settings to the session defaults', () => {
		expect(readoutOptionsFrom(plain)).toEqual({mode: 'auto', ignoreBlockCheck: false, wakeUp: false});
	});

	it('maps every timeout, the switch guard included', () => {
		const options = readoutOptionsFrom({
			...plain,
			timeouts: {identification: 1, data: 2, inter_character: 3, total: 4, switch_guard: 5, settle: 6},
		});
		expect(options).toMatchObject({
			identificationTimeoutMs: 1,
			dataTimeoutMs: 2,
			interCharacterTimeoutMs: 3,
			totalTimeoutMs: 4,
			switchGuardMs: 5,
			settleMs: 6,
		});
	});

	it('reads 8 push data bits as 8N1 and 7 as 7E1', () => {
		expect(readoutOptionsFrom({...plain, push: {baud: 115200, data_bits: 8}}).pushSettings).toEqual({
			baudRate: 115200,
			dataBits: 8,
			parity: 'none',
			stopBits: 1,
		});
		expect(readoutOptionsFrom({...plain, push: {baud: 9600, data_bits: 7}}).pushSettings?.parity).toBe(
			'even',
		);
	});

	it('adds address, rate cap, query character, starting plan and signal', () => {
		const signal = new AbortController().signal;
		const options = readoutOptionsFrom(
			{...plain, address: '123', baud_max: 4800},
			{queryChar: '#', remembered: {mode: 'C', baudRate: 300}, signal},
		);
		expect(options).toMatchObject({
			address: '123',
			baudMax: 4800,
			queryChar: '#',
			remembered: {mode: 'C', baudRate: 300},
		});
		expect(options.signal).toBe(signal);
	});
});
