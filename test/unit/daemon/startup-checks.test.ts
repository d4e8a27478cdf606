import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ConfigError} from '../../../src/config/config-error.ts';
import {parseConfig} from '../../../src/config/config-loader.ts';
import {assertStartable, configBase, startupProblems} from '../../../src/daemon/startup-checks.ts';

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-startup-'));
});
afterEach(async () => {
	await chmod(directory, 0o700);
	await rm(directory, {recursive: true, force: true});
});

const influx = 'influxdb:\n  url: http://127.0.0.1:9\n  org: o\n  bucket: b\n  token: t\n';

async function problemsOf(text: string) {
	const loaded = await parseConfig(text, join(directory, 'config.yaml'));
	return (await startupProblems(loaded, directory)).map(
		(problem) => `${problem.path}@${problem.line}: ${problem.message}`,
	);
}

describe('startupProblems', () => {
	it('finds nothing wrong with simulated, serial and tcp meters and a creatable spool', async () => {
		expect(
			await problemsOf(
				`${influx}spool:\n  directory: ./a/b/spool\nmeters:\n  - id: s\n    port: simulator:slow-300\n  - id: d\n    port: /dev/ttyUSB7\n  - id: t\n    port: tcp://[::1]:2000\n`,
			),
		).toEqual([]);
	});

	it('reports every bad port at its line, in the words of the link it would open', async () => {
		expect(
			await problemsOf(
				'meters:\n  - id: a\n    port: simulator:zmd999\n  - id: b\n    port: tcp://host\n  - id: c\n    port: tcp://host:0\n',
			),
		).toEqual([
			expect.stringMatching(/^meters\[0\]\.port@3: unknown simulator profile "zmd999"; known: zmd120, /),
			'meters[1].port@5: "tcp://host" is not a valid tcp://host:port address (the port number is missing)',
			'meters[2].port@7: "tcp://host:0" is not a valid tcp://host:port address (the port must be 1 to 65535)',
		]);
	});

	it('reports a spool directory that is a file, or under one', async () => {
		await writeFile(join(directory, 'taken'), '');
		expect(
			await problemsOf(`${influx}spool:\n  directory: taken\nmeters:\n  - id: a\n    port: /dev/x\n`),
		).toEqual([`spool.directory@7: ${join(directory, 'taken')} is a file, not a directory`]);
		expect(
			await problemsOf(`${influx}spool:\n  directory: taken/spool\nmeters:\n  - id: a\n    port: /dev/x\n`),
		).toEqual([
			`spool.directory@7: cannot create ${join(directory, 'taken/spool')}: ${join(directory, 'taken')} is a file`,
		]);
	});

	it('reports an archive directory that cannot be created', async () => {
		await writeFile(join(directory, 'taken'), '');
		expect(
			await problemsOf('archive:\n  directory: taken/raw\nmeters:\n  - id: a\n    port: /dev/x\n'),
		).toEqual([
			`archive.directory@2: cannot create ${join(directory, 'taken/raw')}: ${join(directory, 'taken')} is a file`,
		]);
	});

	it('refuses spool and archive directories under /proc, /sys and /dev, also behind a symbolic link', async () => {
		const {symlink} = await import('node:fs/promises');
		await symlink('/proc/self', join(directory, 'to-proc'));
		const because = (path: string, root: string) =>
			`${path} is under ${root}, a kernel file system that stores nothing; choose a directory on a disk`;
		expect(
			await problemsOf(
				`${influx}spool:\n  directory: /sys/nope/spool\narchive:\n  directory: /proc/nope/raw\nmeters:\n  - id: a\n    port: /dev/x\n`,
			),
		).toEqual([
			`spool.directory@7: ${because('/sys/nope/spool', '/sys')}`,
			`archive.directory@9: ${because('/proc/nope/raw', '/proc')}`,
		]);
		expect(
			await problemsOf(
				`${influx}spool:\n  directory: /dev\narchive:\n  directory: to-proc/nope/raw\nmeters:\n  - id: a\n    port: /dev/x\n`,
			),
		).toEqual([
			`spool.directory@7: ${because('/dev', '/dev')}`,
			`archive.directory@9: ${because(join(directory, 'to-proc/nope/raw'), '/proc')}`,
		]);
		// Only those trees: a name that merely starts alike is an ordinary directory.
		expect(
			await problemsOf(
				`archive:\n  directory: ${directory}/proc/raw\nmeters:\n  - id: a\n    port: /dev/x\n`,
			),
		).toEqual([]);
	});

	it('ignores the spool directory when points go to stdout (no spool is used)', async () => {
		await writeFile(join(directory, 'taken'), '');
		expect(await problemsOf('spool:\n  directory: taken\nmeters:\n  - id: a\n    port: /dev/x\n')).toEqual(
			[],
		);
	});

	it('creates nothing while checking', async () => {
		await mkdir(join(directory, 'empty'));
		await problemsOf(
			`${influx}spool:\n  directory: empty/spool\nmeters:\n  - id: a\n    port: simulator:zmd120\n`,
		);
		const {readdir} = await import('node:fs/promises');
		expect(await readdir(join(directory, 'empty'))).toEqual([]);
	});
});

describe('assertStartable', () => {
	it('throws one ConfigError listing every problem, named after the file', async () => {
		const file = join(directory, 'config.yaml');
		const loaded = await parseConfig(
			'meters:\n  - id: a\n    port: tcp://x\n  - id: b\n    port: simulator:nope\n',
			file,
		);
		const error = await assertStartable(loaded, directory).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ConfigError);
		expect((error as ConfigError).file).toBe(file);
		expect((error as ConfigError).problems).toHaveLength(2);
	});
});

describe('configBase', () => {
	it("is the file's directory, or the working directory for the embedded default", async () => {
		const loaded = await parseConfig('meters:\n  - id: a\n    port: /dev/x\n', 'conf/config.yaml');
		expect(configBase(loaded, '/srv')).toBe('/srv/conf');
		expect(configBase({...loaded, file: ''}, '/srv')).toBe('/srv');
	});
});
