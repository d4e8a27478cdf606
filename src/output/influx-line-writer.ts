import {HttpError, InfluxDB, type WriteApi} from '@influxdata/influxdb-client';
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
 * Mechanism only: it neither retries nor buffers. The client's own retry buffer lives in memory and
 * dies with the process, so every failure is taken over (`writeFailed` returning a Promise) and handed
 * to the durable spool, which owns the retry policy.
 */
export class InfluxLineWriter {
	readonly #target: InfluxTarget;
	readonly #client: InfluxDB;
	readonly #gzipThresholdBytes: number;
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
		let failure: Error | undefined;
		const api = this.#writeApi(lines.length, (error) => {
			failure = error;
		});
		try {
			api.writeRecords([...lines]);
			await api.flush();
		} catch (error) {
			failure ??= error as Error;
		} finally {
			api.dispose();
		}
		// The client takes only 204 and 201 as success and reports any other 2xx (a proxy's 200) as an
		// HttpError; the server stored the lines all the same, so that must not become a dead letter.
		if (failure instanceof HttpError && failure.statusCode >= 200 && failure.statusCode < 300) return;
		if (failure === undefined) return;
		// A 404 often means the configured version does not fit the server (2 against a 1.x): ask it.
		let version: string | undefined;
		if (failure instanceof HttpError && failure.statusCode === 404) {
			this.#serverVersion ??= probeServerVersion(this.#target.url);
			version = await this.#serverVersion;
		}
		throw this.#classify(failure, version);
	}

	#writeApi(lineCount: number, onFailure: (error: Error) => void): WriteApi {
		const target = this.#target;
		const [org, bucket] =
			target.kind === 'v2'
				? [target.org, target.bucket]
				: ['', target.retentionPolicy ? `${target.database}/${target.retentionPolicy}` : target.database];
		const api = this.#client.getWriteApi(org, bucket, 's', {
			batchSize: lineCount + 1,
			flushInterval: 0,
			maxRetries: 0,
			maxBufferLines: lineCount + 1,
			gzipThreshold: this.#gzipThresholdBytes,
			writeFailed(error) {
				onFailure(error);
				// A Promise here takes the batch over: no in-memory retry, flush() settles at once.
				return Promise.resolve();
			},
		});
		if (target.kind === 'v1') api.path = legacyWritePath(target);
		return api;
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
