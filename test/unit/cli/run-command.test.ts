import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Readable} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {CliError} from '../../../src/cli/cli-error.ts';
import {runCollector} from '../../../src/cli/run-command.ts';
import {fieldTypeConflict, startFakeInfluxWrite} from '../../helpers/fake-influx-write.ts';
import {freePort} from '../../helpers/free-port.ts';

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

	function captured() {
		const stdout = new PassThrough();
		const stderr = new PassThrough();
		const out = {stdout: '', stderr: ''};
		stdout.on('data', (chunk: Buffer) => {
			out.stdout += chunk.toString();
		});
		stderr.on('data', (chunk: Buffer) => {
			out.stderr += chunk.toString();
		});
		return {io: {stdin: Readable.from([]), stdout, stderr}, out};
	}

	/** A config.yaml in `cwd` sending the simulated ZMD120's points to `url` (database `conf`). */
	async function writeServerConfig(url: string, version: string): Promise<string> {
		const config = join(cwd, 'config.yaml');
		const influxdb = ['influxdb:', `  url: ${url}`, `  version: "${version}"`, '  database: conf'];
		const meters = ['meters:', '  - id: sim', '    port: simulator:zmd120'];
		await writeFile(
			config,
			[...influxdb, 'spool:', `  directory: ${join(cwd, 'spool')}`, ...meters].join('\n'),
		);
		return config;
	}

	it('--once reads every meter once, prints its points and returns', async () => {
		const {io, out} = captured();
		await runCollector({once: true}, io, {env: {}, cwd});
		expect(out.stdout).toMatch(/meter=demo-zmd120,obis=1\.8\.1,unit=kWh value=\d+/);
		expect(out.stdout.match(/obis=1\.8\.1,/g)).toHaveLength(1);
		expect(out.stderr).toContain('read 1 meter once');
	}, 20_000);

	it('--once fails with exit 1 naming the meter that could not be read and why', async () => {
		const config = join(cwd, 'config.yaml');
		await writeFile(
			config,
			[
				'meters:',
				'  - id: good',
				'    port: simulator:zmd120',
				'  - id: gone',
				`    port: tcp://127.0.0.1:${await freePort()}`,
			].join('\n'),
		);
		const {io, out} = captured();
		const error = await runCollector({config, once: true}, io, {env: {}, cwd}).catch(
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).exitCode).toBe(1);
		expect((error as Error).message).toMatch(
			/^1 of 2 meters not read or not stored: gone \(tcp:\/\/127\.0\.0\.1:\d+: open: connection refused[^;]*\)$/,
		);
		expect(out.stdout).toMatch(/meter=good,obis=1\.8\.1/);
	}, 20_000);

	it('--once stopped by a signal mid-readout says it was interrupted, names the meter, exits 130', async () => {
		const {io, out} = captured();
		const controller = new AbortController();
		const running = runCollector({once: true}, {...io, signal: controller.signal}, {env: {}, cwd}).catch(
			(caught: unknown) => caught,
		);
		// The first log line comes before the collector starts: the readout cannot be over by then.
		const deadline = Date.now() + 10_000;
		while (!out.stderr.includes('built-in simulated ZMD120') && Date.now() < deadline)
			await new Promise((resolve) => setTimeout(resolve, 20));
		controller.abort(new Error('received SIGINT'));
		const error = await running;
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).exitCode).toBe(130);
		expect((error as Error).message).toBe(
			'run --once interrupted: demo-zmd120 not read (nothing of its readout stored)',
		);
		const messages = out.stderr
			.trim()
			.split('\n')
			.map((line) => (JSON.parse(line) as {msg: string}).msg);
		expect(messages).toContain('stopping (received SIGINT)');
		expect(messages).toContain('demo-zmd120: readout abandoned on stopping; nothing of it was stored');
		expect(out.stdout).toBe('');
	}, 20_000);

	it('--once fails with exit 1 when the server refused points, saying once how many, why and where', async () => {
		// As a database where `value` is a string field: every line with a unit is refused.
		const server = await startFakeInfluxWrite((lines) =>
			lines.some((line) => line.includes(',unit=')) ? fieldTypeConflict(1) : {status: 204},
		);
		try {
			const config = await writeServerConfig(server.url, '1');
			const {io, out} = captured();
			const error = await runCollector({config, once: true}, io, {env: {}, cwd}).catch(
				(caught: unknown) => caught,
			);
			expect(error).toBeInstanceOf(CliError);
			expect((error as CliError).exitCode).toBe(1);
			const refused = (await readFile(join(cwd, 'spool', 'dead-letter.lp'), 'utf8'))
				.split('\n')
				.filter((line) => line.startsWith('meter,')).length;
			expect(refused).toBeGreaterThan(5);
			expect(server.stored.length).toBeGreaterThan(0);
			expect((error as Error).message).toBe(
				`${refused} points refused by the server as bad data and set aside in ${join(cwd, 'spool', 'dead-letter.lp')}: ${server.url} (database conf): HTTP 400: {"error":"partial write: field type conflict: input field \\"value\\" on measurement \\"meter\\" is type float, already exists as type string dropped=1"}`,
			);
			// One log line for the refusal, not one per point.
			const logged = out.stderr.split('\n').filter((line) => line.includes('field type conflict'));
			expect(logged).toHaveLength(1);
			expect(logged[0]).toContain(`"msg":"${refused} points refused by the server and set aside in`);
			expect(out.stderr).toContain(
				`"msg":"collector stopped; nothing left unsent; ${refused} points refused by the server as bad data, set aside in ${join(cwd, 'spool', 'dead-letter.lp')}"`,
			);
		} finally {
			await server.close();
		}
	}, 20_000);

	it("--once fails with exit 1 when points stay in the spool, naming the server's answer first", async () => {
		// Version 1.8 posts to /api/v2/write, which this 1.x stand-in answers with 404, as influxd 1.6.7 does.
		const server = await startFakeInfluxWrite();
		try {
			const config = await writeServerConfig(server.url, '1.8');
			const {io} = captured();
			const error = await runCollector({config, once: true}, io, {env: {}, cwd}).catch(
				(caught: unknown) => caught,
			);
			expect(error).toBeInstanceOf(CliError);
			expect((error as CliError).exitCode).toBe(1);
			expect((error as Error).message).toMatch(
				new RegExp(
					`^${server.url} \\(database conf\\): HTTP 404.*; \\d+ points \\((\\d+ bytes|\\d+\\.\\d kB)\\) not stored, they wait in the spool ${join(cwd, 'spool')}$`,
				),
			);
			expect((error as CliError).hint).toBe('once that is fixed, the next run sends them first');
			expect(server.stored).toHaveLength(0);
		} finally {
			await server.close();
		}
	}, 20_000);

	it('--log-level overrides the configured level', async () => {
		const {io, out} = captured();
		await runCollector({once: true, logLevel: 'warn'}, io, {env: {}, cwd});
		expect(out.stderr).toBe('');
		expect(out.stdout).toContain('obis=1.8.1');
	}, 20_000);
});
