/**
 * Faults a simulated meter can show on demand, each taken from a real meter or IR head. `times`
 * limits a fault to the first N readouts (pushes, for a push meter), so a test can check that the
 * next attempt succeeds; without it the fault shows on every readout.
 */
export type SimulatorFault =
	/** The BCC after ETX is wrong (Itron ACE3000, some Kamstrup 382). Push telegrams have none: no effect. */
	| {readonly kind: 'bad-bcc'; readonly bcc?: number; readonly times?: number}
	/** The data message stops after `afterBytes` bytes (default: half of it); the meter then falls silent. */
	| {readonly kind: 'truncate'; readonly afterBytes?: number; readonly times?: number}
	/** The meter logs the request but never answers (wrong address, dead optics, meter asleep). */
	| {readonly kind: 'silence'; readonly times?: number}
	/** A pause between the characters of every message the meter sends, ms (slow UARTs; ta allows < 1500). */
	| {readonly kind: 'slow-bytes'; readonly delayMs: number; readonly times?: number}
	/** A half-duplex IR head sends back every byte the host writes, at once. */
	| {readonly kind: 'echo'; readonly times?: number}
	/**
	 * The meter answers at another rate than the host asked for: `initial-rate` sends the data at
	 * 300 Bd right after the identification without waiting for the ACK (Itron EM214);
	 * `announced-rate` ignores a lower rate in the option select and answers at the announced one (AUX SX330);
	 * `other-rate` sends the data message at half the agreed rate when that is above 300 Bd (a glitch;
	 * with `times: 1`, once).
	 */
	| {
			readonly kind: 'wrong-rate';
			readonly answer: 'initial-rate' | 'announced-rate' | 'other-rate';
			readonly times?: number;
	  }
	/** NUL and DEL bytes before the identification (Itron ACE3000), `bytes` of them (default 6). */
	| {readonly kind: 'noise-prefix'; readonly bytes?: number; readonly times?: number}
	/** The meter closes the link after `afterBytes` bytes of the data message (default: half of it). */
	| {readonly kind: 'hang-up'; readonly afterBytes?: number; readonly times?: number}
	/**
	 * A burst of line noise inside the data message: `bytes` (default 8) printable characters inserted
	 * after its first third, chosen so that they never cancel out in the BCC (a burst the check cannot see
	 * is the fuzzing's subject, not a fault to rotate). A push telegram has no BCC to see it: there the
	 * fault has no effect (noted in the log), like `bad-bcc`.
	 */
	| {readonly kind: 'noise-burst'; readonly bytes?: number; readonly times?: number};

export type SimulatorFaultKind = SimulatorFault['kind'];

/** Every fault with the `--fault` syntax and what it does, for help texts. */
export const SIMULATOR_FAULTS: readonly {
	readonly kind: SimulatorFaultKind;
	readonly syntax: string;
	readonly description: string;
}[] = [
	{
		kind: 'bad-bcc',
		syntax: 'bad-bcc[=BYTE]',
		description: 'wrong BCC after ETX (default: the right one XOR 1)',
	},
	{
		kind: 'truncate',
		syntax: 'truncate[=BYTES]',
		description: 'stop the data message after BYTES (default half)',
	},
	{kind: 'silence', syntax: 'silence', description: 'never answer'},
	{kind: 'slow-bytes', syntax: 'slow-bytes[=MS]', description: 'pause MS between characters (default 50)'},
	{kind: 'echo', syntax: 'echo', description: 'echo every byte the host writes (half-duplex IR head)'},
	{
		kind: 'wrong-rate',
		syntax: 'wrong-rate[=initial-rate|announced-rate|other-rate]',
		description:
			'data at 300 Bd at once (Itron EM214, default), ignore a lower requested rate (AUX SX330), or data at half the agreed rate',
	},
	{kind: 'noise-prefix', syntax: 'noise-prefix[=COUNT]', description: 'NUL/DEL bytes before "/" (default 6)'},
	{
		kind: 'hang-up',
		syntax: 'hang-up[=BYTES]',
		description: 'close the link after BYTES of data (default half)',
	},
	{
		kind: 'noise-burst',
		syntax: 'noise-burst[=COUNT]',
		description: 'COUNT bytes of line noise inside the data message, never cancelling in the BCC (default 8)',
	},
];

