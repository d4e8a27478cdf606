import {describe, expect, it} from 'vitest';
import {openSimulatedPort} from '../../../src/daemon/simulated-port.ts';
import {readMeter} from '../../../src/readout/readout-session.ts';

describe('openSimulatedPort', () => {
	it('serves readouts of the named profile, one after another, over the same link', async () => {
		const port = await openSimulatedPort('simulator:zmd120', 'Europe/Berlin');
		try {
			const first = await readMeter(port.link);
			expect(first.identification?.manufacturer).toBe('LGZ');
			await new Promise((resolve) => setTimeout(resolve, 1600));
			const second = await readMeter(port.link);
			expect(second.check.ok).toBe(true);
		} finally {
			await port.close();
		}
	}, 20_000);

	it('refuses an unknown profile', async () => {
		await expect(openSimulatedPort('simulator:nosuchmeter', undefined)).rejects.toThrow(/nosuchmeter/);
	});
});
