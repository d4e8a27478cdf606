import type {ReadoutError} from '../readout/readout-errors.ts';
import {blockCheckAlgorithmIn, blockCheckHint} from './block-check-hint.ts';

/** The `read` options a hint depends on: what the user already chose is never suggested again. */
export interface HintFlags {
	readonly mode: 'auto' | 'A' | 'B' | 'C' | 'D';
	readonly address?: string;
	readonly baudMax?: number;
	readonly wakeUp?: boolean;
}

/**
 * What to try after a failed `read`, given the options it ran with: `--mode A` is no advice after
 * `--mode A`, nor `--wake-up` after `--wake-up`. Undefined when there is nothing to add to the error.
 */
export function readoutFailureHint(error: ReadoutError, flags: HintFlags): string | undefined {
	if (error.pushMeter) {
		return flags.mode === 'D'
			? 'it pushes: check --push-baud and --data-bits (default 9600 Bd, 7E1)'
			: 'read it with --mode D (and --push-baud, --data-bits if it pushes at another rate than 9600 7E1)';
	}
	if (error.failure === 'block-check') {
		return blockCheckHint(new Set([blockCheckAlgorithmIn(error.message)]), error.blockCheck);
	}
	if (error.failure === 'garbage') return garbageHint(flags);
	if (error.failure === 'no-answer') {
		return [
			...(flags.wakeUp === true ? [] : ['a battery meter may need --wake-up']),
			flags.address === undefined
				? 'an addressed meter needs --address'
				: `check --address ${flags.address}: a meter answers a sign-on with its own address or with none`,
		].join('; ');
	}
	return undefined;
}

function garbageHint(flags: HintFlags): string {
	const tries: string[] = [];
	// A chosen mode the meter does not speak: the one its identification announces is the next try.
	if (flags.mode === 'auto') tries.push('--mode A');
	else
		tries.push(`without --mode ${flags.mode} (the mode the identification announces)`, otherMode(flags.mode));
	// Only modes B and C switch rates; a lower ceiling helps a head that garbles fast rates.
	if ((flags.mode === 'auto' || flags.mode === 'C') && flags.baudMax !== 300) {
		tries.push(flags.baudMax === undefined ? 'a lower --baud-max' : `a --baud-max below ${flags.baudMax}`);
	}
	tries.push('check 7E1 vs 8N1');
	const hint = `try ${tries.slice(0, -1).join(', ')}, or ${tries.at(-1)}`;
	return flags.mode === 'D' ? hint : `${hint}; a meter that sends without being asked (push) needs --mode D`;
}

/** Another mode to try after an explicit one failed: A (no rate switch), or C after A. */
function otherMode(mode: 'A' | 'B' | 'C' | 'D'): string {
	return mode === 'A' ? '--mode C' : '--mode A';
}
