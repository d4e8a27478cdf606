import {Agent, request} from 'node:http';
import {afterEach, describe, expect, it} from 'vitest';
import type {HealthReport} from '../../../src/observability/health-policy.ts';
import {type HealthServer, startHealthServer} from '../../../src/observability/health-server.ts';

interface Response {
	readonly status: number;
	readonly contentType: string | undefined;
	readonly body: string;
}

function get(
	server: HealthServer,
	path: string,
	options: {method?: string; agent?: Agent} = {},
): Promise<Response> {
	return new Promise((resolve, reject) => {
		const outgoing = request(
			`${server.url}${path}`,
			{method: options.method ?? 'GET', ...(options.agent ? {agent: options.agent} : {})},
			(response) => {
				let body = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => {
					body += chunk;
				});
				response.on('end', () =>
					resolve({status: response.statusCode ?? 0, contentType: response.headers['content-type'], body}),
				);
			},
		);
		outgoing.on('error', reject);
		outgoing.end();
	});
}

const METRICS_TEXT = '# HELP x y\n# TYPE x counter\nx 1\n';
const healthy: HealthReport = {healthy: true, unhealthy: []};
let server: HealthServer | undefined;

afterEach(async () => {
	await server?.close();
	server = undefined;
});

function start(isHealthy: () => HealthReport = () => healthy) {
	return startHealthServer({port: 0, metrics: {toPrometheus: () => METRICS_TEXT}, isHealthy}).then(
		(started) => {
			server = started;
			return started;
		},
	);
}

/** Polls until the condition holds (sockets close asynchronously); fails after about a second. */
async function waitFor(condition: () => boolean): Promise<void> {
	for (let attempt = 0; attempt < 200; attempt++) {
		if (condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
	throw new Error('condition not met');
}

const tcpHandles = () =>
	process.getActiveResourcesInfo().filter((name) => name === 'TCPServerWrap' || name === 'TCPSocketWrap')
		.length;

describe('startHealthServer', () => {
	it('listens on loopback on a free port when asked for port 0', async () => {
		const started = await start();
		expect(started.host).toBe('127.0.0.1');
		expect(started.port).toBeGreaterThan(0);
		expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
	});

	it('answers /healthz with 200 ok when healthy', async () => {
		const response = await get(await start(), '/healthz');
		expect(response).toEqual({status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok\n'});
	});

	it('answers /healthz with 503 and the unhealthy meters with their reasons', async () => {
		const report: HealthReport = {
			healthy: false,
			unhealthy: [
				{meter: 'house', reason: 'last good readout 200 s ago', lastSuccess: '2024-05-04T11:45:00.000Z'},
			],
		};
		const response = await get(await start(() => report), '/healthz');
		expect(response.status).toBe(503);
		expect(response.contentType).toBe('application/json; charset=utf-8');
		expect(JSON.parse(response.body)).toEqual({status: 'unhealthy', meters: report.unhealthy});
	});

	it('passes the clock to the health check', async () => {
		const seen: Date[] = [];
		server = await startHealthServer({
			port: 0,
			metrics: {toPrometheus: () => ''},
			isHealthy: {
				check: (now) => {
					seen.push(now);
					return healthy;
				},
			},
			clock: () => new Date('2024-05-04T12:00:00Z'),
		});
		await get(server, '/healthz');
		expect(seen).toEqual([new Date('2024-05-04T12:00:00Z')]);
	});

	it('answers 500 when the health check throws', async () => {
		const response = await get(
			await start(() => {
				throw new Error('bug');
			}),
			'/healthz',
		);
		expect(response).toMatchObject({status: 500, body: 'bug\n'});
	});

	it('serves the Prometheus text on /metrics', async () => {
		const response = await get(await start(), '/metrics?name[]=x');
		expect(response).toEqual({
			status: 200,
			contentType: 'text/plain; version=0.0.4; charset=utf-8',
			body: METRICS_TEXT,
		});
	});

	it('answers 404 for any other path', async () => {
		const started = await start();
		expect((await get(started, '/')).status).toBe(404);
		expect((await get(started, '/healthz/x')).status).toBe(404);
	});

	it('answers 405 for other methods on its paths, and HEAD without a body', async () => {
		const started = await start();
		expect((await get(started, '/metrics', {method: 'POST'})).status).toBe(405);
		expect(await get(started, '/healthz', {method: 'HEAD'})).toMatchObject({status: 200, body: ''});
	});

	it('leaves no open handles after close, even with a keep-alive connection open', async () => {
		// Sockets of earlier tests close asynchronously; start from a settled count.
		await waitFor(() => tcpHandles() === 0);
		const before = tcpHandles();
		const started = await start();
		const agent = new Agent({keepAlive: true});
		await get(started, '/metrics', {agent});
		expect(tcpHandles()).toBeGreaterThan(before);
		await started.close();
		server = undefined;
		await waitFor(() => tcpHandles() === before);
		agent.destroy();
	});

	it('closes once when close is called twice', async () => {
		const started = await start();
		await Promise.all([started.close(), started.close()]);
		server = undefined;
	});

	it('rejects a bad port, host or health check with a TypeError', async () => {
		const metrics = {toPrometheus: () => ''};
		await expect(startHealthServer({port: 70_000, metrics, isHealthy: () => healthy})).rejects.toThrow(
			/port must be a whole number from 0 to 65535, received 70000/,
		);
		await expect(startHealthServer({port: 0, host: '', metrics, isHealthy: () => healthy})).rejects.toThrow(
			/host must be a non-empty string/,
		);
		await expect(startHealthServer({port: 0, metrics, isHealthy: {} as never})).rejects.toThrow(
			/isHealthy must be/,
		);
	});

	it('rejects with a HealthServerError when the port is taken', async () => {
		const first = await start();
		await expect(
			startHealthServer({port: first.port, metrics: {toPrometheus: () => ''}, isHealthy: () => healthy}),
		).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+/);
	});
});
