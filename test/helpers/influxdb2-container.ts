import {request} from 'node:http';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {type InfluxSeries, parseInfluxQlAnswer} from './influxd-server.ts';

/** Where a Docker engine would listen, in the order the docker CLI and testcontainers look. */
function dockerEndpoints(): Array<{socketPath: string} | {host: string; port: number}> {
	// Destructured: the strict tsconfig forbids `process.env.X`, Biome forbids `process.env['X']`.
	const {DOCKER_HOST: dockerHost, XDG_RUNTIME_DIR: runtimeDir} = process.env;
	if (dockerHost !== undefined && dockerHost !== '') {
		if (dockerHost.startsWith('unix://')) return [{socketPath: dockerHost.slice('unix://'.length)}];
		if (dockerHost.startsWith('tcp://')) {
			const {hostname, port} = new URL(`http://${dockerHost.slice('tcp://'.length)}`);
			return [{host: hostname, port: Number(port || 2375)}];
		}
		// ssh:// and npipe:// engines are left to testcontainers; treat them as absent here.
		return [];
	}
	return [
		{socketPath: '/var/run/docker.sock'},
		...(runtimeDir === undefined ? [] : [{socketPath: join(runtimeDir, 'docker.sock')}]),
		{socketPath: join(homedir(), '.docker', 'run', 'docker.sock')},
	];
}

/** GET /_ping on one endpoint, giving up after `timeoutMs` milliseconds. */
function pings(endpoint: {socketPath: string} | {host: string; port: number}, timeoutMs: number) {
	return new Promise<boolean>((resolve) => {
		const req = request({...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs}, (response) => {
			response.resume();
			resolve(response.statusCode === 200);
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(false));
		req.end();
	});
}

/**
 * Whether a Docker engine answers, in at most about a second: a docker CLI without an engine (as on this
 * machine and in CI) must not make a test wait for testcontainers' own, much longer, discovery.
 */
export async function hasDockerEngine(timeoutMs = 1000): Promise<boolean> {
	const answers = await Promise.all(dockerEndpoints().map((endpoint) => pings(endpoint, timeoutMs)));
	return answers.includes(true);
}

export interface InfluxDb2Options {
	/** Image to run. Default `influxdb:2`: `latest` became InfluxDB 3 Core in 2026. */
	readonly image?: string;
	readonly org?: string;
	readonly bucket?: string;
	/** The operator token that setup mode creates; sent as `Authorization: Token …`. */
	readonly token?: string;
	/** How long to wait for the image pull and setup, in milliseconds. Default 120 000. */
	readonly startTimeoutMs?: number;
}

export const DEFAULT_INFLUXDB2_OPTIONS: Required<InfluxDb2Options> = {
	image: 'influxdb:2',
	org: 'dlms',
	bucket: 'meters',
	token: 'dlms-logger-test-token',
	startTimeoutMs: 120_000,
};

export interface InfluxDb2Container {
	readonly url: string;
	readonly org: string;
	readonly bucket: string;
	readonly token: string;
	/** POSTs line protocol to `/api/v2/write`; throws unless the server answers 204. */
	write(lines: string, precision?: 'ns' | 'us' | 'ms' | 's'): Promise<void>;
	/** InfluxQL through the 1.x compatibility `/query` (the bucket is mapped to database `bucket` by 2.4+). */
	query(influxql: string, epoch?: 'ns' | 'u' | 'ms' | 's'): Promise<InfluxSeries[]>;
	stop(): Promise<void>;
}

/** Starts `influxdb:2` in setup mode (org, bucket, token created at first start) with testcontainers. */
export async function startInfluxDb2(options: InfluxDb2Options = {}): Promise<InfluxDb2Container> {
	const {image, org, bucket, token, startTimeoutMs} = {...DEFAULT_INFLUXDB2_OPTIONS, ...options};
	// Loaded only here: the module pulls in the Docker client, which tests that skip never need.
	const {GenericContainer, Wait} = await import('testcontainers');
	const container = await new GenericContainer(image)
		.withEnvironment({
			DOCKER_INFLUXDB_INIT_MODE: 'setup',
			DOCKER_INFLUXDB_INIT_USERNAME: 'dlms',
			// The image rejects passwords shorter than 8 characters.
			DOCKER_INFLUXDB_INIT_PASSWORD: 'dlms-logger-test',
			DOCKER_INFLUXDB_INIT_ORG: org,
			DOCKER_INFLUXDB_INIT_BUCKET: bucket,
			DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: token,
		})
		.withExposedPorts(8086)
		// Setup runs on a temporary server inside the container; /health on 8086 answers only after it.
		.withWaitStrategy(Wait.forHttp('/health', 8086).forStatusCode(200))
		.withStartupTimeout(startTimeoutMs)
		.start();
	const url = `http://${container.getHost()}:${container.getMappedPort(8086)}`;
	const authorization = {Authorization: `Token ${token}`};
	return {
		url,
		org,
		bucket,
		token,
		async write(lines, precision = 's') {
			const params = new URLSearchParams({org, bucket, precision});
			const response = await fetch(`${url}/api/v2/write?${params}`, {
				method: 'POST',
				headers: authorization,
				body: lines,
			});
			if (response.status !== 204)
				throw new Error(`influxdb:2 /api/v2/write: HTTP ${response.status} ${await response.text()}`);
		},
		async query(influxql, epoch) {
			const form = new URLSearchParams({q: influxql, db: bucket});
			if (epoch !== undefined) form.set('epoch', epoch);
			const response = await fetch(`${url}/query`, {method: 'POST', headers: authorization, body: form});
			const text = await response.text();
			if (!response.ok) throw new Error(`influxdb:2 /query "${influxql}": HTTP ${response.status} ${text}`);
			return parseInfluxQlAnswer(JSON.parse(text), influxql);
		},
		async stop() {
			await container.stop();
		},
	};
}
