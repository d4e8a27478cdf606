import {readFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type {StartedDockerComposeEnvironment} from 'testcontainers';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {envFileValues, REPO_ROOT, writeFilledEnvFile} from '../../helpers/compose-config.ts';
import {freePort} from '../../helpers/free-port.ts';
import {hasDockerEngine} from '../../helpers/influxdb2-container.ts';

// The real thing where a Docker engine exists: the image built from the Dockerfile, the demo profile up
// with .env.example (its secrets filled by the README's command), then Grafana asked for its dashboards and InfluxDB 2 for the collector's points.
// Docker is optional everywhere, CI included (it has no engine): without one this is skipped, and the
// skip reason is in the test name. What can run without an engine runs in the other deploy tests.
const dockerEngine = await hasDockerEngine();
const skipReason = dockerEngine
	? undefined
	: 'no Docker engine answers on DOCKER_HOST or /var/run/docker.sock';
if (skipReason !== undefined) console.warn(`skipped "the demo stack in Docker": ${skipReason}`);
let settings = new Map<string, string>();
const setting = (name: string) => settings.get(name) ?? '';

describe.skipIf(!dockerEngine)(
	skipReason === undefined ? 'the demo stack in Docker' : `the demo stack in Docker (skipped: ${skipReason})`,
	() => {
		let stack: StartedDockerComposeEnvironment | undefined;
		let influxPort: number;
		let grafanaPort: number;
		let envDir: string | undefined;

		beforeAll(async () => {
			[influxPort, grafanaPort] = [await freePort(), await freePort()];
			envDir = await mkdtemp(join(tmpdir(), 'dlms-compose-stack-'));
			const envFile = await writeFilledEnvFile(envDir);
			settings = envFileValues(readFileSync(envFile, 'utf8'));
			const {DockerComposeEnvironment} = await import('testcontainers');
			stack = await new DockerComposeEnvironment(REPO_ROOT, 'docker-compose.yml')
				.withEnvironmentFile(envFile)
				.withProfiles('demo')
				.withBuild()
				// Free host ports instead of 8086 and 3000, which the machine may be using.
				.withEnvironment({INFLUXDB_PORT: String(influxPort), GRAFANA_PORT: String(grafanaPort)})
				.withStartupTimeout(300_000)
				.up();
		}, 600_000);
		afterAll(async () => {
			await stack?.down({removeVolumes: true});
			if (envDir !== undefined) await rm(envDir, {recursive: true, force: true});
		}, 120_000);

		it('InfluxDB 2 receives the demo meter from the collector', async () => {
			const query = new URLSearchParams({
				db: setting('INFLUX_BUCKET'),
				q: `SELECT count("value") FROM "meter" WHERE "meter" = 'demo-zmd120'`,
			});
			let answer = '';
			for (let attempt = 0; attempt < 60; attempt++) {
				const response = await fetch(`http://127.0.0.1:${influxPort}/query?${query}`, {
					headers: {Authorization: `Token ${setting('INFLUX_TOKEN')}`},
				});
				answer = await response.text();
				if (response.ok && answer.includes('"count"')) break;
				await sleep(1000);
			}
			const parsed = JSON.parse(answer) as {results: {series?: {values: [string, number][]}[]}[]};
			expect(parsed.results[0]?.series?.[0]?.values[0]?.[1]).toBeGreaterThan(0);
		}, 90_000);

		it('Grafana serves the provisioned dashboards', async () => {
			const credentials = Buffer.from(
				`${setting('GRAFANA_ADMIN_USER')}:${setting('GRAFANA_ADMIN_PASSWORD')}`,
			).toString('base64');
			const response = await fetch(`http://127.0.0.1:${grafanaPort}/api/search?type=dash-db`, {
				headers: {Authorization: `Basic ${credentials}`},
			});
			expect(response.status).toBe(200);
			const dashboards = (await response.json()) as {uid: string; title: string}[];
			expect(dashboards.length).toBeGreaterThan(0);
		});
	},
);
