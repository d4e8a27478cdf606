import {spawn} from 'node:child_process';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {LineSpool} from '../../../src/output/line-spool.ts';
import {
	type ProcessProbe,
	readSpoolLock,
	SPOOL_LOCK_FILE,
	SpoolLock,
	SpoolLockedError,
	systemProcessProbe,
} from '../../../src/output/spool-lock.ts';

let directory: string;
const warnings: string[] = [];

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-spool-lock-'));
	warnings.length = 0;
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

/** A host where the given pids run, with the given start times. */
const probeOf = (running: Record<number, number | undefined>): ProcessProbe => ({
	isRunning: (pid) => pid in running,
	startTime: (pid) => running[pid],
});

const writeLock = (record: object) =>
	writeFile(join(directory, SPOOL_LOCK_FILE), `${JSON.stringify(record)}\n`);

describe('SpoolLock', () => {
	it('writes pid, host and time into spool.lock while held, and removes it on release', async () => {
		const lock = await SpoolLock.acquire(directory);
		const owner = await readSpoolLock(directory);
		expect(owner).toMatchObject({pid: process.pid, host: hostname()});
		expect(Number.isNaN(Date.parse(owner?.since ?? ''))).toBe(false);
		await lock.release();
		expect(await readdir(directory)).toEqual([]);
	});

	it('refuses a second holder in the same process, naming the directory and the pid', async () => {
		const lock = await SpoolLock.acquire(directory);
		const error = await SpoolLock.acquire(directory).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(SpoolLockedError);
		expect((error as Error).message).toContain(directory);
		expect((error as Error).message).toContain(`pid ${process.pid}`);
		await lock.release();
		await (await SpoolLock.acquire(directory)).release();
	});

	it('refuses while the holder runs on this host', async () => {
		await writeLock({pid: 4242, host: hostname(), since: '2026-01-01T00:00:00.000Z', started: 7});
		const error = await SpoolLock.acquire(directory, {probe: probeOf({4242: 7})}).catch(
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(SpoolLockedError);
		expect((error as SpoolLockedError).owner.pid).toBe(4242);
		expect((error as Error).message).toMatch(/in use by another collector \(pid 4242/);
	});

	it('takes over a lock whose process is gone, and says so', async () => {
		await writeLock({pid: 4242, host: hostname(), since: '2026-01-01T00:00:00.000Z'});
		const lock = await SpoolLock.acquire(directory, {
			probe: probeOf({}),
			onWarning: (message) => warnings.push(message),
		});
		expect((await readSpoolLock(directory))?.pid).toBe(process.pid);
		expect(warnings).toEqual([expect.stringMatching(/took over the lock of pid 4242 .*no longer running/)]);
		await lock.release();
	});

	it('takes over a lock whose pid now belongs to a process started later', async () => {
		await writeLock({pid: 4242, host: hostname(), since: '2026-01-01T00:00:00.000Z', started: 7});
		const lock = await SpoolLock.acquire(directory, {probe: probeOf({4242: 900})});
		expect((await readSpoolLock(directory))?.pid).toBe(process.pid);
		await lock.release();
	});

	it('takes over a lock carrying its own pid from a previous life (a container restarted as pid 1)', async () => {
		await writeLock({pid: 1, host: 'box', since: '2026-01-01T00:00:00.000Z'});
		const lock = await SpoolLock.acquire(directory, {pid: 1, host: 'box', probe: probeOf({1: 5})});
		expect(await readSpoolLock(directory)).toMatchObject({pid: 1, host: 'box'});
		await lock.release();
	});

	it('never takes over a lock of another host, and says how to clear it', async () => {
		await writeLock({pid: 4242, host: 'elsewhere', since: '2026-01-01T00:00:00.000Z'});
		const error = await SpoolLock.acquire(directory, {probe: probeOf({})}).catch((caught: unknown) => caught);
		expect((error as Error).message).toMatch(/on host elsewhere \(pid 4242.*delete .*spool\.lock/);
	});

	it('replaces an unreadable lock file', async () => {
		await writeFile(join(directory, SPOOL_LOCK_FILE), 'garbage');
		const lock = await SpoolLock.acquire(directory, {onWarning: (message) => warnings.push(message)});
		expect(warnings).toEqual([expect.stringMatching(/unreadable lock file/)]);
		await lock.release();
	});

	it('leaves a lock that is not its own in place on release', async () => {
		const lock = await SpoolLock.acquire(directory);
		await writeLock({pid: 4242, host: hostname(), since: '2026-01-01T00:00:00.000Z'});
		await lock.release();
		expect((await readSpoolLock(directory))?.pid).toBe(4242);
	});

	it('tells a running process from a finished one', async () => {
		expect(systemProcessProbe.isRunning(process.pid)).toBe(true);
		const child = spawn(process.execPath, ['-e', '']);
		const pid = child.pid as number;
		await new Promise((resolve) => child.once('close', resolve));
		expect(systemProcessProbe.isRunning(pid)).toBe(false);
	});
});

describe('LineSpool and its lock', () => {
	it('holds the lock from open to close', async () => {
		const spool = await LineSpool.open({directory});
		await expect(LineSpool.open({directory})).rejects.toBeInstanceOf(SpoolLockedError);
		await spool.close();
		const again = await LineSpool.open({directory});
		await again.close();
		expect(await readdir(directory)).not.toContain(SPOOL_LOCK_FILE);
	});

	it('opens without the lock when told to (readers that never write)', async () => {
		const spool = await LineSpool.open({directory});
		const second = await LineSpool.open({directory, lock: false});
		await second.close();
		expect(JSON.parse(await readFile(join(directory, SPOOL_LOCK_FILE), 'utf8')).pid).toBe(process.pid);
		await spool.close();
	});
});
