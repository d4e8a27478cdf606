import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import type {SimulatorFaultKind} from '../../src/simulator/simulator-fault.ts';
import type {SimulatorLogEntry} from '../../src/simulator/simulator-log.ts';
import type {SimulatorProfile} from '../../src/simulator/simulator-profile.ts';
import {SerialLink} from '../../src/transport/serial-link.ts';
import type {FaultRotation} from './fault-rotation.ts';
import {telegramOf} from './soak-profiles.ts';

/** One data message the simulated meter sent (a NAK's repetition is a transmission of the same telegram). */
export interface SentTelegram {
	readonly meter: string;
	/** The telegram number its values carry. */
	readonly telegram: number;
	readonly message: 'data' | 'repeat';
	readonly intact: boolean;
	readonly faults: readonly SimulatorFaultKind[];
	readonly startMs: number;
	readonly endMs: number;
	readonly baudRate: number;
}

export interface SoakMeterOptions {
	/** The meter's id in the collector's config (the `meter` tag). */
	readonly meter: string;
	/** The simulator's end of the pty pair. */
	readonly path: string;
	readonly profile: SimulatorProfile;
	readonly rotation: FaultRotation;
	/** How late the harness's event loop ran before an instant, ms (to judge the meter's host errors). */
	readonly loopLateMs?: (atMs: number) => number;
	/** The host end's rate at an instant (the pty's termios), so a character crossing a rate change is garbled. */
	readonly hostLineRate?: (atMs: number) => number | undefined;
}

/**
 * A simulated meter on one end of a pty pair for the length of a soak: every telegram it sends is
 * logged with whether it went out intact, faults come from the rotation, and after a hang-up (the meter
 * closing the line) a new simulator takes over the same end, numbering readouts and telegrams on.
 */
export class SoakMeter {
	readonly telegrams: SentTelegram[] = [];
	/** Every fault the simulators applied, by kind (also those with no telegram: silence). */
	readonly faultCounts = new Map<SimulatorFaultKind, number>();
	/** Simulator problems worth reporting (a link error, a host sending at the wrong rate). */
	readonly problems: string[] = [];
	hangUps = 0;
	readonly #options: SoakMeterOptions;
	#offset = 0;
	#highestReadout = 0;
	#current: MeterSimulator | undefined;
	#stopping = false;
	#loop: Promise<void> | undefined;

	constructor(options: SoakMeterOptions) {
		this.#options = options;
	}

	/** Starts the first simulator; resolves once it listens (or pushes). */
	async start(): Promise<void> {
		const first = await this.#startSimulator();
		this.#loop = this.#run(first);
	}

	/** Stops the simulator for good and closes its end. */
	async stop(): Promise<void> {
		this.#stopping = true;
		await this.#current?.close();
		await this.#loop;
	}

	async #startSimulator(): Promise<MeterSimulator> {
		const offset = this.#offset;
		const simulator = new MeterSimulator(new SerialLink({path: this.#options.path}), {
			profile: this.#options.profile,
			paced: true,
			...(this.#options.hostLineRate ? {hostLineRate: this.#options.hostLineRate} : {}),
			faultsAt: (readout) => {
				this.#highestReadout = Math.max(this.#highestReadout, offset + readout);
				return this.#options.rotation.at(offset + readout);
			},
			onLog: (entry) => this.#onLog(entry),
		});
		this.#current = simulator;
		await simulator.start();
		return simulator;
	}

	async #run(first: MeterSimulator): Promise<void> {
		let simulator = first;
		for (;;) {
			const reason = await simulator.stopped;
			if (this.#stopping) return;
			if (reason !== 'hang-up') this.problems.push(`${this.#options.meter}: simulator stopped (${reason})`);
			this.hangUps += reason === 'hang-up' ? 1 : 0;
			// The next simulator numbers its readouts on from the highest the last one was asked about.
			this.#offset = this.#highestReadout;
			await new Promise((resolve) => setTimeout(resolve, 200));
			if (this.#stopping) return;
			try {
				simulator = await this.#startSimulator();
			} catch (error) {
				this.problems.push(`${this.#options.meter}: cannot reopen ${this.#options.path}: ${String(error)}`);
				await new Promise((resolve) => setTimeout(resolve, 1000));
			}
		}
	}

	#onLog(entry: SimulatorLogEntry): void {
		if (entry.kind === 'fault') {
			this.faultCounts.set(entry.fault, (this.faultCounts.get(entry.fault) ?? 0) + 1);
		} else if (entry.kind === 'telegram') {
			const telegram = telegramOf(entry.content);
			if (telegram === undefined) {
				this.problems.push(`${this.#options.meter}: a telegram without a soak value`);
				return;
			}
			this.telegrams.push({
				meter: this.#options.meter,
				telegram,
				message: entry.message,
				intact: entry.intact,
				faults: entry.faults,
				startMs: entry.startMs,
				endMs: entry.timeMs,
				baudRate: entry.baudRate,
			});
		} else if (entry.kind === 'host-error') {
			const late = this.#options.loopLateMs?.(entry.timeMs);
			this.problems.push(
				`${this.#options.meter} at ${new Date(entry.timeMs).toISOString()}: host ${entry.problem}: ${entry.detail}` +
					(late === undefined
						? ''
						: ` (the harness's event loop ran up to ${late} ms late in the second before)`),
			);
		} else if (entry.kind === 'stopped' && entry.error !== undefined) {
			this.problems.push(`${this.#options.meter}: ${entry.error.message}`);
		}
	}
}
