import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {type ServerProcess, spawnServer} from '../../test/helpers/server-process.ts';

/** The built CLI: beside this file once compiled (dist/bench/soak), else under dist/. */
export const CLI_PATH = new URL(
	import.meta.url.includes('/dist/bench/') ? '../../src/cli/main.js' : '../../dist/src/cli/main.js',
	import.meta.url,
).pathname;

/** One line the collector logged (pino JSON), with its time. */
export interface CollectorLogLine {
	readonly atMs: number;
	readonly level: string;
	readonly msg: string;
	readonly fields: Readonly<Record<string, unknown>>;
	/** Which process (1 = the first start) wrote it. */
	readonly incarnation: number;
}

/**
 * `dlms-logger run` as a real child process (the built CLI), restartable: kill -9 and start again
 * with the same config, spool and port. Each start logs to its own file in `dir` (written
 * synchronously by the collector, so a kill loses no line it wrote). The process dies with the
 * harness, also when the harness is killed (the server helpers' watchdog).
 */
export class SoakCollector {
	readonly #configPath: string;
	readonly #dir: string;
	#process: ServerProcess | undefined;
	#incarnation = 0;
	readonly kills: number[] = [];

	constructor(configPath: string, dir: string) {
		if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first`);
		this.#configPath = configPath;
		this.#dir = dir;
	}

	get running(): boolean {
		return this.#process !== undefined && !this.#process.hasExited();
	}

	get incarnations(): number {
		return this.#incarnation;
	}

	start(): void {
		if (this.running) throw new Error('the collector is running already');
		this.#incarnation++;
		this.#process = spawnServer(
			process.execPath,
			['--max-semi-space-size=1', CLI_PATH, 'run', '--config', this.#configPath],
			this.#logPath(this.#incarnation),
			this.#dir,
		);
	}

	/** SIGKILL: no flush, no goodbye; resolves once the process is gone. Returns when it was sent. */
	async kill(): Promise<number> {
		const process = this.#process;
		if (process === undefined || process.hasExited()) throw new Error('the collector is not running');
		const atMs = Date.now();
		globalThis.process.kill(process.pid, 'SIGKILL');
		this.kills.push(atMs);
		await process.exited;
		return atMs;
	}

	/** SIGTERM (the collector flushes its spool and exits 0), SIGKILL after `graceMs`. */
	async stop(graceMs = 15_000): Promise<void> {
		await this.#process?.stop(graceMs);
	}

	/** Every line every start logged, in order. */
	logLines(): CollectorLogLine[] {
		const lines: CollectorLogLine[] = [];
		for (let incarnation = 1; incarnation <= this.#incarnation; incarnation++) {
			let text: string;
			try {
				text = readFileSync(this.#logPath(incarnation), 'utf8');
			} catch {
				continue;
			}
			for (const line of text.split('\n')) {
				if (line.trim() === '') continue;
				try {
					const entry = JSON.parse(line) as Record<string, unknown>;
					const {time, level, msg, ...fields} = entry;
					lines.push({
						atMs: Date.parse(String(time)),
						level: String(level),
						msg: String(msg),
						fields,
						incarnation,
					});
				} catch {
					lines.push({atMs: Number.NaN, level: 'raw', msg: line, fields: {}, incarnation});
				}
			}
		}
		return lines;
	}

	#logPath(incarnation: number): string {
		return join(this.#dir, `collector-${incarnation}.log`);
	}
}
