import type {Readable, Writable} from 'node:stream';

/** The process streams a command uses, passed in so commands run in tests without a process. */
export interface CommandIo {
	readonly stdin: Readable & {isTTY?: boolean};
	readonly stdout: Writable;
	readonly stderr: Writable;
	/** Aborted on SIGINT/SIGTERM: long-running commands (read, simulate, run) stop cleanly. */
	readonly signal?: AbortSignal;
}
