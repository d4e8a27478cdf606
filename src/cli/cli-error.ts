/** Exit codes of every command: scripts and systemd units tell failures apart by them. */
export const EXIT_CODES = {
	ok: 0,
	/** The work failed: a telegram failed its check, a file could not be read, a meter did not answer. */
	failed: 1,
	/** The command line was wrong (unknown option, bad value). */
	usage: 2,
	/** The configuration file is invalid (every problem is listed). */
	config: 78,
	/** Ended by a signal before it could finish on its own terms (128 + SIGINT's 2, as shells report). */
	interrupted: 130,
} as const;

/**
 * An error that ends a command: one line for the user, naming the place (a file, a port) and the
 * cause, and the exit code. The underlying error stays attached as `cause` for `--debug` output.
 */
export class CliError extends Error {
	readonly exitCode: number;
	/** Further lines printed after the message, e.g. a hint on what to do. */
	readonly hint: string | undefined;

	constructor(message: string, options: {exitCode?: number; cause?: unknown; hint?: string} = {}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.name = 'CliError';
		this.exitCode = options.exitCode ?? EXIT_CODES.failed;
		this.hint = options.hint;
	}
}