/** Default pause of `slow-bytes` without a value, ms. */
export const DEFAULT_SLOW_BYTES_DELAY_MS = 50;
/** Default count of `noise-prefix` bytes. */
export const DEFAULT_NOISE_PREFIX_BYTES = 6;
/** Default count of `noise-burst` bytes. */
export const DEFAULT_NOISE_BURST_BYTES = 8;

/** Parses the `--fault NAME[=VALUE]` syntax. Throws a TypeError naming the fault and the bad value. */
export function parseFault(text: string): SimulatorFault {
	const equals = text.indexOf('=');
	const name = equals < 0 ? text : text.slice(0, equals);
	const value = equals < 0 ? undefined : text.slice(equals + 1);
	const noValue = (fault: SimulatorFault): SimulatorFault => {
		if (value !== undefined)
			throw new TypeError(`fault ${name} takes no value, received ${JSON.stringify(value)}`);
		return fault;
	};
	switch (name) {
		case 'bad-bcc':
			return value === undefined ? {kind: name} : {kind: name, bcc: byteValue(name, value)};
		case 'truncate':
		case 'hang-up':
			return value === undefined ? {kind: name} : {kind: name, afterBytes: count(name, value, 0)};
		case 'silence':
		case 'echo':
			return noValue({kind: name});
		case 'slow-bytes':
			return {kind: name, delayMs: value === undefined ? DEFAULT_SLOW_BYTES_DELAY_MS : count(name, value, 1)};
		case 'noise-prefix':
		case 'noise-burst':
			return value === undefined ? {kind: name} : {kind: name, bytes: count(name, value, 1)};
		case 'wrong-rate':
			if (
				value === undefined ||
				value === 'initial-rate' ||
				value === 'announced-rate' ||
				value === 'other-rate'
			) {
				return {kind: name, answer: value ?? 'initial-rate'};
			}
			throw new TypeError(
				`fault wrong-rate takes initial-rate, announced-rate or other-rate, received ${JSON.stringify(value)}`,
			);
		default:
			throw new TypeError(
				`unknown fault ${JSON.stringify(name)}; known: ${SIMULATOR_FAULTS.map((fault) => fault.kind).join(', ')}`,
			);
	}
}

/** Checks a fault given in code (options, profiles); throws a TypeError naming the field and value. */
export function validateFault(fault: SimulatorFault): SimulatorFault {
	if (!SIMULATOR_FAULTS.some((known) => known.kind === fault.kind)) {
		throw new TypeError(`faults: unknown kind ${JSON.stringify((fault as {kind: unknown}).kind)}`);
	}
	const check = (field: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER) => {
		if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
			throw new TypeError(
				`faults: ${fault.kind}.${field} must be an integer from ${min} to ${max}, received ${String(value)}`,
			);
		}
	};
	check('times', fault.times, 1);
	if (fault.kind === 'bad-bcc') check('bcc', fault.bcc, 0, 0xff);
	if (fault.kind === 'truncate' || fault.kind === 'hang-up') check('afterBytes', fault.afterBytes, 0);
	if (fault.kind === 'noise-prefix' || fault.kind === 'noise-burst') check('bytes', fault.bytes, 1);
	if (fault.kind === 'slow-bytes') {
		if (!Number.isFinite(fault.delayMs) || fault.delayMs < 0) {
			throw new TypeError(
				`faults: slow-bytes.delayMs must be a number ≥ 0, received ${String(fault.delayMs)}`,
			);
		}
	}
	if (
		fault.kind === 'wrong-rate' &&
		fault.answer !== 'initial-rate' &&
		fault.answer !== 'announced-rate' &&
		fault.answer !== 'other-rate'
	) {
		throw new TypeError(
			`faults: wrong-rate.answer must be "initial-rate", "announced-rate" or "other-rate", received ${JSON.stringify(fault.answer)}`,
		);
	}
	return fault;
}

function count(name: string, value: string, min: number): number {
	const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
	if (!Number.isSafeInteger(number) || number < min) {
		throw new TypeError(
			`fault ${name} takes an integer of at least ${min}, received ${JSON.stringify(value)}`,
		);
	}
	return number;
}

function byteValue(name: string, value: string): number {
	const number = /^(0x[0-9a-f]{1,2}|\d{1,3})$/i.test(value) ? Number(value) : Number.NaN;
	if (!(number >= 0 && number <= 0xff)) {
		throw new TypeError(`fault ${name} takes a byte (0–255 or 0x00–0xFF), received ${JSON.stringify(value)}`);
	}
	return number;
}
