import type {Identification} from '../iec62056/identification.ts';
import {MODE_C_BAUD_RATES} from '../iec62056/protocol-mode.ts';
import type {SerialSettings} from '../transport/link.ts';

/** How a meter is read: its protocol mode and the rate of its data message. */
export interface ReadoutPlan {
	/** A: stay at the sign-on rate; B: switch without ACK; C: ACK then switch; D: listen to pushes. */
	readonly mode: 'A' | 'B' | 'C' | 'D';
	/** Rate of the data, Bd (for A the sign-on rate). */
	readonly baudRate?: number;
}

/** What bounds the choice of a plan: the sign-on format and the rate cap. */
export interface PlanLimits {
	readonly signOnSettings: SerialSettings;
	/** Highest rate to ask for in mode C, Bd. */
	readonly baudMax?: number | undefined;
}

/** Mode and rate from the identification, a forced plan, the rate cap, and whether the link can switch at all. */
export function choosePlan(
	identification: Identification,
	plan: ReadoutPlan | undefined,
	options: PlanLimits,
	canSwitch: boolean,
): {mode: 'A' | 'B' | 'C'; baudRate: number} {
	const signOnRate = options.signOnSettings.baudRate;
	// A `\2` (mode E capable) meter announces a mode C rate character and is read in mode C.
	const announced = identification.mode;
	const mode = plan?.mode === 'A' || plan?.mode === 'B' || plan?.mode === 'C' ? plan.mode : announced;
	if (mode === 'A' || announced === 'A') return {mode: 'A', baudRate: signOnRate};
	// A raw TCP bridge keeps its configured rate: a mode C meter must be asked to stay at it too (ACK 0 0 0),
	// or it alone would switch and the bridge would pass garbage.
	if (mode === 'C' && !canSwitch) return {mode, baudRate: signOnRate};
	let baudRate = plan?.baudRate ?? identification.baudRate;
	if (mode === 'C' && options.baudMax !== undefined && plan?.baudRate === undefined) {
		const allowed = MODE_C_BAUD_RATES.filter((rate) => rate <= Math.min(options.baudMax as number, baudRate));
		baudRate = allowed.at(-1) ?? signOnRate;
	}
	return {mode, baudRate};
}

/**
 * What to try when the agreed plan failed, in order: the rate the meter announced (if a cap or a
 * learned plan lowered it), mode C staying at the sign-on rate (`ACK 0 0 0`, which every mode C meter
 * must accept), then mode A (no ACK: for meters that send anyway once they waited for it).
 */
export function fallbackPlans(
	failed: ReadoutPlan,
	identification: Identification,
	options: Pick<PlanLimits, 'signOnSettings'>,
): ReadoutPlan[] {
	const signOnRate = options.signOnSettings.baudRate;
	const candidates: ReadoutPlan[] = [];
	if (identification.mode === 'C' && failed.baudRate !== identification.baudRate) {
		candidates.push({mode: 'C', baudRate: identification.baudRate});
	}
	if (identification.mode === 'C') candidates.push({mode: 'C', baudRate: signOnRate});
	candidates.push({mode: 'A', baudRate: signOnRate});
	return candidates.filter(
		(plan) =>
			!(plan.mode === failed.mode && (plan.baudRate ?? signOnRate) === (failed.baudRate ?? signOnRate)),
	);
}

/** `mode C at 9600 Bd`, for messages. */
export function describePlan(plan: ReadoutPlan): string {
	return plan.baudRate === undefined ? `mode ${plan.mode}` : `mode ${plan.mode} at ${plan.baudRate} Bd`;
}
