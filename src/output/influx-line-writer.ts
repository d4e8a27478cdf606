import {HttpError, InfluxDB} from '@influxdata/influxdb-client';
import {describeTarget, type InfluxTarget, legacyWritePath} from './influx-target.ts';
import {InfluxWriteError, parseRetryAfter} from './influx-write-error.ts';
import {notFoundHint, probeServerVersion} from './server-version-hint.ts';

export interface InfluxLineWriterOptions {
	/** Socket timeout per request, ms. Default 10 000. */
	readonly timeoutMs?: number;
	/** Bodies larger than this are sent gzip-compressed, bytes. Default 1000 (the client's default). */
	readonly gzipThresholdBytes?: number;
}

export const DEFAULT_INFLUX_LINE_WRITER_OPTIONS = {timeoutMs: 10_000, gzipThresholdBytes: 1000} as const;

/**
 * Sends one batch of line-protocol lines and says, by throwing an InfluxWriteError, what went wrong.
 * Mechanism only: it neither retries nor buffers. The body goes out through the client's transport
 * (its connection handling, token, timeout and gzip) as one POST to the write endpoint, not through
 * the client's WriteApi: that one keeps a retry buffer in memory, which dies with the process (the
 * durable spool owns the retry policy), and copies and measures every line character by character,
 * a cost that a backfill of millions of points pays in full.
 */
export class InfluxLineWriter {
	readonly #target: InfluxTarget;
	readonly #client: InfluxDB;
	readonly #gzipThresholdBytes: number;
	/** Request path and query of the write endpoint. */
	readonly #path: string;
	/** The server's version from /ping, asked once, after the first 404. */
	#serverVersion: Promise<string | undefined> | undefined;

	constructor(target: InfluxTarget, options: InfluxLineWriterOptions = {}) {
		const merged = {...DEFAULT_INFLUX_LINE_WRITER_OPTIONS, ...options};
		if (!/^https?:\/\/[^/]+/.test(target.url)) {
			throw new TypeError(
				`InfluxDB url must start with http:// or https://, received ${JSON.stringify(target.url)}`,
			);
		}
		this.#target = target;
		this.#gzipThresholdBytes = merged.gzipThresholdBytes;
		this.#path = writePath(target);
		const token =
			target.kind === 'v2'
				? target.token
				: target.kind === 'v1-compat' && target.username !== undefined
					? `${target.username}:${target.password ?? ''}`
					: undefined;
		this.#client = new InfluxDB({
			url: target.url,
			timeout: merged.timeoutMs,
			...(token === undefined ? {} : {token}),
		});
	}

	/** Where lines go, for messages. */
	get description(): string {
		return describeTarget(this.#target);
	}

	/** Resolves when the server answered 2xx for every line; throws InfluxWriteError otherwise. */
	async send(lines: readonly string[]): Promise<void> {
		if (lines.length === 0) return;
		await this.#write(lines.join('\n'));
	}

	/**
	 * As send(), for lines already in one buffer (UTF-8, each ended by `\n`, as the spool holds them):
	 * the body goes out as it is, without splitting it into lines first.
	 */
	async sendText(text: Uint8Array): Promise<void> {
		if (text.length === 0) return;
		// The body ends without a line end, as send() makes it. The bytes go out as they are: decoding a
		// batch of hundreds of kilobytes into a string only for the transport to encode it again cost a
		// backfill about 6 % of its time, and the large strings more collections.
		const length = text[text.length - 1] === 0x0a ? text.length - 1 : text.length;
		await this.#write(Buffer.from(text.buffer, text.byteOffset, length));
	}

	async #write(body: string | Buffer): Promise<void> {
		let failure: Error | undefined;
		try {
			await this.#post(body);
		} catch (error) {
			failure = error as Error;
		}
		if (failure === undefined) return;
		// As the client's WriteApi: InfluxDB Enterprise stored the lines when its hinted handoff queue is busy.
		if (failure instanceof HttpError && isHintedHandoffBusy(failure)) return;
		// A 404 often means the configured version does not fit the server (2 against a 1.x): ask it.
		let version: string | undefined;
		if (failure instanceof HttpError && failure.statusCode === 404) {
			this.#serverVersion ??= probeServerVersion(this.#target.url);
			version = await this.#serverVersion;
		}
		throw this.#classify(failure, version);
	}

	/**
	 * One POST; resolves on any 2xx (the transport reports 3xx and above as an HttpError). The client
	 * itself takes only 204 and 201 and reports another 2xx (a proxy's 200) as a failure, though the
	 * server stored the lines: that must not become a dead letter.
	 */
	#post(body: string | Buffer): Promise<void> {
		return new Promise((resolve, reject) => {
			this.#client.transport.send(
				this.#path,
				// Typed as a string, but the Node transport takes its body through Buffer.from(body, 'utf-8'),
				// which copies a Buffer's bytes as they are (and gzips that copy above the threshold).
				body as string,
				{
					method: 'POST',
					headers: {'content-type': 'text/plain; charset=utf-8'},
					gzipThreshold: this.#gzipThresholdBytes,
				},
				{next: () => undefined, error: reject, complete: resolve},
			);
		});
	}

	#classify(error: Error, serverVersion: string | undefined): InfluxWriteError {
		const where = this.description;
		if (error instanceof HttpError) {
			const status = error.statusCode;
			const body = (error.body ?? error.message).trim().replace(/\s+/g, ' ').slice(0, 300);
			// Destructured: the strict tsconfig forbids `headers.location`, Biome forbids `headers['location']`.
			const {'retry-after': retryAfter, location} = error.headers ?? {};
			const retryAfterMs = parseRetryAfter(headerValue(retryAfter));
			// A redirect (http → https, a moved proxy path) is not followed: it is a wrong url, not bad data.
			const redirect = status >= 300 && status < 400;
			const disposition =
				status === 429 || status >= 500
					? 'retry'
					: redirect || status === 401 || status === 403 || status === 404 || status === 413
						? 'hold'
						: 'dead-letter';
			const advice =
				status === 401 || status === 403
					? ' (check the token or username/password)'
					: status === 404
						? notFoundHint(this.#target, serverVersion)
						: redirect
							? ` (the server redirects to ${headerValue(location) ?? 'another url'}: configure that url)`
							: '';
			return new InfluxWriteError(`${where}: HTTP ${status}: ${body}${advice}`, {
				disposition,
				status,
				...(retryAfterMs === undefined ? {} : {retryAfterMs}),
				cause: error,
			});
		}
		const code = (error as NodeJS.ErrnoException).code;
		return new InfluxWriteError(`${where}: ${networkFailureWords(code, error.message)}`, {
			disposition: 'retry',
			cause: error,
		});
	}
}

