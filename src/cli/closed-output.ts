import type {Writable} from 'node:stream';
import {LinkError} from '../transport/link-errors.ts';

/**
 * Watches the command's output (stdout) for its reader going away (`dlms-logger parse … | head`).
 * A command that ends because of that ends quietly with exit 0, as Unix tools do. The 'error'
 * listener also keeps the stream's EPIPE from crashing the process.
 */
export class ClosedOutputWatch {
	readonly #stream: Writable;
	#closed = false;

	/** `onClosed` runs once, when the reader has gone: long-running commands stop through it. */
	constructor(stream: Writable, onClosed: () => void) {
		this.#stream = stream;
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'EPIPE' || this.#closed) return;
			this.#closed = true;
			onClosed();
		});
	}

	/** The reader has gone (the stream reported EPIPE). */
	get closed(): boolean {
		return this.#closed;
	}

	/**
	 * Whether `error` ended the command because the reader went away: the output is closed, or it is
	 * destroyed and the error is a write's EPIPE (which reaches the writer before the stream's own
	 * 'error' event). Then nothing is to be reported: nobody reads the rest.
	 */
	explains(error: unknown): boolean {
		return this.#closed || (this.#stream.destroyed && isWritePipeError(error));
	}
}

/** An EPIPE of a write in the error or its causes; one inside a LinkError is the meter's line hanging up. */
export function isWritePipeError(error: unknown): boolean {
	for (let current = error; current instanceof Error; current = current.cause) {
		if (current instanceof LinkError) return false;
		const {code, syscall} = current as NodeJS.ErrnoException;
		if (code === 'EPIPE' && (syscall === undefined || syscall === 'write')) return true;
	}
	return false;
}
