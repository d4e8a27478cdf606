import {execFile} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {cp, mkdtemp, rm, symlink} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {REPO_ROOT} from '../../helpers/compose-config.ts';

const run = promisify(execFile);

// `npm pack` on a copy of the sources without dist/: the tarball holds built code only because
// prepack builds it, which is what `npm install -g ./dlms-logger-<version>.tgz` installs.
describe('npm pack', () => {
	let work: string;
	let files: string[];

	beforeAll(async () => {
		work = await mkdtemp(join(tmpdir(), 'dlms-npm-pack-'));
		const source = join(work, 'source');
		for (const entry of [
			'package.json',
			'package-lock.json',
			'tsconfig.json',
			'tsconfig.build.json',
			'src',
			'deploy',
			'grafana',
			'config.yaml.example',
			'README.md',
		]) {
			if (existsSync(join(REPO_ROOT, entry)))
				await cp(join(REPO_ROOT, entry), join(source, entry), {recursive: true});
		}
		await symlink(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'));
		expect(existsSync(join(source, 'dist'))).toBe(false);
		const {stdout} = await run('npm', ['pack', '--json', '--pack-destination', work], {cwd: source});
		const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as {filename: string}[];
		const {stdout: listing} = await run('tar', ['-tzf', join(work, packed?.filename ?? '')]);
		files = listing.split('\n').filter((line) => line !== '');
	}, 120_000);
	afterAll(async () => {
		if (work !== undefined) await rm(work, {recursive: true, force: true});
	});

	it('contains the built CLI that package.json names as the dlms-logger command', () => {
		expect(files).toContain('package/dist/src/cli/main.js');
		expect(files).toContain('package/dist/src/daemon/collector.js');
	});

	it('contains the deploy files, the example configuration and the README', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				'package/deploy/dlms-logger.service',
				'package/deploy/dlms-logger.sysusers.conf',
				'package/deploy/11-dlms.rules',
				'package/config.yaml.example',
				'package/README.md',
				'package/package.json',
			]),
		);
	});

	it('leaves out the TypeScript sources, the tests and dependencies', () => {
		expect(files.filter((file) => /^package\/(src|test|node_modules)\//.test(file))).toEqual([]);
	});
});

// `npm install -g` of the tarball resolves the dependencies afresh (the lock file is not packed). serialport
// pins its own @serialport/* packages to exact versions, so a range of ours that lets a newer patch in
// installs a second copy of the native binding (and npm warns about the install script of each).
describe('the serial packages in package.json', () => {
	const read = (path: string) =>
		JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as {
			version: string;
			dependencies: Record<string, string>;
		};

	it('are the exact versions serialport pins, so every install has one copy of each', () => {
		const ours = read('package.json').dependencies;
		const serialport = read('node_modules/serialport/package.json');
		expect(ours['serialport']).toBe(serialport.version);
		for (const name of ['@serialport/bindings-cpp', '@serialport/stream']) {
			expect(ours[name], name).toBe(serialport.dependencies[name]);
		}
	});
});
