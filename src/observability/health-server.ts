import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {HealthCheck} from './health-policy.ts';
import {type Logger, silentLogger} from './logger.ts';
import {PROMETHEUS_CONTENT_TYPE} from './prometheus-text.ts';

/** What /metrics serves; SelfMetrics is one. */
export interface PrometheusSource {
	toPrometheus(): string;
}

export interface HealthServerOptions {
	/** Address to listen on. Default `127.0.0.1`: metrics and health are for the local supervisor unless configured otherwise. */
	readonly host?: string;
	/** TCP port; 0 picks a free one (read it back from `port`). */
	readonly port: number;
	readonly metrics: PrometheusSource;
	/** A HealthCheck, or an object with one as `check` (CycleHealthPolicy). */
	readonly isHealthy: HealthCheck | {readonly check: HealthCheck};
	/** The host clock for health decisions. Default `() => new Date()`. */
	readonly clock?: () => Date;
	/** Where a failing health check or metrics export is reported. Default silentLogger. */
	readonly logger?: Logger;
}

export const DEFAULT_HEALTH_SERVER_OPTIONS = {host: '127.0.0.1'} as const;

export interface HealthServer {
	readonly host: string;
	/** The port listened on (the chosen one when 0 was asked for). */
	readonly port: number;
	/** Base URL, e.g. `http://127.0.0.1:9469`. */
	readonly url: string;
	/** Stops listening and ends open connections (keep-alive scrapers would hold the process otherwise). */
	close(): Promise<void>;
}

/** The health endpoint could not listen (port taken, address not local …). */
export class HealthServerError extends Error {
	constructor(message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'HealthServerError';
	}
}

/**
 * `GET /healthz`: 200 `ok` when healthy, else 503 with `{"status":"unhealthy","meters":[{meter, reason,
 * lastSuccess?}]}`; `GET /metrics`: Prometheus text; other paths 404, other methods 405.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
	const merged = {...DEFAULT_HEALTH_SERVER_OPTIONS, ...options};
	if (!(Number.isInteger(merged.port) && merged.port >= 0 && merged.port <= 65_535)) {
		throw new TypeError(`port must be a whole number from 0 to 65535, received ${String(options.port)}`);
	}
	if (typeof merged.host !== 'string' || merged.host === '') {
		throw new TypeError(`host must be a non-empty string, received ${JSON.stringify(options.host)}`);
	}
	if (typeof merged.metrics?.toPrometheus !== 'function') {
		throw new TypeError('metrics must have a toPrometheus() method');
	}
	const check = typeof merged.isHealthy === 'function' ? merged.isHealthy : merged.isHealthy?.check;
	if (typeof check !== 'function') {
		throw new TypeError('isHealthy must be a function or an object with a check function');
	}
	const clock = merged.clock ?? (() => new Date());
	const logger = merged.logger ?? silentLogger;

	const server = createServer((request, response) => {
		handle(request, response, {metrics: merged.metrics, check, clock, logger});
	});
	await listen(server, merged.host, merged.port);
	// Once listening, a server error (e.g. out of file descriptors) is logged, not thrown at the process.
	server.on('error', (error) => logger.error('health endpoint: server error', {err: error}));
	const {port} = server.address() as AddressInfo;
	const urlHost = merged.host.includes(':') ? `[${merged.host}]` : merged.host;
	let closing: Promise<void> | undefined;
	return {
		host: merged.host,
		port,
		url: `http://${urlHost}:${port}`,
		close: () => {
			closing ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}

interface Handlers {
	readonly metrics: PrometheusSource;
	readonly check: HealthCheck;
	readonly clock: () => Date;
	readonly logger: Logger;
}

function handle(request: IncomingMessage, response: ServerResponse, handlers: Handlers): void {
	const path = (request.url ?? '/').split('?')[0];
	if (path !== '/healthz' && path !== '/metrics') {
		send(response, 404, 'text/plain; charset=utf-8', 'not found\n');
		return;
	}
	if (request.method !== 'GET' && request.method !== 'HEAD') {
		response.setHeader('allow', 'GET, HEAD');
		send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
		return;
	}
	try {
		if (path === '/metrics') {
			send(
				response,
				200,
				PROMETHEUS_CONTENT_TYPE,
				handlers.metrics.toPrometheus(),
				request.method === 'HEAD',
			);
			return;
		}
		const report = handlers.check(handlers.clock());
		if (report.healthy) {
			send(response, 200, 'text/plain; charset=utf-8', 'ok\n', request.method === 'HEAD');
		} else {
			const body = `${JSON.stringify({status: 'unhealthy', meters: report.unhealthy})}\n`;
			send(response, 503, 'application/json; charset=utf-8', body, request.method === 'HEAD');
		}
	} catch (error) {
		// A bug in a check must show as an error to the supervisor, not as a hung or healthy endpoint.
		handlers.logger.error(`health endpoint: ${path} failed`, {err: error});
		send(response, 500, 'text/plain; charset=utf-8', `${(error as Error).message ?? String(error)}\n`);
	}
}

function send(
	response: ServerResponse,
	status: number,
	contentType: string,
	body: string,
	headOnly = false,
): void {
	response.writeHead(status, {
		'content-type': contentType,
		'content-length': Buffer.byteLength(body),
		'cache-control': 'no-store',
	});
	response.end(headOnly ? undefined : body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const onError = (error: Error) => {
			reject(
				new HealthServerError(`health endpoint: cannot listen on ${host}:${port}: ${error.message}`, {
					cause: error,
				}),
			);
		};
		server.once('error', onError);
		server.listen(port, host, () => {
			server.off('error', onError);
			resolve();
		});
	});
}
