import type {Frame} from '../iec62056/frame.ts';
import type {SimulatorFaultKind} from './simulator-fault.ts';

/** What the simulated meter sent: its messages, an echo of the host, or fault noise. */
export type SentMessage = 'identification' | 'data' | 'repeat' | 'echo' | 'noise' | 'password' | 'break';

/**
 * What the host did wrong, as far as the meter can tell:
 * - `garbled`: bytes arrived at another rate than the meter's (bit 7 set): the host switched too early or too late;
 * - `bad-option-select`: an option select with a baud character outside `0`–`6`;
 * - `no-option-select`: no option select within tt after the identification (sent too late, or not at all).
 */
export type HostProblem = 'garbled' | 'bad-option-select' | 'no-option-select';

/** Why the simulator stopped. */
export type SimulatorStopReason = 'closed' | 'aborted' | 'hang-up' | 'link-closed' | 'link-error';

/** One thing that happened, with the time (Date.now(), so fake timers apply) and the meter's rate then. */
export type SimulatorLogEntry =
	| {
			readonly timeMs: number;
			readonly kind: 'received';
			readonly frame: Frame['kind'];
			readonly bytes: Buffer;
			readonly baudRate: number;
	  }
	| {
			readonly timeMs: number;
			readonly kind: 'sent';
			readonly message: SentMessage;
			readonly bytes: Buffer;
			readonly baudRate: number;
	  }
	| {readonly timeMs: number; readonly kind: 'baud'; readonly baudRate: number}
	| {readonly timeMs: number; readonly kind: 'ignored'; readonly reason: string}
	| {
			readonly timeMs: number;
			readonly kind: 'host-error';
			readonly problem: HostProblem;
			readonly detail: string;
	  }
	| {
			readonly timeMs: number;
			readonly kind: 'fault';
			readonly fault: SimulatorFaultKind;
			readonly detail: string;
	  }
	| {
			readonly timeMs: number;
			readonly kind: 'stopped';
			readonly reason: SimulatorStopReason;
			readonly error?: Error;
	  };
