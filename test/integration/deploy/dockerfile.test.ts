import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import {validate} from 'dockerfile-utils';
import {describe, expect, it} from 'vitest';
import {readDockerfile} from '../../helpers/dockerfile-model.ts';

// The image cannot be built here (no Docker engine); these checks read the Dockerfile the way Docker does
// and hold it to what the image promises. The built image is exercised by compose-stack-docker.test.ts.
const root = new URL('../../..', import.meta.url).pathname;
const dockerfile = readDockerfile(join(root, 'Dockerfile'));
// The package is CommonJS (module.exports = factory) with an ES-style default in its typings.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;
const ignored = dockerignore().add(readFileSync(join(root, '.dockerignore'), 'utf8').split('\n'));

const envOf = (name: string): string | undefined => dockerfile.env[name];

/** Every file under `dir` (relative to the repo), as the build context would list it. */
function filesUnder(dir: string): string[] {
	const path = join(root, dir);
	if (!statSync(path).isDirectory()) return [dir];
	return readdirSync(path, {recursive: true, withFileTypes: true})
		.filter((entry) => entry.isFile())
		.map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

describe('Dockerfile', () => {
	it('has no problem the Docker language server reports', () => {
		expect(
			validate(dockerfile.text).map((problem) => `line ${problem.range.start.line + 1}: ${problem.message}`),
		).toEqual([]);
	});

	it('builds every stage on a pinned Node LTS Debian slim image, never an untagged or latest one', () => {
		expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
		for (const stage of dockerfile.stages) {
			const match = /^node:(\d+)(?:\.\d+\.\d+)?-(bookworm|trixie)-slim(?:@sha256:[0-9a-f]{64})?$/.exec(
				stage.image,
			);
			expect(match, stage.image).not.toBeNull();
			const major = Number(match?.[1]);
			// LTS lines are the even majors; the code runs on Node 20 and later.
			expect(major % 2, stage.image).toBe(0);
			expect(major, stage.image).toBeGreaterThanOrEqual(20);
		}
	});

	it('runs as a user that is not root', () => {
		const user = dockerfile.user ?? 'root';
		const [name = ''] = user.split(':');
		expect(name).not.toBe('root');
		expect(name).not.toBe('0');
		expect(Number(name)).toBeGreaterThan(0);
	});

	it('starts the CLI in exec form, so SIGTERM reaches the collector', () => {
		expect(dockerfile.execForm).toEqual({entrypoint: true, cmd: true});
		const [program, ...args] = dockerfile.entrypoint ?? [];
		expect(program).toBe('node');
		const script = args.find((arg) => arg.endsWith('.js')) ?? '';
		// The script is one the last stage copies from the build stage, and the build makes it (dist/src).
		expect(dockerfile.stageCopies.some((copy) => script.startsWith(`${copy.source}/`))).toBe(true);
		expect(existsSync(join(root, script.replace(/^\/app\//, '')))).toBe(true);
		expect(dockerfile.cmd).toEqual(['run']);
	});

	it('checks health on /healthz in exec form, at the address the collector is told to listen on', () => {
		expect(dockerfile.healthcheck?.command?.[0]).toBe('node');
		expect(dockerfile.healthcheck?.command?.join(' ')).toContain('/healthz');
		expect(dockerfile.healthcheck?.command?.join(' ')).toContain('HEALTH_LISTEN');
		expect(envOf('HEALTH_LISTEN')).toMatch(/^127\.0\.0\.1:\d+$/);
		expect(Object.keys(dockerfile.healthcheck?.flags ?? {}).sort()).toEqual([
			'interval',
			'retries',
			'start-period',
			'timeout',
		]);
	});

	it('keeps the spool in a volume', () => {
		const volume = /^VOLUME\s+(\[.*\])\s*$/m.exec(dockerfile.text)?.[1];
		const volumes = JSON.parse(volume ?? '[]') as string[];
		expect(volumes.some((dir) => envOf('SPOOL_DIRECTORY')?.startsWith(`${dir}/`))).toBe(true);
		expect(volumes).toContain(dockerfile.workdir);
	});

	it('copies only files that exist and that .dockerignore lets into the build context', () => {
		const sources = dockerfile.contextCopies.flatMap((copy) => copy.sources);
		expect(sources.length).toBeGreaterThan(0);
		for (const source of sources) {
			expect(existsSync(join(root, source)), source).toBe(true);
			const files = filesUnder(source);
			expect(files.length, source).toBeGreaterThan(0);
			expect(
				files.filter((file) => ignored.ignores(file)),
				`${source}: left out by .dockerignore`,
			).toEqual([]);
		}
	});

	it('keeps secrets, host builds and tests out of the build context', () => {
		for (const path of [
			'.env',
			'node_modules/yaml/package.json',
			'dist/src/cli/main.js',
			'test/vitest.config.ts',
			'.git/HEAD',
			'data/spool/x',
		]) {
			expect(ignored.ignores(path), path).toBe(true);
		}
	});
});
