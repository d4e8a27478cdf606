import {execFileSync, spawn} from 'node:child_process';
import {mkdtemp, readdir, readFile, rm, stat, symlink, unlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import type {SimulatorFault} from '../../src/simulator/simulator-fault.ts';
import {createSimulatorProfile} from '../../src/simulator/simulator-profiles.ts';
import {SerialLink} from '../../src/transport/serial-link.ts';
import {DaemonProcess as Daemon} from '../helpers/daemon-process.ts';
import {type InfluxdServer, startInfluxd} from '../helpers/influxd-server.ts';
import {hasSocat, openPtyPair, type PtyPair} from '../helpers/pty-pair.ts';
import {CLI_PATH} from '../helpers/run-cli.ts';

describe.skipIf(!hasSocat())('dlms-logger run (the collector daemon)', () => {
	let directory: string;
	let pty: PtyPair | undefined;
	let simulator: MeterSimulator | undefined;
	let daemon: Daemon | undefined;

	beforeEach(async () => {
		directory = await mkdtemp(join(tmpdir(), 'dlms-daemon-'));
	});
	afterEach(async () => {
		if (daemon && daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
		await daemon?.exited;
		daemon = undefined;
		await simulator?.close();
		simulator = undefined;
		await pty?.close();
		pty = undefined;
		await rm(directory, {recursive: true, force: true});
	});

	/**
	 * The simulated ZMD120 on a fresh pty pair, hearing the host at the line rate. Unless told
	 * `fullLineTime`, it sends its own messages at once (`sendAtOnce`): what these cases assert (points
	 * written, exit codes, the spool, an unplugged reader) does not depend on how long the meter's
	 * messages take, and a readout takes about 0.8 s instead of 2.4 s.
	 */
	async function meterOnPty(faults: SimulatorFault[] = [], {fullLineTime = false} = {}): Promise<PtyPair> {
		const pair = await openPtyPair();
		simulator = new MeterSimulator(new SerialLink({path: pair.meterPath}), {
			profile: createSimulatorProfile('zmd120'),
			faults,
			paced: true,
			sendAtOnce: !fullLineTime,
		});
		await simulator.start();
		return pair;
	}

	it('reads three cycles into a real influxd, stops on SIGTERM with exit 0 and an empty spool', async () => {
		const influxd: InfluxdServer = await startInfluxd();
		try {
			await influxd.createDatabase('meters');
			pty = await meterOnPty();
			const config = join(directory, 'config.yaml');
			await writeFile(
				config,
				[
					'timezone: Europe/Berlin',
					'influxdb:',
					`  url: ${influxd.url}`,
					'  version: "1"',
					'  database: meters',
					'spool:',
					'  directory: ./spool',
					'log:',
					'  format: json',
					'meters:',
					'  - id: house',
					`    port: ${pty.hostPath}`,
					'    every: 2s',
				].join('\n'),
			);
			daemon = new Daemon(config, directory);
			await daemon.waitFor(/"msg":"house: read \d+ points"/, 3);
			const stopped = await daemon.stop();
			expect(stopped.code).toBe(0);
			expect(stopped.ms).toBeLessThan(10_000);
			const [rows] = await influxd.query(
				`SELECT "value" FROM "meter" WHERE "meter" = 'house' AND "obis" = '1.8.1'`,
				'meters',
			);
			expect(rows?.values.length).toBeGreaterThanOrEqual(3);
			const spoolFiles = (await readdir(join(directory, 'spool'))).filter((name) => name.endsWith('.lp'));
			for (const name of spoolFiles) expect((await stat(join(directory, 'spool', name))).size).toBe(0);
			expect(daemon.stdout).toBe('');
		} finally {
			await influxd.stop();
		}
	});

	it('survives the reader being unplugged, says so once, and recovers when it is back', async () => {
		pty = await meterOnPty();
		// A stable name, as /dev/serial/by-id gives: it dangles while the reader is away.
		const port = join(directory, 'ir-head');
		await symlink(pty.hostPath, port);
		const config = join(directory, 'config.yaml');
		await writeFile(
			config,
			['log:', '  format: json', 'meters:', '  - id: house', `    port: ${port}`, '    every: 1s'].join('\n'),
		);
		daemon = new Daemon(config, directory);
		await daemon.waitFor(/house: read \d+ points/, 2);

		await simulator?.close();
		simulator = undefined;
		await pty.close();
		await unlink(port);
		await daemon.waitFor(/no such port/, 1);
		await new Promise((resolve) => setTimeout(resolve, 4000));
		expect(daemon.count(/no such port/)).toBe(1);
		const readsBefore = daemon.count(/house: read \d+ points/);

		pty = await meterOnPty();
		await symlink(pty.hostPath, port);
		await daemon.waitFor(/house: reading again after \d+ failed readouts?/, 1, 40_000);
		await daemon.waitFor(/house: read \d+ points/, readsBefore + 1);
		const stopped = await daemon.stop();
		expect(stopped.code).toBe(0);
	});

	it('skips and counts ticks while a slow readout is still running, never interleaving two', async () => {
		// About 2.5 s per readout (3 ms a character) on a 1 s schedule.
		pty = await meterOnPty([{kind: 'slow-bytes', delayMs: 3}], {fullLineTime: true});
		const config = join(directory, 'config.yaml');
		await writeFile(
			config,
			[
				'log:',
				'  format: json',
				'meters:',
				'  - id: slow',
				`    port: ${pty.hostPath}`,
				'    every: 1s',
			].join('\n'),
		);
		daemon = new Daemon(config, directory);
		await daemon.waitFor(/slow: read \d+ points/, 2, 40_000);
		const stopped = await daemon.stop();
		expect(stopped.code).toBe(0);
		expect(daemon.count(/tick skipped/)).toBeGreaterThan(0);
		expect(simulator?.hostErrors).toEqual([]);
		expect(daemon.count(/"level":"warn".*slow: .*(truncated|block-check|garbage)/)).toBe(0);
	});

	it('runs the embedded default with no configuration and prints line protocol', async () => {
		daemon = new Daemon('', directory);
		// `--config ''` is not a file: start without it instead.
		daemon.child.kill('SIGKILL');
		await daemon.exited;
		const child = spawn(process.execPath, [CLI_PATH, 'run'], {
			cwd: directory,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		const deadline = Date.now() + 20_000;
		while (!/obis=1\.8\.1,unit=kWh value=\d+/.test(stdout) && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		child.kill('SIGTERM');
		const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
		expect(stdout).toMatch(/^meter,channel=1-1,meter=demo-zmd120,obis=1\.8\.1,unit=kWh value=\d+ \d{10}$/m);
		expect(stderr).toContain('built-in simulated ZMD120');
		expect(code).toBe(0);
	});

	it('keeps the points in the spool when InfluxDB is away, and still exits 0 within 10 s', async () => {
		pty = await meterOnPty();
		const {freePort} = await import('../helpers/free-port.ts');
		const config = join(directory, 'config.yaml');
		await writeFile(
			config,
			[
				'influxdb:',
				`  url: http://127.0.0.1:${await freePort()}`,
				'  version: "1"',
				'  database: meters',
				'log:',
				'  format: json',
				'meters:',
				'  - id: house',
				`    port: ${pty.hostPath}`,
				'    every: 2s',
			].join('\n'),
		);
		daemon = new Daemon(config, directory);
		await daemon.waitFor(/"msg":"house: read \d+ points"/, 1);
		await daemon.waitFor(/points wait in the spool/, 1);
		const stopped = await daemon.stop();
		expect(stopped.code).toBe(0);
		expect(stopped.ms).toBeLessThan(10_000);
		expect(daemon.stderr).toMatch(
			/collector stopped; \d+ points \((\d+ bytes|\d+\.\d kB)\) wait in the spool /,
		);
		const files = (await readdir(join(directory, 'data', 'spool'))).filter((name) => name.endsWith('.lp'));
		const sizes = await Promise.all(
			files.map(async (name) => (await stat(join(directory, 'data', 'spool', name))).size),
		);
		expect(sizes.reduce((sum, size) => sum + size, 0)).toBeGreaterThan(0);
	});

	it('exits at once on a second signal while the first one is still flushing', async () => {
		// An InfluxDB that accepts connections and never answers: the flush on the first signal waits.
		const {createServer} = await import('node:net');
		const sockets: import('node:net').Socket[] = [];
		const silent = createServer((socket) => sockets.push(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const {port} = silent.address() as import('node:net').AddressInfo;
		try {
			pty = await meterOnPty();
			const config = join(directory, 'config.yaml');
			await writeFile(
				config,
				[
					'influxdb:',
					`  url: http://127.0.0.1:${port}`,
					'  version: "1"',
					'  database: meters',
					'  timeout: 30s',
					'log:',
					'  format: json',
					'meters:',
					'  - id: house',
					`    port: ${pty.hostPath}`,
					'    every: 2s',
				].join('\n'),
			);
			daemon = new Daemon(config, directory);
			await daemon.waitFor(/"msg":"house: read \d+ points"/, 1);
			daemon.child.kill('SIGTERM');
			await daemon.waitFor(/"msg":"stopping/, 1);
			const secondAt = Date.now();
			daemon.child.kill('SIGTERM');
			const {code} = await daemon.exited;
			expect(code).toBe(130);
			expect(Date.now() - secondAt).toBeLessThan(2000);
		} finally {
			for (const socket of sockets) socket.destroy();
			silent.close();
		}
	});

	it('logs what check-config warns about at start, placed by the loader process, and runs anyway', async () => {
		const config = join(directory, 'config.yaml');
		await writeFile(
			config,
			'log:\n  format: json\nmeters:\n  - id: a\n    port: ./no-reader\n    every: 1s\n',
		);
		daemon = new Daemon(config, directory);
		await daemon.waitFor(/collector started/, 1);
		expect(daemon.stderr).toContain(
			`"msg":"${config}: warning: meters[0].port (line 5): ./no-reader does not exist now: is the reader plugged in?`,
		);
		expect((await daemon.stop()).code).toBe(0);
	});

	it('exits 78 listing every problem of an invalid configuration', async () => {
		const config = join(directory, 'config.yaml');
		await writeFile(config, 'meters:\n  - id: a\n    every: fast\n');
		daemon = new Daemon(config, directory);
		const {code} = await daemon.exited;
		expect(code).toBe(78);
		expect(daemon.stderr).toContain('2 problems');
		expect(daemon.stderr).toContain('meters[0].port (line 2): required');
		expect(daemon.stderr).toContain(
			'meters[0].every (line 3): expected a duration such as 10s, 5m or 500ms, got the string "fast"',
		);
	});
});

describe('dlms-logger run interrupted while it loads its configuration', () => {
	let directory: string;
	let cli: ReturnType<typeof spawn> | undefined;

	beforeEach(async () => {
		directory = await mkdtemp(join(tmpdir(), 'dlms-interrupt-'));
	});
	afterEach(async () => {
		if (cli?.pid !== undefined && cli.exitCode === null && cli.signalCode === null)
			process.kill(-cli.pid, 'SIGKILL');
		cli = undefined;
		await rm(directory, {recursive: true, force: true});
	});

	/**
	 * `run` on a configuration file that is a FIFO nobody writes: the loader process waits on it for as
	 * long as the test likes, so the signal lands inside the load every time. In a process group of its
	 * own, as a shell runs a command; resolves with the loader's pid once it runs.
	 */
	async function runLoadingForever(): Promise<{
		exited: Promise<number | null>;
		stderr: () => string;
		loader: number;
	}> {
		const config = join(directory, 'config.yaml');
		execFileSync('mkfifo', [config]);
		const child = spawn(process.execPath, [CLI_PATH, 'run', '--config', config], {
			stdio: ['ignore', 'ignore', 'pipe'],
			detached: true,
		});
		cli = child;
		let stderr = '';
		child.stderr?.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
		const children = `/proc/${child.pid}/task/${child.pid}/children`;
		const deadline = Date.now() + 20_000;
		let loader: number | undefined;
		while (loader === undefined) {
			if (Date.now() > deadline) throw new Error(`no configuration loader started; stderr: ${stderr}`);
			const pids = (await readFile(children, 'utf8').catch(() => '')).trim();
			if (pids !== '') loader = Number(pids.split(' ')[0]);
			else await new Promise((resolve) => setTimeout(resolve, 20));
		}
		return {exited, stderr: () => stderr, loader};
	}

	const gone = (pid: number) =>
		readFile(`/proc/${pid}/stat`, 'utf8').then(
			(stat) => / [ZX] /.test(stat),
			() => true,
		);

	it('exits 130 and stops the loader on SIGINT to the collector alone', async () => {
		const run = await runLoadingForever();
		cli?.kill('SIGINT');
		expect(await run.exited).toBe(130);
		expect(run.stderr()).toContain('dlms-logger: interrupted while loading the configuration');
		expect(await gone(run.loader)).toBe(true);
	});

	it('exits 130 on Ctrl-C, which reaches the loader too', async () => {
		const run = await runLoadingForever();
		process.kill(-(cli?.pid as number), 'SIGINT');
		expect(await run.exited, run.stderr()).toBe(130);
		expect(run.stderr()).toContain('dlms-logger: interrupted while loading the configuration');
		expect(run.stderr()).not.toContain('unexpected error');
		expect(await gone(run.loader)).toBe(true);
	});
});
