import type {Identification} from '../iec62056/identification.ts';
import {type SimulatorFault, validateFault} from './simulator-fault.ts';
import type {SimulatorLogEntry} from './simulator-log.ts';
import type {SimulatorProfile} from './simulator-profile.ts';

export interface MeterSimulatorOptions {
	/** What the meter is and says. Required. */
	readonly profile: SimulatorProfile;
	/** Faults on top of the profile's own (see SimulatorFault). Default none. */
	readonly faults?: readonly SimulatorFault[];
	/**
	 * Faults for one readout only, by its number (1 = the first request answered, or the first push):
	 * a schedule that rotates faults. Asked again for every check, so it must answer the same for the
	 * same number; `times` is ignored here. Default none.
	 */
	readonly faultsAt?: (readout: number) => readonly SimulatorFault[];
	/** The meter's clock for the values it reports, ms since the epoch. Default Date.now (fake timers move it). */
	readonly clock?: () => number;
	/**
	 * The meter's device address: it answers a request with this address or with none, and stays silent
	 * for another (IEC 62056-21, request message). `''` answers every request. Default: the profile's, else `''`.
	 */
	readonly address?: string;
	/**
	 * Stay silent for a request without an address too, as meters set to insist on it do (the EMH ITZ
	 * with an owner number). Default false, as the standard has it.
	 */
	readonly addressRequired?: boolean;
	/** tr, from a request (or option select) to the answer, ms. Default: 20 for a lower-case third letter, else 200. */
	readonly reactionTimeMs?: number;
	/** tt, how long a mode C meter waits for the option select after its identification, ms. Default 2000 (1500 < tt ≤ 2200). */
	readonly optionSelectTimeoutMs?: number;
	/**
	 * What a mode C meter does when tt passes without an option select: `give-up` (wait for the next
	 * request) or `data-at-initial-rate` (send the data at 300 Bd anyway). Meters differ; default `give-up`.
	 */
	readonly withoutOptionSelect?: 'give-up' | 'data-at-initial-rate';
	/**
	 * After a data message the meter stays at the data rate this long and repeats the message once on
	 * a NAK, ms; then it returns to 300 Bd. Default 1500. Bytes at another rate end the window at once
	 * (the host signing on again at 300 Bd).
	 */
	readonly repeatWindowMs?: number;
	/**
	 * Opens the link again when the other side hangs up (a TCP bridge accepts its next client), instead
	 * of stopping. Default false.
	 */
	readonly reopen?: boolean;
	/**
	 * How the `hang-up` fault ends the line. Default `link.close()`; over the in-memory pair pass
	 * `() => pair.hangUp('meter')` so the host's onClose fires.
	 */
	readonly hangUp?: () => void | Promise<void>;
	/** Called with every log entry as it is recorded (the CLI prints them). */
	readonly onLog?: (entry: SimulatorLogEntry) => void;
	/**
	 * Keep real line time over a link that delivers at once (a pty): every message goes out in slices
	 * at 10 bits a character (7E1) at the meter's current rate, and a received message counts only once
	 * its last character would have arrived at that rate. Default false (the in-memory pair paces itself).
	 */
	readonly paced?: boolean;
	/**
	 * With `paced`: each message goes out in one write at once instead of at 10 bits a character, while
	 * the host is still heard only once its message would have ended on the line (so the meter never
	 * answers before a real one could, and hears an ACK when its last character would arrive). A ZMD120
	 * readout then takes about 0.8 s instead of 2.4 s, for tests that assert what is said, not how long
	 * the meter's own messages take. `hostLineRate` then judges a whole message by when it is written.
	 * Default false. (Fully unpaced over a pty, a mode C meter hears the ACK the moment it is written and
	 * answers 200 ms later, before a host that waits out the ACK's line time has switched.)
	 */
	readonly sendAtOnce?: boolean;
	/**
	 * With `paced`: the rate the host's end of the line was at, at an instant (ms since the epoch), Bd
	 * (over a pty, read from its termios). A character that ends while the two ends disagree is garbled,
	 * as a UART would make of it, so a pty pair loses an ACK cut by an early switch as a real line does.
	 * Default none (the link itself models rates, as the in-memory pair does; a pty then passes everything).
	 */
	readonly hostLineRate?: (atMs: number) => number | undefined;
}

