import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../../src/simulator/simulator-profiles.ts';
import {listenTcpLink, type TcpLinkListener} from '../../src/transport/tcp-server-link.ts';

/**
 * A process of simulated meters, each behind its own TCP listener on loopback, keeping real line time.
 * Run with fork() (an IPC channel): it receives `{profiles: string[]}`, answers `{ports: number[]}`
 * once every listener is up, and stops on `{stop: true}`, on SIGTERM, or when its parent goes away.
 * Kept apart from the collector's process so the collector's CPU time and RSS are its own.
 */

interface FarmMeter {
	readonly listener: TcpLinkListener;
	readonly simulator: MeterSimulator;
}

const meters: FarmMeter[] = [];
let stopping = false;

async function start(profiles: readonly string[], timeZone: string): Promise<number[]> {
	for (const name of profiles) {
		const listener = await listenTcpLink({host: '127.0.0.1', port: 0});
		const simulator = new MeterSimulator(listener.link, {
			profile: createSimulatorProfile(name, {timeZone}),
			reopen: true,
			paced: true,
		});
		void simulator.start().catch(() => undefined);
		meters.push({listener, simulator});
	}
	// The simulators' logs would grow for as long as the run lasts: keep none.
	setInterval(() => {
		for (const {simulator} of meters) simulator.log.length = 0;
	}, 10_000).unref();
	return meters.map((meter) => meter.listener.address.port);
}

async function stop(): Promise<void> {
	if (stopping) return;
	stopping = true;
	await Promise.all(
		meters.map(async ({simulator, listener}) => {
			await simulator.close().catch(() => undefined);
			await listener.close().catch(() => undefined);
		}),
	);
	process.exit(0);
}

process.on('message', (message: {profiles?: string[]; timeZone?: string; stop?: boolean}) => {
	if (message.stop) {
		void stop();
		return;
	}
	if (message.profiles) {
		start(message.profiles, message.timeZone ?? 'Europe/Berlin').then(
			(ports) => process.send?.({ports}),
			(error: unknown) => {
				process.send?.({error: (error as Error).message});
				void stop();
			},
		);
	}
});
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
