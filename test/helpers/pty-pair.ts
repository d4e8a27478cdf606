import {spawn} from 'node:child_process';
import {accessSync, constants, existsSync, rmSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';

/** Two ends of a virtual null-modem cable: what the host opens, and what the simulated meter opens. */
export interface PtyPair {
	readonly hostPath: string;
	readonly meterPath: string;
	/** socat's process id, for tests that check it is gone. */
	readonly pid: number;
	/** Kills socat (both ends hang up, as an unplugged cable) and removes the temp dir; safe to call twice. */
	close(): Promise<void>;
}

export interface PtyPairOptions {
	/** How long to wait for socat to create both ptys, ms. Default 5000. */
	readonly readyTimeoutMs?: number;
}

const DEFAULT_PTY_PAIR_OPTIONS: Required<PtyPairOptions> = {readyTimeoutMs: 5000};

const INSTALL_HINT = 'install it with "apt-get install socat" (npm test runs test/setup/system-packages.sh)';

let warnedMissing = false;

/**
 * Whether socat is on PATH, for `describe.skipIf(!hasSocat())`. Off CI a missing socat skips the pty
 * tests with a note on stderr; with CI=true it throws, so a broken CI image fails instead of passing
 * with the real-serialport tests silently skipped.
 */
export function hasSocat(): boolean {
	if (findOnPath('socat') !== undefined) return true;
	// Destructured: the strict tsconfig forbids `process.env.X`, Biome forbids `process.env['X']`.
	const {CI: ci} = process.env;
	if (ci === 'true') throw new Error(`socat is required for the pty tests with CI=true: ${INSTALL_HINT}`);
	if (!warnedMissing) {
		warnedMissing = true;
		process.stderr.write(`socat not found, pty tests skipped: ${INSTALL_HINT}\n`);
	}
	return false;
}

/** Pairs still open; their socat is killed and their dir removed on process exit should a test forget. */
const live = new Set<{socatPid: () => number | undefined; directory: string}>();

process.once('exit', () => {
	for (const {socatPid, directory} of live) {
		const pid = socatPid();
		if (pid !== undefined) killQuietly(pid, 'SIGKILL');
		rmSync(directory, {recursive: true, force: true});
	}
});

/**
 * socat runs under a small sh that kills it when our end of its stdin closes. That happens on
 * close(), and also when this process dies in a way no 'exit' handler sees (a test worker killed by
 * the runner), so no socat and no temp dir outlive the test run. The sh prints socat's pid first.
 */
const WATCHDOG =
	'exec 3<&0; socat "$@" </dev/null & s=$!; echo "$s"; { read -r _ <&3; kill "$s" 2>/dev/null; } & ' +
	'wait "$s"; rm -rf "$PTY_PAIR_DIR"';

/** Starts `socat pty pty` in a temp dir and waits until both ends exist. */
export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
	const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_PTY_PAIR_OPTIONS.readyTimeoutMs;
	if (findOnPath('socat') === undefined) throw new Error(`socat not found: ${INSTALL_HINT}`);
	const directory = await mkdtemp(join(tmpdir(), 'dlms-pty-'));
	const hostPath = join(directory, 'host');
	const meterPath = join(directory, 'meter');
	// raw,echo=0: bytes pass unchanged (no CR/LF mapping, no echo), as on a serial line.
	const child = spawn(
		'sh',
		['-c', WATCHDOG, 'sh', '-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${meterPath}`],
		{stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, PTY_PAIR_DIR: directory}},
	);
	let socatPid: number | undefined;
	const entry = {socatPid: () => socatPid, directory};
	live.add(entry);
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
		const pid = Number.parseInt(stdout, 10);
		if (stdout.includes('\n') && Number.isInteger(pid)) socatPid = pid;
	});
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	child.stdin.on('error', () => undefined);
	// 'error' without 'exit' when sh cannot be started: count it as gone, or close() would wait forever.
	let gone = false;
	const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
	const exited = Promise.race([
		new Promise<void>((resolve) => child.once('exit', () => resolve())),
		spawnError,
	]).then(() => {
		gone = true;
	});

	let closing: Promise<void> | undefined;
	const close = () => {
		closing ??= (async () => {
			if (!gone) {
				child.stdin.end();
				const timer = setTimeout(() => {
					if (socatPid !== undefined) killQuietly(socatPid, 'SIGKILL');
					child.kill('SIGKILL');
				}, 2000);
				await exited;
				clearTimeout(timer);
			}
			live.delete(entry);
			await rm(directory, {recursive: true, force: true});
		})();
		return closing;
	};

	const deadline = Date.now() + readyTimeoutMs;
	while (!(existsSync(hostPath) && existsSync(meterPath) && socatPid !== undefined)) {
		const early = await Promise.race([
			exited.then(() => new Error(`socat exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`)),
			spawnError,
			sleep(10).then(() => undefined),
		]);
		if (early === undefined && Date.now() > deadline) {
			await close();
			throw new Error(
				`socat did not create ${hostPath} and ${meterPath} within ${readyTimeoutMs} ms: ${stderr.trim()}`,
			);
		}
		if (early !== undefined) {
			await close();
			throw early;
		}
	}
	return {hostPath, meterPath, pid: socatPid, close};
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(pid, signal);
	} catch {
		// Gone already.
	}
}

function findOnPath(command: string): string | undefined {
	const {PATH: searchPath = ''} = process.env;
	for (const directory of searchPath.split(delimiter)) {
		if (directory === '') continue;
		const candidate = join(directory, command);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			// Not in this directory.
		}
	}
	return undefined;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