export const DEFAULT_METER_SIMULATOR_OPTIONS = {
	faults: [] as readonly SimulatorFault[],
	clock: (): number => Date.now(),
	optionSelectTimeoutMs: 2000,
	withoutOptionSelect: 'give-up' as 'give-up' | 'data-at-initial-rate',
	repeatWindowMs: 1500,
	reopen: false,
	paced: false,
	sendAtOnce: false,
	addressRequired: false,
} as const;

/** The options with every default filled in and checked. */
export interface ResolvedMeterSimulatorOptions {
	readonly faults: readonly SimulatorFault[];
	readonly faultsAt: ((readout: number) => readonly SimulatorFault[]) | undefined;
	readonly clock: () => number;
	readonly address: string;
	readonly addressRequired: boolean;
	readonly reactionTimeMs: number;
	readonly optionSelectTimeoutMs: number;
	readonly withoutOptionSelect: 'give-up' | 'data-at-initial-rate';
	readonly repeatWindowMs: number;
	readonly reopen: boolean;
	readonly paced: boolean;
	readonly sendAtOnce: boolean;
	readonly hostLineRate: ((atMs: number) => number | undefined) | undefined;
	readonly hangUp: (() => void | Promise<void>) | undefined;
	readonly onLog: ((entry: SimulatorLogEntry) => void) | undefined;
}

/**
 * Merges the defaults once (the profile's faults first, then the options'; reaction time from the
 * identification) and fails fast with a TypeError naming a bad option and its value.
 */
export function resolveMeterSimulatorOptions(
	options: MeterSimulatorOptions,
	identification: Pick<Identification, 'reactionTimeMs'>,
): ResolvedMeterSimulatorOptions {
	const merged = {...DEFAULT_METER_SIMULATOR_OPTIONS, ...options};
	const resolved: ResolvedMeterSimulatorOptions = {
		faults: [...(options.profile.faults ?? []), ...merged.faults].map(validateFault),
		faultsAt: merged.faultsAt,
		clock: merged.clock,
		address: merged.address ?? options.profile.address ?? '',
		addressRequired: merged.addressRequired,
		reactionTimeMs: merged.reactionTimeMs ?? identification.reactionTimeMs,
		optionSelectTimeoutMs: merged.optionSelectTimeoutMs,
		withoutOptionSelect: merged.withoutOptionSelect,
		repeatWindowMs: merged.repeatWindowMs,
		reopen: merged.reopen,
		paced: merged.paced,
		sendAtOnce: merged.sendAtOnce,
		hostLineRate: merged.hostLineRate,
		hangUp: merged.hangUp,
		onLog: merged.onLog,
	};
	for (const name of ['reactionTimeMs', 'optionSelectTimeoutMs', 'repeatWindowMs'] as const) {
		const value = resolved[name];
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
			throw new TypeError(`${name} must be a number of ms ≥ 0, received ${String(value)}`);
		}
	}
	if (resolved.withoutOptionSelect !== 'give-up' && resolved.withoutOptionSelect !== 'data-at-initial-rate') {
		throw new TypeError(
			`withoutOptionSelect must be "give-up" or "data-at-initial-rate", received ${JSON.stringify(options.withoutOptionSelect)}`,
		);
	}
	if (typeof resolved.paced !== 'boolean') {
		throw new TypeError(`paced must be true or false, received ${String(options.paced)}`);
	}
	if (typeof resolved.sendAtOnce !== 'boolean') {
		throw new TypeError(`sendAtOnce must be true or false, received ${String(options.sendAtOnce)}`);
	}
	if (resolved.faultsAt !== undefined && typeof resolved.faultsAt !== 'function') {
		throw new TypeError(`faultsAt must be a function, received ${String(options.faultsAt)}`);
	}
	if (resolved.hostLineRate !== undefined && typeof resolved.hostLineRate !== 'function') {
		throw new TypeError(`hostLineRate must be a function, received ${String(options.hostLineRate)}`);
	}
	if (typeof resolved.addressRequired !== 'boolean') {
		throw new TypeError(`addressRequired must be true or false, received ${String(options.addressRequired)}`);
	}
	if (typeof resolved.address !== 'string') {
		throw new TypeError(`address must be a string, received ${String(options.address)}`);
	}
	if (typeof resolved.clock !== 'function') {
		throw new TypeError(
			`clock must be a function returning ms since the epoch, received ${String(options.clock)}`,
		);
	}
	return resolved;
}