/**
 * The write endpoint with its query: the legacy `/write?db=…` for 1.x before 1.8, else `/api/v2/write`
 * with org and bucket (`database/retention-policy` for the 1.8+ compatibility endpoint), seconds.
 */
function writePath(target: InfluxTarget): string {
	if (target.kind === 'v1') return legacyWritePath(target);
	const [org, bucket] =
		target.kind === 'v2'
			? [target.org, target.bucket]
			: ['', target.retentionPolicy ? `${target.database}/${target.retentionPolicy}` : target.database];
	return `/api/v2/write?org=${encodeURIComponent(org)}&bucket=${encodeURIComponent(bucket)}&precision=s`;
}

function isHintedHandoffBusy(error: HttpError): boolean {
	const json = error.json as {error?: unknown} | undefined;
	return typeof json?.error === 'string' && json.error.includes('hinted handoff queue not empty');
}

function headerValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

/**
 * A network failure in words, without the address again (`where` names the server already): Node's
 * own message is `connect ECONNREFUSED 127.0.0.1:8086`.
 */
export function networkFailureWords(code: string | undefined, message: string): string {
	const words: Record<string, string> = {
		ECONNREFUSED: 'connection refused (is the server running, on this port?)',
		ECONNRESET: 'the connection was reset',
		ETIMEDOUT: 'no answer (timed out)',
		EHOSTUNREACH: 'host unreachable',
		ENETUNREACH: 'network unreachable',
		ENOTFOUND: 'no such host (check the name in influxdb.url)',
		EAI_AGAIN: 'the host name could not be looked up (DNS)',
	};
	if (code !== undefined && words[code] !== undefined) return words[code];
	return code !== undefined && !message.includes(code) ? `${code} ${message}` : message;
}
