import {mkdtemp} from 'node:fs/promises';
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

export interface VictoriaMetricsOptions {
	/** How long to wait for `/health` to answer "OK", in milliseconds. Default 20 000 (~100 ms here). */
	readonly startTimeoutMs?: number;
	/** How long `stop()` waits after SIGTERM before SIGKILL, in milliseconds. Default 5 000 (it takes ~1.6 s). */
	readonly stopGraceMs?: number;
}

export const DEFAULT_VICTORIA_METRICS_OPTIONS: Required<VictoriaMetricsOptions> = {
	startTimeoutMs: 20_000,
	stopGraceMs: 5000,
};

/** One series of `/api/v1/export` (JSON lines): timestamps in milliseconds. */
export interface ExportedSeries {
	readonly metric: Readonly<Record<string, string>>;
	readonly values: readonly number[];
	readonly timestamps: readonly number[];
}

export interface VictoriaMetricsServer {
	/** `http://127.0.0.1:<port>`, no trailing slash. */
	readonly url: string;
	readonly port: number;
	readonly dir: string;
	readonly logPath: string;
	/** The current process id (changes on `restart()`). */
	readonly pid: number;
	/**
	 * Every sample of the series matching `match` (a series selector; default: all), whatever their age.
	 * Calls `/internal/force_flush` first: without it, points written in the last second are not returned.
	 */
	export(match?: string): Promise<ExportedSeries[]>;
	/** An instant PromQL query at `timeSeconds` (default now); returns the `data` object of the answer. */
	query(promql: string, timeSeconds?: number): Promise<unknown>;
	/** Makes freshly written samples visible to searches at once. */
	flush(): Promise<void>;
	/** Stops the server and starts it again on the same port with the same data. */
	restart(): Promise<void>;
	/** Stops the server (SIGTERM, SIGKILL after the grace time) and removes the temp dir. */
	stop(): Promise<void>;
}

/** Starts Debian's victoria-metrics (single node) in a temp dir on a free loopback port. */
export async function startVictoriaMetrics(
	options: VictoriaMetricsOptions = {},
): Promise<VictoriaMetricsServer> {
	const {startTimeoutMs, stopGraceMs} = {...DEFAULT_VICTORIA_METRICS_OPTIONS, ...options};
	const binary = requireServerBinary('victoria-metrics', 'victoria-metrics');
	const dir = await mkdtemp(join(tmpdir(), 'dlms-victoria-metrics-'));
	trackDir(dir);
	const port = await freePort();
	const logPath = join(dir, 'victoria-metrics.log');
	const url = `http://127.0.0.1:${port}`;
	const args = [
		`-httpListenAddr=127.0.0.1:${port}`,
		`-storageDataPath=${join(dir, 'data')}`,
		// The default (1 month) deletes the years-old billing history that backfill writes.
		'-retentionPeriod=100y',
		// query_range answers are cached; tests write into the past between queries and must never see a stale one.
		'-search.disableCache',
		'-loggerLevel=WARN',
	];

	let server: ServerProcess | undefined;
	const launch = async () => {
		server = spawnServer(binary, args, logPath, dir);
		await waitForHttp(`${url}/health`, {
			server,
			logPath,
			timeoutMs: startTimeoutMs,
			isReady: async (response) => response.ok && (await response.text()).trim() === 'OK',
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

	const flush = async () => {
		const response = await fetch(`${url}/internal/force_flush`);
		await response.body?.cancel();
		if (!response.ok) throw new Error(`victoria-metrics /internal/force_flush: HTTP ${response.status}`);
	};

	return {
		url,
		port,
		dir,
		logPath,
		get pid() {
			if (server === undefined) throw new Error('victoria-metrics is not running');
			return server.pid;
		},
		flush,
		async export(match = '{__name__!=""}') {
			await flush();
			// Without `start` export covers all time; the form body keeps `+` in regexps from becoming a space.
			const response = await fetch(`${url}/api/v1/export`, {
				method: 'POST',
				body: new URLSearchParams({'match[]': match}),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`victoria-metrics export ${match}: HTTP ${response.status} ${text}`);
			return text
				.split('\n')
				.filter((line) => line.trim() !== '')
				.map((line) => JSON.parse(line) as ExportedSeries);
		},
		async query(promql, timeSeconds) {
			await flush();
			const form = new URLSearchParams({query: promql});
			if (timeSeconds !== undefined) form.set('time', String(timeSeconds));
			const response = await fetch(`${url}/api/v1/query`, {method: 'POST', body: form});
			const answer = (await response.json()) as {status: string; data?: unknown; error?: string};
			if (answer.status !== 'success')
				throw new Error(`victoria-metrics query ${promql}: ${answer.error ?? `HTTP ${response.status}`}`);
			return answer.data;
		},
		async restart() {
			await halt();
			await launch();
		},
		async stop() {
			await halt();
			removeDir(dir);
		},
	};
}
