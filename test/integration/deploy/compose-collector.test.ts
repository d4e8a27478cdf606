import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
	type ComposeConfig,
	type ComposeService,
	dockerCompose,
	REPO_ROOT,
	resolvedComposeConfig,
	writeFilledEnvFile,
} from '../../helpers/compose-config.ts';
import {type DockerfileModel, readDockerfile} from '../../helpers/dockerfile-model.ts';
import {freePort} from '../../helpers/free-port.ts';
import {hasSocat, openPtyPair, type PtyPair} from '../../helpers/pty-pair.ts';
import {serverBinary} from '../../helpers/server-process.ts';
import {
	type ExportedSeries,
	startVictoriaMetrics,
	type VictoriaMetricsServer,
} from '../../helpers/victoria-metrics-server.ts';

// The services docker-compose.yml describes, started the way the image would start them (the Dockerfile's
// ENTRYPOINT, ENV and WORKDIR, the compose command and environment with .env.example), only as processes on
// this machine: the stack's host names become loopback ports, the data volume a temp dir. InfluxDB is
// VictoriaMetrics here, which takes the same /api/v2/write the collector uses against influxdb:2.

const victoriaMetrics = serverBinary('victoria-metrics', 'victoria-metrics');
const skipReason = dockerCompose.skipReason ?? victoriaMetrics.skipReason;

interface Started {
	readonly child: ChildProcess;
	readonly output: () => string;
	readonly exited: Promise<number | null>;
}

const serviceOf = (config: ComposeConfig, name: string): ComposeService | undefined => config.services[name];
const labelOf = (series: ExportedSeries, label: string) => series.metric[label];

const children = new Set<ChildProcess>();

function start(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Started {
	const [program = '', ...args] = argv;
	const child = spawn(program, args, {env, cwd, stdio: ['ignore', 'pipe', 'pipe']});
	children.add(child);
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	child.stderr?.on('data', (chunk: Buffer) => {
		output += chunk.toString();
	});
	const exited = new Promise<number | null>((resolve) => {
		child.once('close', (code) => {
			children.delete(child);
			resolve(code);
		});
	});
	return {child, output: () => output, exited};
}

async function waitFor<T>(
	what: string,
	timeoutMs: number,
	probe: () => Promise<T | undefined>,
	context = () => '',
) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined) return value;
		await sleep(250);
	}
	throw new Error(`${what}: not within ${timeoutMs} ms\n${context()}`);
}

