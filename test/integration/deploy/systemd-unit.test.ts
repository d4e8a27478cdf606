import {execFile} from 'node:child_process';
import {chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {REPO_ROOT} from '../../helpers/compose-config.ts';
import {serverBinary} from '../../helpers/server-process.ts';

const run = promisify(execFile);
const UNIT = join(REPO_ROOT, 'deploy/dlms-logger.service');
const SYSUSERS = join(REPO_ROOT, 'deploy/dlms-logger.sysusers.conf');
const analyze = serverBinary('systemd-analyze', 'systemd');
const sysusers = serverBinary('systemd-sysusers', 'systemd');

function title(name: string, skipReason: string | undefined) {
	return skipReason === undefined ? name : `${name} (skipped: ${skipReason})`;
}

async function runTool(binary: string, args: readonly string[]) {
	try {
		const {stdout, stderr} = await run(binary, args);
		return {code: 0, output: `${stdout}${stderr}`};
	} catch (error) {
		const failed = error as {code?: number; stdout?: string; stderr?: string};
		return {code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`};
	}
}

/**
 * `systemd-analyze verify` loads a unit with the unit files it depends on and checks that ExecStart= is
 * executable. Without systemd running (a container, CI) and without dlms-logger installed, it is pointed
 * at a root directory holding a copy of the system's units (from Debian's systemd package), the unit under
 * test, and an executable at the unit's ExecStart path. Every warning counts: systemd only warns, and
 * exits 0, about an unknown key or a value it cannot parse ("…, ignoring").
 */
describe.skipIf(analyze.skipReason !== undefined)(
	title('deploy/dlms-logger.service with systemd-analyze verify', analyze.skipReason),
	() => {
		let root: string;
		const verify = async (unitText: string) => {
			const target = join(root, 'etc/systemd/system/dlms-logger.service');
			await writeFile(target, unitText);
			return await runTool(analyze.path as string, [
				'verify',
				`--root=${root}`,
				'/etc/systemd/system/dlms-logger.service',
			]);
		};

		beforeAll(async () => {
			root = await mkdtemp(join(tmpdir(), 'dlms-systemd-root-'));
			await mkdir(join(root, 'etc/systemd/system'), {recursive: true});
			await cp('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), {
				recursive: true,
				verbatimSymlinks: true,
			});
			const unit = await readFile(UNIT, 'utf8');
			const program = /^ExecStart=(\S+)/m.exec(unit)?.[1] as string;
			await mkdir(join(root, dirname(program)), {recursive: true});
			await writeFile(join(root, program), '#!/bin/sh\n');
			await chmod(join(root, program), 0o755);
		});
		afterAll(async () => {
			if (root !== undefined) await rm(root, {recursive: true, force: true});
		});

		it('passes without a warning', async () => {
			const result = await verify(await readFile(UNIT, 'utf8'));
			expect(result.output).toBe('');
			expect(result.code).toBe(0);
		});

		it('would report a misspelt key and a wrong value', async () => {
			const unit = await readFile(UNIT, 'utf8');
			const result = await verify(
				unit.replace('ProtectHome=yes', 'ProtectHoem=yes').replace('Restart=on-failure', 'Restart=sometimes'),
			);
			expect(result.output).toContain("Unknown key 'ProtectHoem'");
			expect(result.output).toContain('restart specifier');
		});

		it('keeps the serial port reachable: no PrivateDevices, serial device classes allowed, group dialout', async () => {
			const unit = await readFile(UNIT, 'utf8');
			expect(unit).not.toMatch(/^PrivateDevices=(yes|true)/m);
			expect(unit).toMatch(/^DeviceAllow=char-ttyUSB rw$/m);
			expect(unit).toMatch(/^DeviceAllow=char-ttyACM rw$/m);
			expect(unit).toMatch(/^SupplementaryGroups=dialout$/m);
			// Node's JIT needs writable, executable memory.
			expect(unit).not.toMatch(/^MemoryDenyWriteExecute=(yes|true)/m);
		});

		it('runs as its own user with the spool under StateDirectory, restarts on failure, and waits for the flush', async () => {
			const unit = await readFile(UNIT, 'utf8');
			expect(unit).toMatch(/^User=dlms-logger$/m);
			expect(unit).toMatch(/^StateDirectory=dlms-logger$/m);
			expect(unit).toMatch(/^Restart=on-failure$/m);
			expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
			// The collector flushes and exits within 10 s of SIGTERM (collector-daemon tests); systemd must wait longer.
			const timeout = /^TimeoutStopSec=(\d+)s$/m.exec(unit)?.[1];
			expect(Number(timeout)).toBeGreaterThanOrEqual(15);
		});
	},
);

describe.skipIf(sysusers.skipReason !== undefined)(
	title('deploy/dlms-logger.sysusers.conf with systemd-sysusers', sysusers.skipReason),
	() => {
		let root: string;
		beforeAll(async () => {
			root = await mkdtemp(join(tmpdir(), 'dlms-sysusers-root-'));
			await mkdir(join(root, 'etc'));
			await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
			await writeFile(join(root, 'etc/group'), 'root:x:0:\ndialout:x:20:\n');
		});
		afterAll(async () => {
			if (root !== undefined) await rm(root, {recursive: true, force: true});
		});

		it('creates a system user without login, member of dialout', async () => {
			const result = await runTool(sysusers.path as string, [`--root=${root}`, SYSUSERS]);
			expect(result.code, result.output).toBe(0);
			const passwd = await readFile(join(root, 'etc/passwd'), 'utf8');
			const group = await readFile(join(root, 'etc/group'), 'utf8');
			const entry = /^dlms-logger:x:(\d+):(\d+):[^:]*:([^:\n]*):([^:\n]*)$/m.exec(passwd);
			expect(entry).not.toBeNull();
			expect(Number(entry?.[1])).toBeLessThan(1000);
			expect(entry?.[3]).toBe('/var/lib/dlms-logger');
			expect(entry?.[4]).toBe('/usr/sbin/nologin');
			expect(group).toMatch(/^dialout:x:20:dlms-logger$/m);
		});
	},
);

describe('deploy/11-dlms.rules', () => {
	it('has one rule that matches a tty by USB ids and serial and sets group, mode and a fixed name', async () => {
		const text = await readFile(join(REPO_ROOT, 'deploy/11-dlms.rules'), 'utf8');
		const rules = text.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
		expect(rules).toHaveLength(1);
		// udev syntax: comma-separated KEY{attr}OP"value" pairs.
		const pairs = (rules[0] as string)
			.split(/,\s*/)
			.map((pair) => /^([A-Z_]+(?:\{[^}]+\})?)(==|!=|\+=|:=|=)"([^"]*)"$/.exec(pair));
		expect(pairs.every((pair) => pair !== null)).toBe(true);
		const keys = Object.fromEntries(pairs.map((pair) => [`${pair?.[1]}${pair?.[2]}`, pair?.[3]]));
		expect(keys).toMatchObject({
			'SUBSYSTEM==': 'tty',
			'ATTRS{idVendor}==': expect.stringMatching(/^[0-9a-f]{4}$/),
			'ATTRS{idProduct}==': expect.stringMatching(/^[0-9a-f]{4}$/),
			'ATTRS{serial}==': expect.any(String),
			'MODE=': '0660',
			'GROUP=': 'dialout',
			'SYMLINK+=': 'dlms0',
		});
	});
});
