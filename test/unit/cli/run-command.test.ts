import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Readable} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {runCollector} from '../../../src/cli/run-command.ts';

let cwd: string;
beforeEach(async () => {
	cwd = await mkdtemp(join(tmpdir(), 'dlms-run-'));
});
afterEach(async () => {
	await rm(cwd, {recursive: true, force: true});
});

describe('runCollector', () => {
	it('runs the embedded default until aborted, points on stdout and JSON logs on stderr', async () => {
		const stdout = new PassThrough();
		const stderr = new PassThrough();
		let out = '';
		let err = '';
		stdout.on('data', (chunk: Buffer) => {
			out += chunk.toString();
		});
		stderr.on('data', (chunk: Buffer) => {
			err += chunk.toString();
		});
		const controller = new AbortController();
		const running = runCollector(
			undefined,
			{stdin: Readable.from([]), stdout, stderr, signal: controller.signal},
			{env: {}, cwd},
		);
		const deadline = Date.now() + 20_000;
		while (!out.includes('obis=1.8.1') && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 100));
		controller.abort(new Error('received SIGTERM'));
		await running;
		expect(out).toMatch(/meter=demo-zmd120,obis=1\.8\.1,unit=kWh value=\d+/);
		const lines = err
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as {msg: string});
		expect(lines[0]?.msg).toContain('built-in simulated ZMD120');
		expect(lines.at(-1)?.msg).toBe('collector stopped; nothing left unsent');
	}, 30_000);
});