describe.skipIf(skipReason !== undefined)(
	skipReason === undefined
		? 'the compose services as processes'
		: `the compose services as processes (skipped: ${skipReason})`,
	() => {
		let demo: ComposeConfig;
		let meter: ComposeConfig;
		let image: DockerfileModel;
		let server: VictoriaMetricsServer;
		let dataDir: string;
		let simulatorPort: number;
		let healthPort: number;

		/** A value from the compose file or the Dockerfile, as it points at this machine instead of the stack. */
		const onThisMachine = (value: string) =>
			value
				.replaceAll('http://influxdb:8086', server.url)
				.replaceAll('simulator:8888', `127.0.0.1:${simulatorPort}`)
				.replaceAll('0.0.0.0:8888', `127.0.0.1:${simulatorPort}`)
				.replaceAll('127.0.0.1:9464', `127.0.0.1:${healthPort}`)
				.replaceAll('/var/lib/dlms-logger', dataDir);

		/** The process a service's container would run: ENTRYPOINT + (command ?? CMD), with ENV then environment. */
		const processOf = (service: ComposeService | undefined, argsOverride?: readonly string[]) => {
			const command = service?.command;
			const args =
				argsOverride ?? (typeof command === 'string' ? command.split(/\s+/) : (command ?? image.cmd ?? []));
			const argv = [...(image.entrypoint ?? []), ...args].map((part, index) =>
				index === 0 && part === 'node'
					? process.execPath
					: onThisMachine(part.replace(/^\/app\//, `${REPO_ROOT}/`)),
			);
			const {PATH} = process.env;
			const env: NodeJS.ProcessEnv = {PATH};
			for (const [name, value] of Object.entries({...image.env, ...service?.environment})) {
				if (value !== null && value !== undefined) env[name] = onThisMachine(String(value));
			}
			return {argv, env, cwd: onThisMachine(image.workdir ?? '/')};
		};

		beforeAll(async () => {
			dataDir = await mkdtemp(join(tmpdir(), 'dlms-compose-collector-'));
			// .env.example with its secrets filled by the README's command; kept outside the data directory.
			const envDir = await mkdtemp(join(tmpdir(), 'dlms-compose-env-'));
			try {
				const envFile = await writeFilledEnvFile(envDir);
				[demo, meter] = await Promise.all([
					resolvedComposeConfig({envFile, profiles: ['demo']}),
					resolvedComposeConfig({envFile, profiles: ['meter']}),
				]);
			} finally {
				await rm(envDir, {recursive: true, force: true});
			}
			image = readDockerfile(join(REPO_ROOT, 'Dockerfile'));
			server = await startVictoriaMetrics();
			[simulatorPort, healthPort] = [await freePort(), await freePort()];
		});
		afterAll(async () => {
			for (const child of children) child.kill('SIGKILL');
			await server?.stop();
			if (dataDir !== undefined) await rm(dataDir, {recursive: true, force: true});
		});

		it('collector-demo reads the simulator over TCP, writes to the v2 API, is healthy and stops cleanly', async () => {
			const simulatorProcess = processOf(serviceOf(demo, 'simulator'));
			const simulator = start(simulatorProcess.argv, simulatorProcess.env, simulatorProcess.cwd);
			await waitFor('simulator listening', 15_000, async () =>
				simulator.output().includes('waiting for a client') ? true : undefined,
			);

			const collectorProcess = processOf(serviceOf(demo, 'collector-demo'));
			const collector = start(collectorProcess.argv, collectorProcess.env, collectorProcess.cwd);
			const series = await waitFor(
				'points of demo-zmd120 in VictoriaMetrics',
				45_000,
				async () => {
					const found = await server.export('{meter="demo-zmd120"}');
					return found.some((entry) => labelOf(entry, 'obis') === '1.8.1') ? found : undefined;
				},
				() =>
					`collector output:\n${collector.output()}\nsimulator output:\n${simulator.output().slice(-2000)}`,
			);
			const energy = series.find((entry) => labelOf(entry, 'obis') === '1.8.1');
			expect(energy?.metric).toMatchObject({meter: 'demo-zmd120', unit: 'kWh'});
			expect(energy?.values[0]).toBeGreaterThan(0);

			// The image's HEALTHCHECK command, run as Docker would run it inside the container.
			const healthcheck = processOf(undefined, []);
			const probe = async () => {
				const checked = start(
					(image.healthcheck?.command ?? []).map((part, index) => (index === 0 ? process.execPath : part)),
					collectorProcess.env,
					healthcheck.cwd,
				);
				return await checked.exited;
			};
			expect(await waitFor('healthy', 20_000, async () => ((await probe()) === 0 ? 0 : undefined))).toBe(0);

			// The simulated meter's clock runs in the zone collector-demo reads it in: no hour between them.
			const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
			const offset = /^\S*meter_clock_offset_seconds\{[^}]*meter="demo-zmd120"[^}]*\} (\S+)$/m.exec(
				metrics,
			)?.[1];
			expect(offset, metrics).toBeDefined();
			// A zone mismatch shows as a whole hour (or two in summer); what is left is a few minutes at most.
			expect(Math.abs(Number(offset))).toBeLessThan(900);

			collector.child.kill('SIGTERM');
			const stoppedAt = Date.now();
			expect(await collector.exited).toBe(0);
			expect(Date.now() - stoppedAt).toBeLessThan(15_000);
			expect(collector.output()).toContain('stopping');
			// With the collector gone the same check fails, so the container would be reported unhealthy.
			expect(await probe()).not.toBe(0);

			simulator.child.kill('SIGTERM');
			await simulator.exited;
		}, 90_000);

		it.skipIf(!hasSocat())(
			'collector reads the meter on the device compose passes in (a socat pty with the simulator behind it)',
			async () => {
				let pty: PtyPair | undefined;
				try {
					pty = await openPtyPair();
					const simulatorArgs = ['simulate', '--serial', pty.meterPath, '--profile', 'zmd120'];
					const simulatorProcess = processOf(serviceOf(demo, 'simulator'), simulatorArgs);
					const simulator = start(simulatorProcess.argv, simulatorProcess.env, simulatorProcess.cwd);
					await waitFor('simulator on the pty', 15_000, async () =>
						simulator.output().includes('simulating') ? true : undefined,
					);
					const {argv, env, cwd} = processOf(serviceOf(meter, 'collector'));
					const {METER_PORT: devicePort = ''} = env;
					// /dev/ttyMETER is the name the device gets inside the container; here it is the pty.
					// Every 5 s instead of .env.example's 60 s, only so the test need not wait a minute.
					const collector = start(
						argv,
						{
							...env,
							METER_PORT: devicePort.replace('/dev/ttyMETER', pty.hostPath),
							METER_SCHEDULE: '5s',
						},
						cwd,
					);
					const series = await waitFor(
						'points of the meter in VictoriaMetrics',
						45_000,
						async () => {
							const found = await server.export('{meter="house"}');
							return found.some((entry) => labelOf(entry, 'obis') === '1.8.1') ? found : undefined;
						},
						() => `collector output:\n${collector.output()}`,
					);
					expect(series.length).toBeGreaterThan(10);
					collector.child.kill('SIGTERM');
					expect(await collector.exited).toBe(0);
					simulator.child.kill('SIGTERM');
					await simulator.exited;
				} finally {
					await pty?.close();
				}
			},
			90_000,
		);

		it('the meter collector starts from its environment alone (check-config with METER_PORT=/dev/ttyMETER)', async () => {
			const {argv, env, cwd} = processOf(serviceOf(meter, 'collector'), ['check-config']);
			const checked = start(argv, env, cwd);
			expect(await checked.exited).toBe(0);
			expect(checked.output()).toContain('environment variables: ok, 1 meter,');
			expect(checked.output()).toContain('house: /dev/ttyMETER, mode auto, every 60 s');
			expect(checked.output()).toContain(`${server.url} (InfluxDB 2, bucket `);
		});

		it('a wrong variable in the meter collector stops it with exit 78, naming the variable', async () => {
			const {argv, env, cwd} = processOf(serviceOf(meter, 'collector'));
			const checked = start(argv, {...env, METER_SCHEDULE: 'hourly', METER_MODE: 'E'}, cwd);
			expect(await checked.exited).toBe(78);
			expect(checked.output()).toContain('environment variables: 2 problems');
			expect(checked.output()).toMatch(/METER_SCHEDULE: expected a cron expression/);
			expect(checked.output()).toMatch(/METER_MODE: /);
		});
	},
);
