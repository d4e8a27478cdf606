import {execFile} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {
	COMPOSE_SECRETS,
	type ComposeConfig,
	type ComposeService,
	dockerCompose,
	envFileValues,
	REPO_ROOT,
	readmeSecretsCommand,
	resolvedComposeConfig,
	runComposeConfig,
	servicesOfProfile,
	writeFilledEnvFile,
} from '../../helpers/compose-config.ts';

const run = promisify(execFile);
const COMPOSE_FILES = ['docker-compose.yml', 'deploy/docker-compose.config-file.yml'];
const envExample = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
/** NAME=value lines of .env.example. */
const exampleValues = envFileValues(envExample);
const composeText = COMPOSE_FILES.map((file) => readFileSync(join(REPO_ROOT, file), 'utf8')).join('\n');

const service = (config: ComposeConfig, name: string): ComposeService | undefined => config.services[name];
const dependencyOf = (entry: ComposeService | undefined, name: string) => entry?.depends_on?.[name];
const envOf = (entry: ComposeService | undefined, name: string) => entry?.environment?.[name];

function title(name: string, skipReason: string | undefined) {
	return skipReason === undefined ? name : `${name} (skipped: ${skipReason})`;
}

/** `dclint` as `npm run lint` runs it (rules configured under "dclint" in package.json). */
async function dclint(files: readonly string[], cwd = REPO_ROOT) {
	const binary = join(REPO_ROOT, 'node_modules/.bin/dclint');
	try {
		const {stdout} = await run(binary, ['--max-warnings', '0', '--no-color', ...files], {cwd});
		return {code: 0, output: stdout};
	} catch (error) {
		const failed = error as {code?: number; stdout?: string; stderr?: string};
		return {code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`};
	}
}

describe('docker-compose.yml with dclint (compose specification schema and rules)', () => {
	let scratch: string;
	beforeAll(async () => {
		scratch = await mkdtemp(join(tmpdir(), 'dlms-compose-lint-'));
	});
	afterAll(async () => {
		await rm(scratch, {recursive: true, force: true});
	});

	it('passes without errors or warnings, the config overlay too', async () => {
		const result = await dclint(COMPOSE_FILES);
		expect(result.output.trim()).toBe('');
		expect(result.code).toBe(0);
	});

	it('would catch a key the specification does not know', async () => {
		const broken = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8').replace(
			'healthcheck:',
			'healthchek:',
		);
		await writeFile(join(scratch, 'docker-compose.yml'), broken);
		const result = await dclint(['docker-compose.yml'], scratch);
		expect(result.code).not.toBe(0);
		expect(result.output).toMatch(/instancePath="\/services\/influxdb".*must NOT have additional properties/);
	});
});

describe('the config.yaml overlay', () => {
	const text = readFileSync(join(REPO_ROOT, 'deploy/docker-compose.config-file.yml'), 'utf8');
	const overlay = parse(text) as {services: Record<string, {volumes?: unknown[]}>};

	it('binds config.yaml in long syntax that refuses a missing file instead of creating a directory', () => {
		expect(overlay.services['collector']?.volumes).toEqual([
			{
				type: 'bind',
				source: './config.yaml',
				target: '/etc/dlms-logger/config.yaml',
				read_only: true,
			},
		]);
	});

	it('says which profile it changes, the port inside the container and the user that must read the file', () => {
		expect(text).toContain('COMPOSE_PROFILES=meter');
		expect(text).toContain('/dev/ttyMETER');
		expect(text).toContain('uid 10001');
		// The `devices:` it names are in docker-compose.yml's collector.
		expect(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')).toMatch(
			/devices:\n.*\n.*\n.*:\/dev\/ttyMETER/,
		);
	});
});

describe('the variables', () => {
	const used = new Set(
		COMPOSE_FILES.flatMap((file) =>
			[...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map(
				(match) => match[1] as string,
			),
		),
	);

	it('every variable used in a compose file has a line in .env.example', () => {
		expect([...used].filter((name) => !exampleValues.has(name))).toEqual([]);
	});

	it('.env.example has no line that no compose file uses (COMPOSE_PROFILES is read by compose itself)', () => {
		expect(
			[...exampleValues.keys()].filter((name) => !used.has(name) && name !== 'COMPOSE_PROFILES'),
		).toEqual([]);
	});

	it('.env.example starts the demo, which needs no serial device', () => {
		expect(exampleValues.get('COMPOSE_PROFILES')).toBe('demo');
	});

	it('.env.example ships every secret empty, and compose requires each with :? wherever it is used', () => {
		for (const secret of COMPOSE_SECRETS) {
			expect(exampleValues.get(secret), secret).toBe('');
			const uses = [...composeText.matchAll(new RegExp(`\\$\\{${secret}([^}]*)\\}`, 'g'))];
			expect(uses.length, secret).toBeGreaterThan(0);
			for (const use of uses)
				expect(use[1], `${secret}: ${use[0]}`).toMatch(new RegExp(`^:\\?set ${secret} in \\.env`));
		}
	});

	it("the README's command fills each empty secret with a new random value, and keeps one already set", async () => {
		const scratch = await mkdtemp(join(tmpdir(), 'dlms-env-secrets-'));
		try {
			const values = envFileValues(readFileSync(await writeFilledEnvFile(scratch), 'utf8'));
			const again = await mkdtemp(join(scratch, 'again-'));
			const other = envFileValues(readFileSync(await writeFilledEnvFile(again), 'utf8'));
			for (const secret of COMPOSE_SECRETS) {
				expect(values.get(secret), secret).toMatch(/^[0-9a-f]{48}$/);
				expect(other.get(secret), secret).not.toBe(values.get(secret));
			}
			expect(new Set(COMPOSE_SECRETS.map((secret) => values.get(secret))).size).toBe(COMPOSE_SECRETS.length);
			// Every other line is as in .env.example.
			for (const [name, value] of exampleValues)
				if (!(COMPOSE_SECRETS as readonly string[]).includes(name))
					expect(values.get(name), name).toBe(value);
			// Run once more on the filled file: the token InfluxDB was set up with must not change.
			await run('/bin/sh', ['-c', readmeSecretsCommand()], {cwd: scratch});
			const rerun = envFileValues(readFileSync(join(scratch, '.env'), 'utf8'));
			for (const secret of COMPOSE_SECRETS) expect(rerun.get(secret), secret).toBe(values.get(secret));
			// .env.example's own header gives the same command.
			expect(envExample).toContain(`#   ${readmeSecretsCommand()}\n`);
		} finally {
			await rm(scratch, {recursive: true, force: true});
		}
	});
});

