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
	readonly profile: string;
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
			// A simulator that stops ends its meter for the rest of the run: say so, with why.
			onLog: (entry) => {
				if (entry.kind === 'stopped' && !stopping) {
					process.stderr.write(
						`meter farm: ${name} on port ${listener.address.port} stopped (${entry.reason}): ${entry.error?.stack ?? 'no error'}\n`,
					);
				}
			},
		});
		void simulator.start().catch(() => undefined);
		meters.push({profile: name, listener, simulator});
	}
	// The simulators' logs would grow for as long as the run lasts: keep the last entries only.
	setInterval(() => {
		for (const {simulator} of meters) simulator.log.splice(0, Math.max(0, simulator.log.length - 40));
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
// For a look inside while a run goes on: each meter's port, whether a client is connected, its last log entries.
process.on('SIGUSR2', () => {
	for (const {profile, listener, simulator} of meters) {
		const tail = simulator.log
			.slice(-6)
			.map(
				(entry) =>
					`${new Date(entry.timeMs).toISOString().slice(11, 23)} ${entry.kind} ${'message' in entry ? entry.message : ''}${'reason' in entry ? entry.reason : ''}`,
			);
		process.stderr.write(
			`${listener.address.port} ${profile} open=${simulator.link.isOpen} ${JSON.stringify(tail)}\n`,
		);
	}
});
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
