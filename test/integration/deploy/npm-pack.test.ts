import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
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
