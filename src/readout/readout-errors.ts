import type {BlockCheckEvidence} from './block-check-evidence.ts';

/** The phase of a readout in which something failed, for messages and per-phase metrics. */
export type ReadoutPhase =
	| 'open'
	| 'wake-up'
	| 'sign-on'
	| 'identification'
	| 'option-select'
	| 'data'
	| 'close';

/**
 * Why a readout produced no telegram, as far as the user (or the schedule) can act on it:
 * - `no-answer`: nothing came back to the sign-on;
 * - `timeout`: the meter stopped sending mid-way (inter-character or total timeout);
 * - `block-check`: the block's BCC/CRC was wrong (after the NAK repetition, if any);
 * - `truncated`: the block came incomplete: it ended without ETX (or `!`), or the line lost or
 *   damaged its STX (the rest came as readable data at the agreed rate, so the rate was right);
 * - `garbage`: bytes arrived but never a message (wrong rate, 7E1 read as 8N1, a noisy head);
 * - `rate-mismatch`: the meter answered at the start rate but not at the rate agreed for the data
 *   message (an ACK lost in the rate switch, a meter that stays at another rate): silence or junk
 *   after the switch, never readable data. The only failure the collector changes its plan for;
 * - `link`: the port or connection failed (unplugged, refused …);
 * - `aborted`: the caller cancelled (shutdown).
 */
export type ReadoutFailure =
	| 'no-answer'
	| 'timeout'
	| 'block-check'
	| 'truncated'
	| 'garbage'
	| 'rate-mismatch'
	| 'link'
	| 'aborted';

const ADVICE: Readonly<Partial<Record<ReadoutFailure, string>>> = {
	'no-answer': 'is the head on the optical port, the right way round, and the meter address right?',
	garbage: 'bytes arrived but no message: wrong baud rate, or 7E1 data read as 8N1 (check the port settings)',
	'rate-mismatch':
		'the meter answered the sign-on but not at the agreed rate: a USB head that holds bytes back may need a longer timeouts.switch_guard or settle',
};

const PUSH_ADVICE =
	'the meter sends without answering the sign-on: this looks like a push meter (mode D); set mode: D';

/** A readout failed: where (place), in which phase, why, and whether the next cycle may succeed. */
export class ReadoutError extends Error {
	readonly place: string;
	readonly phase: ReadoutPhase;
	readonly failure: ReadoutFailure;
	readonly retryable: boolean;
	/** Bytes received before the failure (for `--save-raw` and bug reports). */
	readonly received: Buffer;
	/** For a `block-check` failure: whether the meter sent that check itself or the line damaged the block. */
	readonly blockCheck?: BlockCheckEvidence;
	/** What went wrong, without the place, the phase and the advice (for a caller that adds its own). */
	readonly detail: string;
	/**
	 * True when the bytes received look like a push telegram sent without a sign-on answer (see
	 * push-evidence.ts): the meter is a mode D meter read as A/B/C.
	 */
	readonly pushMeter: boolean;

	constructor(
		place: string,
		phase: ReadoutPhase,
		failure: ReadoutFailure,
		detail: string,
		options: {cause?: unknown; received?: Buffer; blockCheck?: BlockCheckEvidence; pushMeter?: boolean} = {},
	) {
		const advice = options.pushMeter ? PUSH_ADVICE : ADVICE[failure];
		super(
			`${place}: ${phase}: ${detail}${advice ? `; ${advice}` : ''}`,
			options.cause === undefined ? undefined : {cause: options.cause},
		);
		this.name = 'ReadoutError';
		this.place = place;
		this.phase = phase;
		this.failure = failure;
		this.retryable = failure !== 'aborted';
		this.received = options.received ?? Buffer.alloc(0);
		this.detail = detail;
		this.pushMeter = options.pushMeter ?? false;
		if (options.blockCheck !== undefined) this.blockCheck = options.blockCheck;
	}
}
