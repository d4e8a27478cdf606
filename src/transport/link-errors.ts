import {portNameHint} from './port-name-hint.ts';

/** Why a link failed, as far as the user can act on it. */
export type LinkFailure =
	| 'not-found'
	| 'not-serial'
	| 'permission'
	| 'busy'
	| 'refused'
	| 'disconnected'
	| 'not-open'
	| 'aborted'
	| 'other';

const ADVICE: Readonly<Record<LinkFailure, string>> = {
	'not-found': 'no such port: is the IR head plugged in? (`dlms-logger ports` lists the ports)',
	'not-serial':
		'not a serial device (a file or another kind of device): give the IR head, e.g. /dev/ttyUSB0 or /dev/serial/by-id/…',
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
	/** What happened, without the place: for a message that names the place itself (`<port>: <phase>: <what>`). */
	readonly detail: string;

	constructor(place: string, failure: LinkFailure, options: {cause?: unknown; detail?: string} = {}) {
		const detail = options.detail ?? ADVICE[failure];
		super(`${place}: ${detail}`, options.cause === undefined ? undefined : {cause: options.cause});
		this.name = 'LinkError';
		this.place = place;
		this.detail = detail;
		this.failure = failure;
		// A file does not turn into a serial device by waiting.
		this.retryable = failure !== 'permission' && failure !== 'aborted' && failure !== 'not-serial';
	}
}

/**
 * Maps a Node system error (ENOENT, EACCES, EBUSY, ECONNREFUSED …) or a serialport binding error to a
 * LinkError for `place`. The native binding throws plain Errors without `code` whose text ends in
 * "Cannot open <path>" whatever the reason, so the cause is matched before that generic phrase.
 */
export function linkErrorFrom(place: string, error: unknown): LinkError {
	if (error instanceof LinkError) return error;
	const failure = failureOf(error);
	// A name of the wrong shape (`127.0.0.1:8888`, `COM3`, `ttyUSB0`) is missing for that reason.
	const hint = failure === 'not-found' ? portNameHint(place) : undefined;
	return new LinkError(place, failure, {
		cause: error,
		...(failure === 'other' ? {detail: `link failure: ${withoutAddress(error)}`} : {}),
		...(hint === undefined ? {} : {detail: `no such port: ${hint}`}),
	});
}

const FAILURE_BY_CODE: ReadonlyMap<string, LinkFailure> = new Map<string, LinkFailure>([
	['ENOENT', 'not-found'],
	['ENODEV', 'not-found'],
	['EACCES', 'permission'],
	['EPERM', 'permission'],
	['EBUSY', 'busy'],
	['ENOTTY', 'not-serial'],
	['ECONNREFUSED', 'refused'],
	['ECONNRESET', 'disconnected'],
	['EPIPE', 'disconnected'],
	['EIO', 'disconnected'],
	['ENXIO', 'disconnected'],
	['ABORT_ERR', 'aborted'],
]);

/** Messages of the serialport bindings (no `code`), most specific first: each also says "Cannot open". */
const FAILURE_BY_MESSAGE: readonly (readonly [RegExp, LinkFailure])[] = [
	[/permission denied|operation not permitted/i, 'permission'],
	[/resource busy|cannot lock port|locked/i, 'busy'],
	[/connection refused/i, 'refused'],
	[/no such file|no such device|does not exist|not found/i, 'not-found'],
	[/disconnected|input\/output error/i, 'disconnected'],
	// The binding's first ioctl on a file: "Inappropriate ioctl for device setting custom baud rate".
	[/inappropriate ioctl/i, 'not-serial'],
	[/port is not open/i, 'not-open'],
];

/**
 * The error's message without the address `place` already names: Node's socket errors end in it
 * (`connect EHOSTUNREACH 10.0.0.7:2000`), which would put the address twice in one line.
 */
function withoutAddress(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	const {syscall, code, address} = (error ?? {}) as NodeJS.ErrnoException & {address?: string};
	if (syscall !== undefined && code !== undefined && address !== undefined) return `${syscall} ${code}`;
	return message;
}

function failureOf(error: unknown): LinkFailure {
	if (error instanceof Error && error.name === 'AbortError') return 'aborted';
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const byCode = code === undefined ? undefined : FAILURE_BY_CODE.get(code);
	if (byCode !== undefined) return byCode;
	const message = error instanceof Error ? error.message : String(error);
	return FAILURE_BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1] ?? 'other';
}
