import pino from 'pino';
import {formatPrettyLogLine} from './pretty-log-line.ts';
import {redactSecrets} from './secret-redaction.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Structured context of a log entry; secrets in it are redacted (see secret-redaction.ts). */
export type LogFields = Readonly<Record<string, unknown>>;

/** A message, or a function that builds it, called only when the level is enabled. */
export type LogMessage = string | (() => string);

/**
 * The logger the rest of the code sees. Small on purpose: modules depend on this, not on pino, so
 * the library can change and tests can pass silentLogger or a recording stand-in.
 */
export interface Logger {
	/** Fields may be a function too: debug entries are often built from large objects. */
	debug(message: LogMessage, fields?: LogFields | (() => LogFields)): void;
	info(message: LogMessage, fields?: LogFields): void;
	warn(message: LogMessage, fields?: LogFields): void;
	/** Put the error under `err`: it is written with its stack and its cause chain. */
	error(message: LogMessage, fields?: LogFields): void;
	/** A logger that adds `bindings` (e.g. `{meter: 'house'}`) to every entry. */
	child(bindings: LogFields): Logger;
}

/** Where log lines go: anything with a synchronous write, e.g. a stream or a test's array. */
export interface LogDestination {
	write(line: string): unknown;
}

export interface LoggerOptions {
	/** Lowest level written. Default `info`. */
	readonly level?: LogLevel;
	/** One readable line per entry instead of JSON, for a person at a TTY. Default false (JSON lines). */
	readonly pretty?: boolean;
	/**
	 * Where lines go. Default stdout, written synchronously: a daemon that exits right after logging
	 * why must not lose that line, and a log call costs microseconds either way at our rates.
	 */
	readonly destination?: LogDestination;
}

export const DEFAULT_LOGGER_OPTIONS = {
	level: 'info',
	pretty: false,
} as const satisfies LoggerOptions;

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** A JSON-lines logger over pino (or readable lines when `pretty`), with secrets redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
	const merged = {...DEFAULT_LOGGER_OPTIONS, ...options};
	if (!LEVELS.includes(merged.level)) {
		throw new TypeError(
			`level must be one of ${LEVELS.join(', ')}, received ${JSON.stringify(merged.level)}`,
		);
	}
	if (typeof merged.pretty !== 'boolean') {
		throw new TypeError(`pretty must be a boolean, received ${JSON.stringify(merged.pretty)}`);
	}
	if (merged.destination !== undefined && typeof merged.destination.write !== 'function') {
		throw new TypeError('destination must have a write(line) method');
	}
	// pino's own destination on fd 1 rather than process.stdout: synchronous, and no stream buffering.
	const target: LogDestination = merged.destination ?? pino.destination({dest: 1, sync: true});
	// Formatting in-process on purpose: pino-pretty as a transport runs in a worker thread whose handle
	// outlives tests and short CLI runs.
	const destination = merged.pretty
		? {write: (line: string) => target.write(formatPrettyLogLine(line))}
		: target;
	const root = pino(
		{
			level: merged.level,
			// No pid/hostname: systemd and containers add those; the entries stay short.
			base: undefined,
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: {level: (label) => ({level: label})},
			serializers: {err: pino.stdSerializers.errWithCause},
		},
		destination,
	);
	return new PinoLogger(root);
}

class PinoLogger implements Logger {
	readonly #pino: pino.Logger;

	constructor(instance: pino.Logger) {
		this.#pino = instance;
	}

	debug(message: LogMessage, fields?: LogFields | (() => LogFields)): void {
		if (!this.#pino.isLevelEnabled('debug')) return;
		this.#write('debug', message, typeof fields === 'function' ? fields() : fields);
	}

	info(message: LogMessage, fields?: LogFields): void {
		this.#write('info', message, fields);
	}

	warn(message: LogMessage, fields?: LogFields): void {
		this.#write('warn', message, fields);
	}

	error(message: LogMessage, fields?: LogFields): void {
		this.#write('error', message, fields);
	}

	child(bindings: LogFields): Logger {
		return new PinoLogger(this.#pino.child(redactSecrets(bindings)));
	}

	#write(
		level: 'debug' | 'info' | 'warn' | 'error',
		message: LogMessage,
		fields: LogFields | undefined,
	): void {
		if (!this.#pino.isLevelEnabled(level)) return;
		const text = typeof message === 'function' ? message() : message;
		this.#pino[level](fields === undefined ? {} : redactSecrets(fields), text);
	}
}

/** A logger that writes nothing, for tests and for callers that were given none. */
export const silentLogger: Logger = {
	debug: () => undefined,
	info: () => undefined,
	warn: () => undefined,
	error: () => undefined,
	child: () => silentLogger,
};
