/** Why a link failed, as far as the user can act on it. */
export type LinkFailure =
	| 'not-found'
	| 'permission'
	| 'busy'
	| 'refused'
	| 'disconnected'
	| 'not-open'
	| 'aborted'
	| 'other';

const ADVICE: Readonly<Record<LinkFailure, string>> = {
	'not-found': 'no such port: is the IR head plugged in? (`dlms-logger ports` lists the ports)',
	permission:
		'permission denied: add the user to the dialout group, or install the udev rule from the README',
	busy: 'port busy: another program has it open (another logger, ModemManager, a serial console)',
	refused: 'connection refused: is the bridge (ser2net, ESP-Link, Tasmota) listening on that port?',
	disconnected: 'the link went away: reader unplugged or bridge hung up',
	'not-open': 'the link is not open',
	aborted: 'aborted',
	other: 'link failure',
};

/**
 * A failure of the line itself (not of the protocol). Carries where (`place`), the kind of failure
 * the user can act on, whether retrying later may help, and the underlying error as `cause`.
 */
export class LinkError extends Error {
	readonly place: string;
	readonly failure: LinkFailure;
	readonly retryable: boolean;

	constructor(place: string, failure: LinkFailure, options: {cause?: unknown; detail?: string} = {}) {
		const detail = options.detail ?? ADVICE[failure];
		super(`${place}: ${detail}`, options.cause === undefined ? undefined : {cause: options.cause});
		this.name = 'LinkError';
		this.place = place;
		this.failure = failure;
		this.retryable = failure !== 'permission' && failure !== 'aborted';
	}
}

/** Maps a Node system error (ENOENT, EACCES, EBUSY, ECONNREFUSED …) to a LinkError for `place`. */
export function linkErrorFrom(place: string, error: unknown): LinkError {
	if (error instanceof LinkError) return error;
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const message = error instanceof Error ? error.message : String(error);
	const failure: LinkFailure =
		code === 'ENOENT' || /no such file|cannot open|not found/i.test(message)
			? 'not-found'
			: code === 'EACCES' || code === 'EPERM' || /permission denied/i.test(message)
				? 'permission'
				: code === 'EBUSY' || /resource busy|cannot lock port|locked/i.test(message)
					? 'busy'
					: code === 'ECONNREFUSED'
						? 'refused'
						: code === 'ECONNRESET' || code === 'EPIPE' || code === 'EIO' || /disconnected/i.test(message)
							? 'disconnected'
							: code === 'ABORT_ERR'
								? 'aborted'
								: 'other';
	return new LinkError(place, failure, {
		cause: error,
		...(failure === 'other' ? {detail: `link failure: ${message}`} : {}),
	});
}
