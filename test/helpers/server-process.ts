import {type ChildProcess, spawn} from 'node:child_process';
import {accessSync, closeSync, constants, openSync, readFileSync, rmSync} from 'node:fs';
import type {Socket} from 'node:net';
import {delimiter, join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';

/**
 * Where a database server binary is, and whether a test may skip without it. In CI (CI=true) a missing
 * binary must fail the run, so `skipReason` stays undefined there and starting the server throws.
 */
export interface ServerBinary {
	readonly path: string | undefined;
	readonly skipReason: string | undefined;
}

export function serverBinary(command: string, debianPackage: string): ServerBinary {
	// Destructured: the strict tsconfig forbids `process.env.X`, Biome forbids `process.env['X']`.
	const {PATH: searchPath = '', CI: ci} = process.env;
	const path = searchPath
		.split(delimiter)
		.filter((dir) => dir !== '')
		.map((dir) => join(dir, command))
		.find((candidate) => {
			try {
				accessSync(candidate, constants.X_OK);
				return true;
			} catch {
				return false;
			}
		});
	const skipReason =
		path === undefined && ci !== 'true'
			? `${command} not found on PATH (apt-get install ${debianPackage}, or run test/setup/system-packages.sh)`
			: undefined;
	return {path, skipReason};
}

export function requireServerBinary(command: string, debianPackage: string): string {
	const {path} = serverBinary(command, debianPackage);
	if (path === undefined)
		throw new Error(
			`${command} not found on PATH: install Debian's ${debianPackage} (test/setup/system-packages.sh does it)`,
		);
	return path;
}

/** Every server child still running in this process; reaped synchronously when the process exits. */
const running = new Set<ChildProcess>();
/** Temp dirs to remove when the process exits, should a test never reach its `stop()`. */
const leftoverDirs = new Set<string>();
let exitHooksInstalled = false;

function reapAll() {
	for (const child of running) child.kill('SIGKILL');
	running.clear();
	for (const dir of leftoverDirs) rmSync(dir, {recursive: true, force: true});
	leftoverDirs.clear();
}

/**
 * `afterAll` is the normal way servers stop; these hooks cover a worker that exits or is told to stop
 * before it gets there (a failed hook, Ctrl-C, vitest's teardown). Only SIGKILL works inside 'exit'
 * (no awaiting there), which is acceptable for throw-away temp servers.
 */
function installExitHooks() {
	if (exitHooksInstalled) return;
	exitHooksInstalled = true;
	process.once('exit', reapAll);
	// A vitest fork worker whose parent was interrupted loses its IPC channel but runs on until its test
	// ends: the run is over, so the servers go now.
	if (process.connected) process.once('disconnect', reapAll);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		const onSignal = () => {
			reapAll();
			// Re-raise so the process ends the way it would have without this hook.
			process.removeListener(signal, onSignal);
			process.kill(process.pid, signal);
		};
		process.once(signal, onSignal);
	}
}

/** Registers a temp dir that the exit hook removes if `forgetDir` is never called for it. */
export function trackDir(dir: string) {
	installExitHooks();
	leftoverDirs.add(dir);
}

export function removeDir(dir: string) {
	rmSync(dir, {recursive: true, force: true});
	leftoverDirs.delete(dir);
}

export interface ServerProcess {
	readonly pid: number;
	/** Settles when the process has exited (never rejects). */
	readonly exited: Promise<void>;
	hasExited(): boolean;
	/** SIGTERM, then SIGKILL after `graceMs` (milliseconds); resolves once the process is gone. */
	stop(graceMs: number): Promise<void>;
}

/**
 * A shell that SIGKILLs `pid` and removes `dir` when its stdin reaches end of file, which happens when this
 * process dies in any way, SIGKILL included, where no exit hook runs. It never keeps this process alive.
 */
function spawnWatchdog(pid: number, dir: string) {
	const script = 'read _; kill -KILL "$1" 2>/dev/null; sleep 0.2; rm -rf -- "$2"';
	const watchdog = spawn('sh', ['-c', script, 'server-watchdog', String(pid), dir], {
		stdio: ['pipe', 'ignore', 'ignore'],
	});
	watchdog.unref();
	(watchdog.stdin as unknown as Socket | null)?.unref();
	running.add(watchdog);
	watchdog.once('exit', () => running.delete(watchdog));
	return watchdog;
}

/**
 * Spawns `binary args…` with stdout and stderr appended to `logPath`, and makes sure it dies with this
 * process; `dir` (the server's temp dir) is removed too should this process be killed outright.
 */
export function spawnServer(
	binary: string,
	args: readonly string[],
	logPath: string,
	dir: string,
): ServerProcess {
	installExitHooks();
	const logFd = openSync(logPath, 'a');
	let child: ChildProcess;
	try {
		child = spawn(binary, args, {stdio: ['ignore', logFd, logFd]});
	} finally {
		// The child holds its own copy of the descriptor.
		closeSync(logFd);
	}
	if (child.pid === undefined) throw new Error(`could not spawn ${binary}`);
	const {pid} = child;
	running.add(child);
	const watchdog = spawnWatchdog(pid, dir);
	let exited = false;
	const exitedPromise = new Promise<void>((resolve) => {
		const done = () => {
			exited = true;
			running.delete(child);
			// Before the pid can be reused by another process.
			watchdog.kill('SIGKILL');
			resolve();
		};
		child.once('exit', done);
		child.once('error', done);
	});
	return {
		pid,
		exited: exitedPromise,
		hasExited: () => exited,
		async stop(graceMs) {
			if (exited) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
			try {
				await exitedPromise;
			} finally {
				clearTimeout(timer);
			}
		},
	};
}

/** The last `lines` lines of a log file, for error messages; never throws. */
export function logTail(logPath: string, lines = 30): string {
	try {
		return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch (error) {
		return `(no log: ${String(error)})`;
	}
}

export interface WaitForHttpOptions {
	/** The server process: waiting stops early when it exits. */
	readonly server: ServerProcess;
	readonly logPath: string;
	/** Total time allowed, in milliseconds. */
	readonly timeoutMs: number;
	/** Whether a response means "ready". */
	readonly isReady: (response: Response) => boolean | Promise<boolean>;
}

/** Polls `url` until `isReady` says yes; on timeout or early exit throws with the tail of the log. */
export async function waitForHttp(url: string, options: WaitForHttpOptions): Promise<void> {
	const deadline = Date.now() + options.timeoutMs;
	let lastProblem = 'no attempt';
	while (Date.now() < deadline) {
		if (options.server.hasExited())
			throw new Error(
				`server (pid ${options.server.pid}) exited before ${url} answered; log tail:\n${logTail(options.logPath)}`,
			);
		try {
			const response = await fetch(url, {signal: AbortSignal.timeout(1000)});
			const ready = await options.isReady(response);
			// An unread body keeps the connection busy until garbage collection.
			if (!response.bodyUsed) await response.body?.cancel();
			if (ready) return;
			lastProblem = `HTTP ${response.status}`;
		} catch (error) {
			lastProblem = String(error);
		}
		// Both servers start in well under a second here; polling every 25 ms keeps tests fast.
		await sleep(25);
	}
	throw new Error(
		`${url} not ready after ${options.timeoutMs} ms (last: ${lastProblem}); log tail:\n${logTail(options.logPath)}`,
	);
}
