import {describe, expect, it} from 'vitest';
import {scanFrames} from '../../../src/iec62056/frame-scanner.ts';
import {commandMessage} from '../../../src/simulator/command-message.ts';

describe('commandMessage', () => {
	it('frames the break of the EM4TII manual: SOH B0 ETX q', () => {
		expect(commandMessage('B0').toString('latin1')).toBe('\x01B0\x03q');
	});

	it('frames a P0 challenge with its data and a BCC the framer accepts', () => {
		expect(commandMessage('P0', '()').toString('latin1')).toBe('\x01P0\x02()\x03`');
		expect(scanFrames(commandMessage('P0', '(12345678)'))).toMatchObject([
			{kind: 'command', command: 'P0', text: '(12345678)', check: {ok: true}},
		]);
	});
});
