import {MeterSimulator} from '../simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../simulator/simulator-profiles.ts';
import type {Link} from '../transport/link.ts';
import {createMemoryLinkPair} from '../transport/memory-link-pair.ts';
import {SIMULATOR_PORT_PREFIX} from './simulator-port-name.ts';

export interface SimulatedPort {
	readonly link: Link;
	close(): Promise<void>;
}

/**
 * A simulated meter in this process, on an in-memory line paced at the real baud rate (a readout of
 * the ZMD120 at 9600 Bd takes about as long as on a real meter).
 */
export async function openSimulatedPort(port: string, timeZone: string | undefined): Promise<SimulatedPort> {
	const profileName = port.slice(SIMULATOR_PORT_PREFIX.length) || 'zmd120';
	const profile = createSimulatorProfile(profileName, timeZone === undefined ? {} : {timeZone});
	const pair = createMemoryLinkPair({paced: true, hostPlace: port, meterPlace: `${port} (meter side)`});
	// The meter side stays up across readouts; the host side is opened and closed by each session.
	const simulator = new MeterSimulator(pair.meter, {profile});
	await simulator.start();
	return {
		link: pair.host,
		async close() {
			await simulator.close();
		},
	};
}
