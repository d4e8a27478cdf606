import {encodeRequest} from '../iec62056/request-message.ts';
import {type SerialSettings, SIGN_ON_SETTINGS} from '../transport/link.ts';
import type {ReadoutPlan} from './readout-plan.ts';

export interface ReadoutOptions {
	/** `auto` (default): from the identification. A fixed mode overrides what the meter announces. */
	readonly mode?: 'auto' | 'A' | 'B' | 'C' | 'D';
	/** Device address sent in the request `/?address!` (EMH ITZ needs its owner number). Default none. */
	readonly address?: string;
	/** The request's query character: `?` (default); `#` asks a Siemens 2WR5 for its further data. */
	readonly queryChar?: string;
	/** Highest rate to ask for in mode C, Bd. Default none (the meter's announced rate). */
	readonly baudMax?: number;
	/** Send the wake-up sequence (NULs for 2.2 s, then 1.6 s quiet) before the sign-on. Default false. */
	readonly wakeUp?: boolean;
	/** Line format of the sign-on. Default 300 Bd 7E1. */
	readonly signOnSettings?: SerialSettings;
	/** Line format of a mode D push meter. Default 9600 Bd 7E1. */
	readonly pushSettings?: SerialSettings;
	/** How long the meter may take to send its identification after the request, ms. Default 2000 (the standard allows 1500). */
	readonly identificationTimeoutMs?: number;
	/** How long after the rate switch (or the identification, in mode A) the data may take to start, ms. Default 3000. */
	readonly dataTimeoutMs?: number;
	/** Longest pause between two bytes once they flow, ms; reset by every byte. Default 1500 (the standard's maximum). */
	readonly interCharacterTimeoutMs?: number;
	/** Longest readout from sign-on to ETX, ms. Default 300 000 (a 3-minute 300 Bd telegram fits). */
	readonly totalTimeoutMs?: number;
	/** Mode D: how long to wait for a complete pushed telegram, ms. Default 30 000. */
	readonly pushTimeoutMs?: number;
	/**
	 * Wait after the ACK's last stop bit left the line and before the rate switch, ms. Default: the
	 * smaller of one character time at the sign-on rate (33.3 ms at 300 Bd) and half the meter's
	 * reaction time (10 ms for the 20 ms meters whose third identification letter is lower-case).
	 */
	readonly switchGuardMs?: number;
	/** Extra wait on top of the guard, ms (USB adapters that buffer more than their driver admits). Default 0. */
	readonly settleMs?: number;
	/** NAKs to send for a block with a wrong BCC before giving up (the meter repeats the block). Default 1. */
	readonly nakRetries?: number;
	/** Accept blocks with a wrong BCC (ACE3000); they must still be complete. Default false. */
	readonly ignoreBlockCheck?: boolean;
	/** `strip-even` for bridges that pass 7E1 characters as 8 bits. Default `none`. */
	readonly parity?: 'none' | 'strip-even';
	/**
	 * The plan to try first instead of the one the meter announces (what the collector learned for this
	 * meter); when it fails, the session falls back within the same readout. Default none.
	 */
	readonly remembered?: ReadoutPlan;
	/**
	 * When the meter answers the identification but then nothing or garbage at the agreed rate, sign on
	 * again within this readout with lower plans. False: fail with `rate-mismatch` at once. Default true.
	 */
	readonly fallback?: boolean;
	readonly signal?: AbortSignal;
}

export const DEFAULT_READOUT_OPTIONS = {
	mode: 'auto',
	signOnSettings: SIGN_ON_SETTINGS,
	pushSettings: {baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1},
	identificationTimeoutMs: 2000,
	dataTimeoutMs: 3000,
	interCharacterTimeoutMs: 1500,
	totalTimeoutMs: 300_000,
	pushTimeoutMs: 30_000,
	settleMs: 0,
	nakRetries: 1,
	ignoreBlockCheck: false,
	parity: 'none',
	fallback: true,
	wakeUp: false,
} as const satisfies Partial<ReadoutOptions>;

type OptionalKeys = 'address' | 'queryChar' | 'baudMax' | 'remembered' | 'signal' | 'switchGuardMs';
export type MergedOptions = Required<Omit<ReadoutOptions, OptionalKeys>> & Pick<ReadoutOptions, OptionalKeys>;

/** Merges the defaults once and fails fast with a TypeError naming a bad option and its value. */
export function mergeReadoutOptions(options: ReadoutOptions): MergedOptions {
	return validate({...DEFAULT_READOUT_OPTIONS, ...options});
}

function validate(options: MergedOptions): MergedOptions {
	// The request's own checks (one character, not / ! CR LF; an address of 0-9, A-Z, a-z and space) fail fast here.
	encodeRequest({
		...(options.address === undefined ? {} : {address: options.address}),
		...(options.queryChar === undefined ? {} : {queryChar: options.queryChar}),
	});
	for (const key of [
		'identificationTimeoutMs',
		'dataTimeoutMs',
		'interCharacterTimeoutMs',
		'totalTimeoutMs',
		'pushTimeoutMs',
	] as const) {
		if (!(Number.isFinite(options[key]) && options[key] > 0)) {
			throw new TypeError(
				`${key} must be a positive number of milliseconds, received ${String(options[key])}`,
			);
		}
	}
	if (!(Number.isInteger(options.nakRetries) && options.nakRetries >= 0)) {
		throw new TypeError(`nakRetries must be a whole number >= 0, received ${String(options.nakRetries)}`);
	}
	for (const key of ['switchGuardMs', 'settleMs'] as const) {
		const value = options[key];
		if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
			throw new TypeError(`${key} must be a number of milliseconds >= 0, received ${String(value)}`);
		}
	}
	if (options.baudMax !== undefined && !(options.baudMax >= 300)) {
		throw new TypeError(`baudMax must be at least 300, received ${String(options.baudMax)}`);
	}
	if (!['auto', 'A', 'B', 'C', 'D'].includes(options.mode)) {
		throw new TypeError(`mode must be auto, A, B, C or D, received ${JSON.stringify(options.mode)}`);
	}
	return options;
}
