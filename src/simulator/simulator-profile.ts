import {assertTimeZone} from '../readings/meter-clock.ts';
import type {SimulatorFault} from './simulator-fault.ts';

/**
 * What a simulated meter is: how it identifies itself (which fixes its mode, rate and reaction time),
 * whether it pushes, and what it says at a given instant. The engine (MeterSimulator) does the talking.
 */
export interface SimulatorProfile {
	readonly name: string;
	readonly description: string;
	/**
	 * The identification line as sent, without CR LF, e.g. `/LGZ52ZMD120APt.G03`. Its baud character
	 * sets the mode (A, B, C) and data rate, its third letter the reaction time (lower case: 20 ms).
	 */
	readonly identification: string;
	/** Present for push meters (mode D): they send on their own, without a request. */
	readonly push?: PushSettings;
	/** The device address the meter answers to (`/?address!`); absent: it answers every request. */
	readonly address?: string;
	/** Faults this meter always shows (e.g. an echoing IR head); the engine adds its own. */
	readonly faults?: readonly SimulatorFault[];
	/**
	 * The data message at an instant (ms since the epoch): STX data-block ETX BCC for modes A–C,
	 * CR LF data-block for push meters (sent right after the identification). Pure: same instant, same bytes.
	 */
	dataMessage(atMs: number): Buffer;
}

export interface PushSettings {
	/** Rate of the pushed telegrams, Bd (9600 on Easymeter, EMH, eBZ; the standard's mode D says 2400). */
	readonly baudRate: number;
	/** Time from the start of one telegram to the start of the next, ms. */
	readonly intervalMs: number;
}

/** What a user may choose about a built-in profile. */
export interface ProfileOptions {
	/** IANA zone of the meter's clock (0.9.1/0.9.2, stamps, midnight billing resets). Default `Europe/Berlin`. */
	readonly timeZone?: string;
	/** Push profiles only: ms between telegrams. Default 2000 (the Easymeter Q3D pushes every 2 s). */
	readonly pushIntervalMs?: number;
}

export const DEFAULT_PROFILE_OPTIONS: Required<ProfileOptions> = {
	timeZone: 'Europe/Berlin',
	pushIntervalMs: 2000,
};

/** Merges the defaults once and fails fast with a TypeError naming a bad option. */
export function resolveProfileOptions(options: ProfileOptions = {}): Required<ProfileOptions> {
	const merged = {...DEFAULT_PROFILE_OPTIONS, ...options};
	try {
		assertTimeZone(merged.timeZone);
	} catch (error) {
		throw new TypeError(`timeZone: ${(error as Error).message}`, {cause: error});
	}
	if (!Number.isFinite(merged.pushIntervalMs) || merged.pushIntervalMs < 100) {
		throw new TypeError(
			`pushIntervalMs must be a number of at least 100 (ms), received ${String(options.pushIntervalMs)}`,
		);
	}
	return merged;
}
