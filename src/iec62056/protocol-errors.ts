/**
 * Typed errors of the protocol layer. Each names the place (byte offset, line, column) and the
 * cause, and says whether the caller may retry the readout (`retryable`).
 */

/**
 * Cut blocks and failed checks are findings about received bytes that the codec returns beside its
 * results rather than throws: where in the parser they were found tells nobody anything, and capturing
 * the stack is most of what an Error costs (about ten times the decoding of a short telegram). Their
 * constructors set Error.stackTraceLimit to 0 around super(), as MalformedDataSetError does.
 */
const NO_STACK = 0;

/** Base class: every error the codec raises is one of these, never a plain Error. */
export class ProtocolError extends Error {
	/** A repeated readout may succeed (transmission fault) rather than being a meter or config fault. */
	readonly retryable: boolean;

	constructor(message: string, options: {retryable: boolean; cause?: unknown}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.name = new.target.name;
		this.retryable = options.retryable;
	}
}

/** The block check (BCC, or the DSMR CRC16) does not match the bytes received. */
export class BlockCheckError extends ProtocolError {
	readonly algorithm: 'bcc' | 'crc16';
	readonly expected: number;
	readonly received: number;

	constructor(algorithm: 'bcc' | 'crc16', expected: number, received: number) {
		const width = algorithm === 'bcc' ? 2 : 4;
		const message = `${algorithm === 'bcc' ? 'BCC' : 'CRC16'} mismatch: computed 0x${hex(expected, width)}, received 0x${hex(received, width)}`;
		const stackTraceLimit = Error.stackTraceLimit;
		Error.stackTraceLimit = NO_STACK;
		try {
			super(message, {retryable: true});
		} finally {
			Error.stackTraceLimit = stackTraceLimit;
		}
		this.algorithm = algorithm;
		this.expected = expected;
		this.received = received;
	}
}

/** The data block ended (stream end, timeout or a new message) before its terminator. */
export class TruncatedBlockError extends ProtocolError {
	/** Bytes of the incomplete block received so far. */
	readonly receivedBytes: number;
	/** What was still missing, e.g. `ETX`, `BCC`, `! CR LF`. */
	readonly missing: string;

	constructor(receivedBytes: number, missing: string) {
		const stackTraceLimit = Error.stackTraceLimit;
		Error.stackTraceLimit = NO_STACK;
		try {
			super(`truncated data block: ${missing} missing after ${receivedBytes} bytes`, {retryable: true});
		} finally {
			Error.stackTraceLimit = stackTraceLimit;
		}
		this.receivedBytes = receivedBytes;
		this.missing = missing;
	}
}

/** A message grew past the framer's bound without ending; its bytes were dropped. */
export class FrameOverflowError extends ProtocolError {
	readonly limitBytes: number;

	constructor(limitBytes: number) {
		const stackTraceLimit = Error.stackTraceLimit;
		Error.stackTraceLimit = NO_STACK;
		try {
			super(`message longer than ${limitBytes} bytes without a terminator; dropped`, {retryable: true});
		} finally {
			Error.stackTraceLimit = stackTraceLimit;
		}
		this.limitBytes = limitBytes;
	}
}

/** One data line inside a verified block is not a valid data set; the other sets are kept. */
export class MalformedDataSetError extends ProtocolError {
	/** 1-based line inside the data block. */
	readonly line: number;
	/** 1-based column of the offending character. */
	readonly column: number;
	/** What is wrong, e.g. `no "(" after the address`. */
	readonly reason: string;
	readonly text: string;

	constructor(line: number, column: number, reason: string, text: string) {
		// A malformed set is a finding about the meter's data, returned beside the good sets and never
		// thrown: where in the parser it was found tells nobody anything. So its stack holds only the
		// message line; walking the stack is most of what an Error costs, and a meter that sends junk
		// in every readout (ACE3000) would pay it every time.
		const stackTraceLimit = Error.stackTraceLimit;
		Error.stackTraceLimit = 0;
		try {
			super(`data set at line ${line}, column ${column}: ${reason} in ${JSON.stringify(text)}`, {
				retryable: false,
			});
		} finally {
			Error.stackTraceLimit = stackTraceLimit;
		}
		this.line = line;
		this.column = column;
		this.reason = reason;
		this.text = text;
	}
}

/** A message that should be an identification, request or option select does not fit its grammar. */
export class MalformedMessageError extends ProtocolError {
	constructor(what: string, reason: string, text: string) {
		super(`${what}: ${reason} in ${JSON.stringify(text)}`, {retryable: false});
	}
}

function hex(value: number, width: number): string {
	return value.toString(16).toUpperCase().padStart(width, '0');
}
