import {describe, expect, it} from 'vitest';
import {isSimulatorPort} from '../../../src/daemon/simulator-port-name.ts';

describe('isSimulatorPort', () => {
	it('recognises simulator:<profile> and nothing else', () => {
		expect(isSimulatorPort('simulator:zmd120')).toBe(true);
		expect(isSimulatorPort('simulator:')).toBe(true);
		expect(isSimulatorPort('/dev/ttyUSB0')).toBe(false);
		expect(isSimulatorPort('tcp://simulator:1')).toBe(false);
	});
});
