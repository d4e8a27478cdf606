import {describe, expect, it} from 'vitest';
import {parseIdentification} from '../../../src/iec62056/identification.ts';
import {defaultSwitchGuardMs, wireTimeMs} from '../../../src/readout/rate-switch-timing.ts';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';

describe('rate switch timing', () => {
	it('puts an ACK with option select (6 characters) 200 ms on a 300 Bd 7E1 line', () => {
		expect(wireTimeMs(6, SIGN_ON_SETTINGS)).toBeCloseTo(200, 9);
	});

	it('guards one character time (33.3 ms) for a 200 ms meter', () => {
		expect(defaultSwitchGuardMs(parseIdentification('/LGZ52ZMD120APt.G03'), SIGN_ON_SETTINGS)).toBeCloseTo(
			33.33,
			2,
		);
	});

	it('guards half the reaction time (10 ms) for a 20 ms meter', () => {
		expect(defaultSwitchGuardMs(parseIdentification('/ISk5MT174-0001'), SIGN_ON_SETTINGS)).toBe(10);
	});

	it('guards one character time of a faster sign-on rate when that is shorter', () => {
		const at2400 = {...SIGN_ON_SETTINGS, baudRate: 2400};
		expect(defaultSwitchGuardMs(parseIdentification('/ISk5MT174-0001'), at2400)).toBeCloseTo(4.17, 2);
	});
});
