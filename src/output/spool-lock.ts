import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {link, mkdir, open, readFile, rename, unlink} from 'node:fs/promises';
import {hostname} from 'node:os';
import {join} from 'node:path';

/** The lock file's name inside the spool directory. */
export const SPOOL_LOCK_FILE = 'spool.lock';

/** Who holds a spool directory: the record in `spool.lock`. */
export interface SpoolLockOwner {
	readonly pid: number;
	readonly host: string;
	/** ISO time the lock was taken. */
	readonly since: string;
	/**
	 * The process's start time in clock ticks since boot (`/proc/<pid>/stat` field 22), when the system
	 * has /proc: a pid reused by another process after a crash has another start time.
	 */
	readonly started?: number;
}

export interface SpoolLockOptions {
	/** This process; tests pass others. Default process.pid. */
	readonly pid?: number;
	/** Default os.hostname(). */
	readonly host?: string;
	/** Whether a process runs on this host, and with which start time; tests swap it. Default: signal 0 and /proc. */
	readonly probe?: ProcessProbe;
	/** Told when a lock left by a process that is gone is taken over. */
	readonly onWarning?: (message: string) => void;
}

/** Looks at a process of this host. */
export interface ProcessProbe {
	/** True while a process with this pid exists (also one of another user). */
	isRunning(pid: number): boolean;
	/** Its start time (clock ticks since boot), undefined where unknown (no /proc). */
	startTime(pid: number): number | undefined;
}

/** Another collector holds the spool directory; carries the directory and the holder. */
export class SpoolLockedError extends Error {
	readonly directory: string;
	readonly owner: SpoolLockOwner;

	constructor(directory: string, owner: SpoolLockOwner, sameHost: boolean) {
		super(
			sameHost
				? `spool ${directory} is in use by another collector (pid ${owner.pid}, since ${owner.since}); ` +
						'give each collector a spool directory of its own'
				: `spool ${directory} is in use by a collector on host ${owner.host} (pid ${owner.pid}, since ${owner.since}); ` +
						`if it no longer runs, delete ${join(directory, SPOOL_LOCK_FILE)}`,
		);
		this.name = 'SpoolLockedError';
		this.directory = directory;
		this.owner = owner;
	}
}

/** Directories locked by this process: a second open in the same process is refused too. */
const heldHere = new Set<string>();

export const systemProcessProbe: ProcessProbe = {
	isRunning(pid) {
		try {
			process.kill(pid, 0);
			return true;
		} catch (error) {
			// EPERM: it exists, but belongs to another user.
			return (error as NodeJS.ErrnoException).code === 'EPERM';
		}
	},
	startTime(pid) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
			// The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const ticks = Number(fields[19]);
			return Number.isFinite(ticks) ? ticks : undefined;
		} catch {
			return undefined;
		}
	},
};

/**
 * The exclusive right of one collector to a spool directory: `spool.lock` holds the owner's pid, host
 * and start time while it runs. A second collector on the same directory is refused (two writers on
 * one spool lose points). A lock left by a process that is gone (`kill -9`, power cut) is taken over on
 * the next start; the spool's own recovery then replays what that process left. A lock from another
 * host (a shared network directory) cannot be checked and is never taken over.
 *
 * The file is created by hard-linking a complete temp file to the lock name, which fails if the name
 * exists: two starting collectors cannot both win, and a reader never sees half a record.
 */
export class SpoolLock {
	readonly directory: string;
	readonly owner: SpoolLockOwner;
	#released = false;

	private constructor(directory: string, owner: SpoolLockOwner) {
		this.directory = directory;
		this.owner = owner;
	}

