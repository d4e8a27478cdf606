import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {freePort} from './free-port.ts';
import {
	removeDir,
	requireServerBinary,
	type ServerProcess,
	spawnServer,
	trackDir,
	waitForHttp,
} from './server-process.ts';

export interface InfluxdOptions {
	/** How long to wait for `/ping` to answer 204, in milliseconds. Default 20 000 (it takes ~50 ms here). */
	readonly startTimeoutMs?: number;
	/** How long `stop()` waits after SIGTERM before SIGKILL, in milliseconds. Default 5 000. */
	readonly stopGraceMs?: number;
}

export const DEFAULT_INFLUXD_OPTIONS: Required<InfluxdOptions> = {startTimeoutMs: 20_000, stopGraceMs: 5000};

/** One series of an InfluxQL answer, as InfluxDB 1.x (and 2.x's /query compatibility API) returns it. */
export interface InfluxSeries {
	readonly name: string;
	readonly tags?: Readonly<Record<string, string>>;
	readonly columns: readonly string[];
	readonly values: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>;
}

/** Time format of query answers: RFC 3339 strings when undefined, else integers in that unit. */
export type InfluxEpoch = 'ns' | 'u' | 'ms' | 's' | 'm' | 'h';
export type InfluxPrecision = 'ns' | 'u' | 'ms' | 's' | 'm' | 'h';

export interface InfluxdServer {
	/** `http://127.0.0.1:<port>`, no trailing slash. */
	readonly url: string;
	readonly port: number;
	/** The temp dir holding config, meta, data, wal and `influxd.log`. */
	readonly dir: string;
	readonly logPath: string;
	/** The current influxd process id (changes on `restart()`). */
	readonly pid: number;
	/** Runs InfluxQL (POST /query, so CREATE/DROP work too) and returns the series of every statement. */
	query(influxql: string, db?: string, epoch?: InfluxEpoch): Promise<InfluxSeries[]>;
	createDatabase(name: string): Promise<void>;
	/** POSTs line protocol to the 1.x `/write` endpoint; throws unless the server answers 204. */
	write(db: string, lines: string, precision?: InfluxPrecision): Promise<void>;
	/** Stops influxd and starts it again on the same port with the same data. */
	restart(): Promise<void>;
	/** Stops influxd, keeping its data and port, for an outage; resume() starts it again. */
	pause(): Promise<void>;
	resume(): Promise<void>;
	/** Stops influxd (SIGTERM, SIGKILL after the grace time) and removes the temp dir. */
	stop(): Promise<void>;
}

/** Throws with the server's message unless the InfluxQL answer is free of errors; returns all series. */
export function parseInfluxQlAnswer(body: unknown, influxql: string): InfluxSeries[] {
	const answer = body as {
		error?: string;
		results?: Array<{error?: string; series?: InfluxSeries[]}>;
	};
	if (answer.error !== undefined) throw new Error(`InfluxQL "${influxql}": ${answer.error}`);
	const series: InfluxSeries[] = [];
	for (const result of answer.results ?? []) {
		if (result.error !== undefined) throw new Error(`InfluxQL "${influxql}": ${result.error}`);
		series.push(...(result.series ?? []));
	}
	return series;
}

/**
 * A config with every listener bound to loopback and free ports, and nothing optional running: no
 * reporting, no `_internal` monitor database, no UDP/graphite/collectd/opentsdb, no continuous queries,
 * no subscribers, no pprof. influxd 1.6 has no log-file setting: its stderr goes to `influxd.log`.
 */
function influxdConfig(dir: string, httpPort: number, rpcPort: number) {
	return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false

[logging]
  level = "warn"
  suppress-logo = true

[continuous_queries]
  enabled = false

[subscriber]
  enabled = false
`;
}

/** Starts Debian's influxd (1.6.7) in a temp dir on free loopback ports and waits for `/ping`. */
export async function startInfluxd(options: InfluxdOptions = {}): Promise<InfluxdServer> {
	const {startTimeoutMs, stopGraceMs} = {...DEFAULT_INFLUXD_OPTIONS, ...options};
	const binary = requireServerBinary('influxd', 'influxdb');
	const dir = await mkdtemp(join(tmpdir(), 'dlms-influxd-'));
	trackDir(dir);
	const port = await freePort();
	const rpcPort = await freePort();
	const configPath = join(dir, 'influxdb.conf');
	const logPath = join(dir, 'influxd.log');
	const url = `http://127.0.0.1:${port}`;
	await writeFile(configPath, influxdConfig(dir, port, rpcPort));

	let server: ServerProcess | undefined;
	const launch = async () => {
		server = spawnServer(binary, ['-config', configPath], logPath, dir);
		// /ping answers 204 once the HTTP service is open, which influxd does after opening the stores.
		await waitForHttp(`${url}/ping`, {
			server,
			logPath,
			timeoutMs: startTimeoutMs,
			isReady: (response) => response.status === 204,
		});
	};
	const halt = async () => {
		await server?.stop(stopGraceMs);
	};
	try {
		await launch();
	} catch (error) {
		await halt();
		removeDir(dir);
		throw error;
	}

	const query = async (influxql: string, db?: string, epoch?: InfluxEpoch) => {
		const form = new URLSearchParams({q: influxql});
		if (db !== undefined) form.set('db', db);
		if (epoch !== undefined) form.set('epoch', epoch);
		const response = await fetch(`${url}/query`, {method: 'POST', body: form});
		const body: unknown = await response.json();
		const series = parseInfluxQlAnswer(body, influxql);
		if (!response.ok) throw new Error(`InfluxQL "${influxql}": HTTP ${response.status}`);
		return series;
	};

	return {
		url,
		port,
		dir,
		logPath,
		get pid() {
			if (server === undefined) throw new Error('influxd is not running');
			return server.pid;
		},
		query,
		async createDatabase(name) {
			// Double quotes make any name an identifier; a quote inside it is escaped.
			await query(`CREATE DATABASE "${name.replaceAll('"', '\\"')}"`);
		},
		async write(db, lines, precision = 's') {
			const params = new URLSearchParams({db, precision});
			const response = await fetch(`${url}/write?${params}`, {method: 'POST', body: lines});
			if (response.status !== 204)
				throw new Error(`influxd /write?${params}: HTTP ${response.status} ${await response.text()}`);
		},
		async restart() {
			await halt();
			await launch();
		},
		async pause() {
			await halt();
		},
		async resume() {
			await launch();
		},
		async stop() {
			await halt();
			removeDir(dir);
		},
	};
}
