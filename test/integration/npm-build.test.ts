import {execFile} from 'node:child_process';
import {stat} from 'node:fs/promises';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {CLI_PATH} from '../helpers/run-cli.ts';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

describe('npm run build (run by npm start before the collector)', () => {
	it('leaves dist alone when no source changed', async () => {
		// The first build brings dist up to date (npm test built it already; then it is a no-op too).
		await run('npm', ['run', 'build', '--silent'], {cwd: root});
		const before = (await stat(CLI_PATH)).mtimeMs;
		await run('npm', ['run', 'build', '--silent'], {cwd: root});
		expect((await stat(CLI_PATH)).mtimeMs).toBe(before);
	}, 60_000);
});