	static async acquire(directory: string, options: SpoolLockOptions = {}): Promise<SpoolLock> {
		const probe = options.probe ?? systemProcessProbe;
		const pid = options.pid ?? process.pid;
		const host = options.host ?? hostname();
		const started = probe.startTime(pid);
		const owner: SpoolLockOwner = {
			pid,
			host,
			since: new Date().toISOString(),
			...(started === undefined ? {} : {started}),
		};
		const lockPath = join(directory, SPOOL_LOCK_FILE);
		const key = `${host}\u0000${lockPath}`;
		await mkdir(directory, {recursive: true});
		// Bounded: each round either wins, refuses, or removed a stale lock someone else may have raced for.
		for (let attempt = 0; attempt < 5; attempt++) {
			if (await createExclusive(lockPath, owner)) {
				heldHere.add(key);
				return new SpoolLock(directory, owner);
			}
			const text = await readFile(lockPath, 'utf8').catch(() => undefined);
			if (text === undefined) continue; // removed between our attempt and the read: try again
			const holder = parseOwner(text);
			if (holder !== undefined && !isStale(holder, {pid, host, probe, heldHere: heldHere.has(key)})) {
				throw new SpoolLockedError(directory, holder, holder.host === host);
			}
			if (await removeIfUnchanged(lockPath, text)) {
				options.onWarning?.(
					holder === undefined
						? `spool ${directory}: replaced an unreadable lock file`
						: `spool ${directory}: took over the lock of pid ${holder.pid} (since ${holder.since}), which is no longer running`,
				);
			}
		}
		throw new Error(`spool ${directory}: could not take the lock (${lockPath} keeps changing)`);
	}

	/** Gives the directory up (only if the lock file is still ours). */
	async release(): Promise<void> {
		if (this.#released) return;
		this.#released = true;
		const lockPath = join(this.directory, SPOOL_LOCK_FILE);
		heldHere.delete(`${this.owner.host}\u0000${lockPath}`);
		const text = await readFile(lockPath, 'utf8').catch(() => undefined);
		const holder = text === undefined ? undefined : parseOwner(text);
		if (holder?.pid === this.owner.pid && holder.host === this.owner.host) {
			await unlink(lockPath).catch(() => undefined);
		}
	}
}

/** The holder of a spool directory, if any (for `dlms-logger spool`); does not check it still runs. */
export async function readSpoolLock(directory: string): Promise<SpoolLockOwner | undefined> {
	const text = await readFile(join(directory, SPOOL_LOCK_FILE), 'utf8').catch(() => undefined);
	return text === undefined ? undefined : parseOwner(text);
}

/** Whether the holder of a lock on this host is gone (or a lock in this process was never released). */
function isStale(
	holder: SpoolLockOwner,
	self: {pid: number; host: string; probe: ProcessProbe; heldHere: boolean},
): boolean {
	if (holder.host !== self.host) return false;
	// Our own pid in the file: either this process holds it already, or a previous process had the
	// same pid (a container's collector is often pid 1 every time).
	if (holder.pid === self.pid) return !self.heldHere;
	if (!self.probe.isRunning(holder.pid)) return true;
	// The pid runs, but if its start time differs it is another process that got the pid afterwards.
	const started = self.probe.startTime(holder.pid);
	return holder.started !== undefined && started !== undefined && started !== holder.started;
}

async function createExclusive(lockPath: string, owner: SpoolLockOwner): Promise<boolean> {
	const temp = `${lockPath}.${owner.pid}.${randomBytes(4).toString('hex')}.tmp`;
	const handle = await open(temp, 'w');
	try {
		await handle.writeFile(`${JSON.stringify(owner)}\n`);
		await handle.datasync();
	} finally {
		await handle.close();
	}
	try {
		await link(temp, lockPath);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	} finally {
		await unlink(temp).catch(() => undefined);
	}
}

/**
 * Moves the stale lock aside and deletes it, unless it changed since it was read (another starting
 * collector took it over first): then it is put back and the next round sees the new holder.
 */
async function removeIfUnchanged(lockPath: string, expected: string): Promise<boolean> {
	const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
	try {
		await rename(lockPath, aside);
	} catch {
		return false;
	}
	const moved = await readFile(aside, 'utf8').catch(() => undefined);
	if (moved === expected) {
		await unlink(aside).catch(() => undefined);
		return true;
	}
	await link(aside, lockPath).catch(() => undefined);
	await unlink(aside).catch(() => undefined);
	return false;
}

function parseOwner(text: string): SpoolLockOwner | undefined {
	try {
		const value = JSON.parse(text) as Partial<SpoolLockOwner>;
		if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
		return {
			pid: value.pid,
			host: value.host,
			since: typeof value.since === 'string' ? value.since : 'an unknown time',
			...(typeof value.started === 'number' ? {started: value.started} : {}),
		};
	} catch {
		return undefined;
	}
}
