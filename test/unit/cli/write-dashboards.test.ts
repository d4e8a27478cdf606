import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';

/** The built script behind `npm run dashboards`; `npm test` builds it first (pretest). */
const SCRIPT = new URL('../../../dist/src/cli/write-dashboards.js', import.meta.url).pathname;
const ROOT = new URL('../../../', import.meta.url).pathname;
const run = (...args: string[]) =>
	spawnSync(process.execPath, [SCRIPT, ...args], {cwd: ROOT, encoding: 'utf8'});

// Destructured: the strict tsconfig forbids `process.env.X`. In CI a missing build must fail, not skip.
const {CI: ci} = process.env;

describe.skipIf(!existsSync(SCRIPT) && ci !== 'true')('npm run dashboards', () => {
	it('--check passes on the committed files and writes nothing', () => {
		const result = run('--check');
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('unchanged grafana/dashboards/energy.json');
	});

	it('writes to --out, and --check there fails after a zone change', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'dlms-dashboards-cli-'));
		try {
			expect(run('--out', dir).status).toBe(0);
			expect((await readdir(dir)).sort()).toEqual(['energy.json', 'meter-health.json', 'peak-demand.json']);
			const check = run('--out', dir, '--check', '--tz', 'Europe/Vienna');
			expect(check.status).toBe(1);
			expect(check.stdout).toContain(`differs ${join(dir, 'energy.json')}`);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	it('exits 2 with a one-line reason for a zone that is not an IANA name or an unknown option', () => {
		const zone = run('--tz', 'Mars/Olympus', '--check');
		expect(zone.status).toBe(2);
		expect(zone.stderr).toMatch(/^dashboards: time zone must be an IANA name/);
		expect(run('--colour').status).toBe(2);
	});
});
