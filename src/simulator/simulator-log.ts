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
	/**
	 * A data message went out (logged when its last byte did): `content` as the profile made it, `bytes`
	 * as sent. `intact`: sent whole, unchanged, at the rate the host can expect it at (the agreed one;
	 * the sign-on rate for `wrong-rate=initial-rate`, which a reader stays at) — what a correct reader
	 * must be able to read. `faults`: every fault of this readout, also those that leave it intact (echo,
	 * noise-prefix). `startMs`: when its first byte went out.
	 */
	| {
			readonly timeMs: number;
			readonly kind: 'telegram';
			readonly message: 'data' | 'repeat';
			readonly content: Buffer;
			readonly bytes: Buffer;
			readonly baudRate: number;
			readonly intact: boolean;
			readonly faults: readonly SimulatorFaultKind[];
			readonly startMs: number;
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