describe.skipIf(dockerCompose.skipReason !== undefined)(
	title("Debian's docker-compose config", dockerCompose.skipReason),
	() => {
		let demo: ComposeConfig;
		let meter: ComposeConfig;
		let both: ComposeConfig;
		let scratch: string;
		/** .env.example with the secrets filled by the README's command: what a user starts with. */
		let envFile: string;
		let filled: string;
		let filledValues: Map<string, string>;
		beforeAll(async () => {
			scratch = await mkdtemp(join(tmpdir(), 'dlms-compose-config-'));
			envFile = await writeFilledEnvFile(scratch);
			filled = readFileSync(envFile, 'utf8');
			filledValues = envFileValues(filled);
			[demo, meter, both] = await Promise.all([
				resolvedComposeConfig({envFile, profiles: ['demo']}),
				resolvedComposeConfig({envFile, profiles: ['meter']}),
				resolvedComposeConfig({envFile, profiles: ['demo', 'meter']}),
			]);
		});
		afterAll(async () => {
			await rm(scratch, {recursive: true, force: true});
		});

		it.each([['demo'], ['meter']])(
			'validates profile %s with .env.example and the secrets filled',
			async (profile) => {
				const result = await runComposeConfig({envFile, profiles: [profile]}, ['-q']);
				expect(result.stderr).toBe('');
				expect(result.code).toBe(0);
			},
		);

		it('validates the config.yaml overlay with profile meter', async () => {
			const result = await runComposeConfig({envFile, profiles: ['meter'], files: COMPOSE_FILES}, ['-q']);
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
		});

		it('the demo runs influxdb, grafana, the simulator and its collector; the meter profile the collector', () => {
			expect(servicesOfProfile(demo, 'demo')).toEqual(['collector-demo', 'grafana', 'influxdb', 'simulator']);
			expect(servicesOfProfile(meter, 'meter')).toEqual(['collector', 'grafana', 'influxdb']);
		});

		it('the demo asks for no device, and validates without the meter lines', async () => {
			for (const name of servicesOfProfile(demo, 'demo'))
				expect(demo.services[name]?.devices, name).toBeUndefined();
			const withoutMeter = filled
				.split('\n')
				.filter((line) => !/^(METER_|DIALOUT_GID)/.test(line))
				.join('\n');
			await writeFile(join(scratch, 'demo.env'), withoutMeter);
			const result = await runComposeConfig({envFile: join(scratch, 'demo.env'), profiles: ['demo']}, ['-q']);
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
		});

		it('refuses .env.example as shipped, naming an empty secret', async () => {
			const result = await runComposeConfig({envFile: '.env.example', profiles: ['demo']}, ['-q']);
			expect(result.code).not.toBe(0);
			expect(result.stderr).toMatch(
				/set (INFLUX_TOKEN|INFLUXDB_ADMIN_PASSWORD|GRAFANA_ADMIN_PASSWORD) in \.env/,
			);
		});

		it.each(COMPOSE_SECRETS.map((secret) => [secret]))(
			'fails fast, naming it, when the secret %s is missing',
			async (secret) => {
				const withoutSecret = filled.replace(new RegExp(`^${secret}=.*$`, 'm'), `${secret}=`);
				await writeFile(join(scratch, `${secret}.env`), withoutSecret);
				const result = await runComposeConfig({envFile: join(scratch, `${secret}.env`), profiles: ['demo']}, [
					'-q',
				]);
				expect(result.code).not.toBe(0);
				expect(result.stderr).toContain(`set ${secret} in .env`);
			},
		);

		it('passes the meter as a device from METER_DEVICE to a fixed name, with the dialout GID', () => {
			const collector = service(meter, 'collector');
			// .env.example leaves METER_DEVICE empty: the placeholder the README's troubleshooting names.
			expect(exampleValues.get('METER_DEVICE')).toBe('');
			expect(collector?.devices).toEqual(['/dev/serial/by-id/set-METER_DEVICE-in-.env:/dev/ttyMETER']);
			expect(envOf(collector, 'METER_PORT')).toBe('/dev/ttyMETER');
			expect(collector?.group_add?.map(String)).toEqual([exampleValues.get('DIALOUT_GID')]);
		});

		it('publishes ports on 127.0.0.1 only', () => {
			const published = Object.values(demo.services).flatMap((service) => service.ports ?? []);
			expect(published.length).toBeGreaterThan(0);
			for (const port of published) {
				const hostIp = typeof port === 'string' ? port.split(':')[0] : port.host_ip;
				expect(hostIp, JSON.stringify(port)).toBe('127.0.0.1');
			}
		});

		it('pins InfluxDB to a 2.x tag and Grafana to a release', () => {
			expect(service(demo, 'influxdb')?.image).toMatch(/^influxdb:2\.\d+(\.\d+)?$/);
			expect(service(demo, 'grafana')?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
		});

		it('keeps every data directory in a named volume', () => {
			const named = new Set(Object.keys(demo.volumes ?? {}));
			const mounts = (service: string) =>
				(demo.services[service]?.volumes ?? []).map((volume) =>
					typeof volume === 'string' ? volume : `${volume.source ?? ''}:${volume.target}`,
				);
			for (const [service, target] of [
				['influxdb', '/var/lib/influxdb2'],
				['influxdb', '/etc/influxdb2'],
				['grafana', '/var/lib/grafana'],
				['collector-demo', '/var/lib/dlms-logger'],
			] as const) {
				const mount = mounts(service).find((entry) => entry.split(':')[1] === target);
				expect(mount, `${service} ${target}`).toBeDefined();
				expect(named.has(mount?.split(':')[0] ?? ''), `${service} ${target}`).toBe(true);
			}
			expect(
				mounts('collector').some((entry) => entry.startsWith('collector-data:/var/lib/dlms-logger')),
			).toBe(true);
		});

		it('runs both profiles together: each collector its own data volume and a fixed host name', () => {
			expect(servicesOfProfile(both, 'demo')).toContain('collector-demo');
			const dataMount = (name: string) =>
				(both.services[name]?.volumes ?? [])
					.map((volume) => (typeof volume === 'string' ? volume : `${volume.source ?? ''}:${volume.target}`))
					.find((entry) => entry.split(':')[1] === '/var/lib/dlms-logger');
			const collectors = ['collector', 'collector-demo'];
			const sources = collectors.map((name) => dataMount(name)?.split(':')[0]);
			for (const [index, name] of collectors.entries())
				expect(Object.keys(both.volumes ?? {}), name).toContain(sources[index]);
			expect(new Set(sources).size).toBe(collectors.length);
			// The spool lock records the host name: without a fixed one a re-created container has a new id.
			const hostnames = collectors.map((name) => both.services[name]?.hostname);
			for (const [index, name] of collectors.entries())
				expect(hostnames[index], name).toMatch(/^[a-z][a-z0-9-]*$/);
			expect(new Set(hostnames).size).toBe(collectors.length);
			// Nothing in their environment points the spool or the archive back into one shared place.
			for (const name of collectors) {
				const environment = both.services[name]?.environment ?? {};
				expect(environment['SPOOL_DIRECTORY'], name).toBeUndefined();
			}
		});

		it("runs the simulated meter's clock in the zone collector-demo reads it in", () => {
			const zone = filledValues.get('DEMO_TIMEZONE');
			expect(zone).toBeTruthy();
			expect(envOf(service(demo, 'collector-demo'), 'METER_TIMEZONE')).toBe(zone);
			const command = service(demo, 'simulator')?.command;
			expect(Array.isArray(command)).toBe(true);
			const args = command as readonly string[];
			expect(args[args.indexOf('--timezone') + 1]).toBe(zone);
		});

		it('mounts the Grafana provisioning and dashboards read-only', () => {
			const volumes = (service(demo, 'grafana')?.volumes ?? []).map(String);
			expect(volumes).toEqual(
				expect.arrayContaining([
					`${join(REPO_ROOT, 'grafana/provisioning')}:/etc/grafana/provisioning:ro`,
					`${join(REPO_ROOT, 'grafana/dashboards')}:/etc/grafana/dashboards:ro`,
				]),
			);
		});

		it('gates Grafana and the collectors on a healthy InfluxDB, restarts everything', () => {
			expect(service(demo, 'influxdb')?.healthcheck?.test).toEqual(['CMD', 'influx', 'ping']);
			expect(service(demo, 'grafana')?.healthcheck?.test).toContain('http://127.0.0.1:3000/api/health');
			for (const name of ['grafana', 'collector-demo']) {
				expect(dependencyOf(service(demo, name), 'influxdb'), name).toEqual({condition: 'service_healthy'});
			}
			expect(dependencyOf(service(meter, 'collector'), 'influxdb')).toEqual({condition: 'service_healthy'});
			for (const [name, entry] of Object.entries(demo.services))
				expect(entry.restart, name).toBe('unless-stopped');
		});

		it('gives Grafana every variable its provisioning files read', () => {
			const provisioning = join(REPO_ROOT, 'grafana/provisioning');
			const files = readdirSync(provisioning, {recursive: true, withFileTypes: true})
				.filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
				.map((entry) => join(entry.parentPath, entry.name));
			const wanted = new Set(
				files.flatMap((file) =>
					[
						...readFileSync(file, 'utf8')
							.replace(/#.*$/gm, '')
							.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g),
					].map((match) => match[1] as string),
				),
			);
			expect(wanted.size).toBeGreaterThan(0);
			const given = service(demo, 'grafana')?.environment ?? {};
			expect([...wanted].filter((name) => given[name] === undefined || given[name] === '')).toEqual([]);
			expect(envOf(service(demo, 'grafana'), 'INFLUX_URL')).toBe('http://influxdb:8086');
		});

		it('mounts the dashboards where the provisioned dashboard providers look', () => {
			const dir = join(REPO_ROOT, 'grafana/provisioning/dashboards');
			const paths = readdirSync(dir)
				.filter((name) => /\.ya?ml$/.test(name))
				.flatMap(
					(name) =>
						(parse(readFileSync(join(dir, name), 'utf8')) as {providers?: {options?: {path?: string}}[]})
							.providers ?? [],
				)
				.map((provider) => provider.options?.path);
			expect(paths.length).toBeGreaterThan(0);
			const targets = (service(demo, 'grafana')?.volumes ?? []).map((volume) => String(volume).split(':')[1]);
			for (const path of paths) expect(targets, path).toContain(path);
		});

		it('gives Grafana, InfluxDB and the collectors one token', () => {
			const token = filledValues.get('INFLUX_TOKEN');
			expect(token).toMatch(/^[0-9a-f]{48}$/);
			expect(envOf(service(demo, 'influxdb'), 'DOCKER_INFLUXDB_INIT_ADMIN_TOKEN')).toBe(token);
			expect(envOf(service(demo, 'grafana'), 'INFLUX_TOKEN')).toBe(token);
			expect(envOf(service(demo, 'collector-demo'), 'INFLUX_TOKEN')).toBe(token);
			expect(envOf(service(meter, 'collector'), 'INFLUX_TOKEN')).toBe(token);
		});
	},
);

// grafana/ comes with the dashboards; the mounts above point there.
const grafanaDir = join(REPO_ROOT, 'grafana');
describe.skipIf(!existsSync(grafanaDir))(
	title('the mounted Grafana directories', existsSync(grafanaDir) ? undefined : 'no grafana/ directory yet'),
	() => {
		it.each([['grafana/provisioning'], ['grafana/dashboards']])('%s exists', (dir) => {
			expect(existsSync(join(REPO_ROOT, dir))).toBe(true);
		});
	},
);
