import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {dashboardFiles} from '../../src/dashboards/dashboard-files.ts';
import {INFLUX_DATASOURCE_UID} from '../../src/dashboards/datasource.ts';
import {buildDashboardFixture, FIXTURE_METER, FIXTURE_START_MS} from '../helpers/dashboard-fixture.ts';
import {panelsOf, queriesOf, substituteMacros} from '../helpers/dashboard-queries.ts';
import {hasDockerEngine} from '../helpers/influxdb2-container.ts';

/** Grafana as the compose stack runs it; a fixed major keeps the schema the dashboards are written for. */
const GRAFANA_IMAGE = 'grafana/grafana:13.2.3';
const INFLUXDB_IMAGE = 'influxdb:2';
const ROOT = new URL('../../', import.meta.url).pathname;
const BUCKET = 'meters';
const TOKEN = 'dlms-logger-grafana-test-token';
const ADMIN = {user: 'admin', password: 'dlms-logger-test'};

// Docker is optional everywhere, CI included (it has no engine); the reason is printed so that a
// run without an engine says what it did not test, on CI as anywhere else.
const dockerSkipReason = (await hasDockerEngine())
	? undefined
	: 'no Docker engine answers on DOCKER_HOST or /var/run/docker.sock';
if (dockerSkipReason !== undefined) {
	console.warn(`skipped "Grafana with the provisioning, on InfluxDB 2": ${dockerSkipReason}`);
}

describe.skipIf(dockerSkipReason !== undefined)(
	`Grafana with the provisioning, on InfluxDB 2${dockerSkipReason === undefined ? '' : ` (skipped: ${dockerSkipReason})`}`,
	() => {
		type Started = {stop(): Promise<unknown>};
		const started: Started[] = [];
		let grafanaUrl = '';
		const authorization = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;
		const grafana = async (path: string, init: RequestInit = {}) => {
			const response = await fetch(`${grafanaUrl}${path}`, {
				...init,
				headers: {Authorization: authorization, 'Content-Type': 'application/json', ...init.headers},
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`Grafana ${path}: HTTP ${response.status} ${text}`);
			return JSON.parse(text) as Record<string, unknown>;
		};

		beforeAll(async () => {
			const {GenericContainer, Network, Wait} = await import('testcontainers');
			const network = await new Network().start();
			started.push(network);
			const influxdb = await new GenericContainer(INFLUXDB_IMAGE)
				.withNetwork(network)
				.withNetworkAliases('influxdb')
				.withEnvironment({
					DOCKER_INFLUXDB_INIT_MODE: 'setup',
					DOCKER_INFLUXDB_INIT_USERNAME: 'dlms',
					DOCKER_INFLUXDB_INIT_PASSWORD: 'dlms-logger-test',
					DOCKER_INFLUXDB_INIT_ORG: 'dlms',
					DOCKER_INFLUXDB_INIT_BUCKET: BUCKET,
					DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: TOKEN,
				})
				.withExposedPorts(8086)
				.withWaitStrategy(Wait.forHttp('/health', 8086).forStatusCode(200))
				.withStartupTimeout(120_000)
				.start();
			started.unshift(influxdb);
			// A week is enough to show that the data source reaches the bucket through InfluxQL.
			const {lines} = buildDashboardFixture(7);
			const writeUrl = `http://${influxdb.getHost()}:${influxdb.getMappedPort(8086)}/api/v2/write?org=dlms&bucket=${BUCKET}&precision=s`;
			const written = await fetch(writeUrl, {
				method: 'POST',
				headers: {Authorization: `Token ${TOKEN}`},
				body: `${lines.join('\n')}\n`,
			});
			expect(written.status).toBe(204);

			const container = await new GenericContainer(GRAFANA_IMAGE)
				.withNetwork(network)
				.withEnvironment({
					GF_SECURITY_ADMIN_USER: ADMIN.user,
					GF_SECURITY_ADMIN_PASSWORD: ADMIN.password,
					INFLUX_URL: 'http://influxdb:8086',
					INFLUX_BUCKET: BUCKET,
					INFLUX_TOKEN: TOKEN,
				})
				.withCopyDirectoriesToContainer([
					{source: `${ROOT}grafana/provisioning`, target: '/etc/grafana/provisioning'},
					{source: `${ROOT}grafana/dashboards`, target: '/etc/grafana/dashboards'},
				])
				.withExposedPorts(3000)
				.withWaitStrategy(Wait.forHttp('/api/health', 3000).forStatusCode(200))
				.withStartupTimeout(120_000)
				.start();
			started.unshift(container);
			grafanaUrl = `http://${container.getHost()}:${container.getMappedPort(3000)}`;
		}, 300_000);

		afterAll(async () => {
			for (const one of started) await one.stop();
		}, 60_000);

		it('serves every dashboard from the provisioned folder, panels intact', async () => {
			for (const {dashboard} of dashboardFiles()) {
				const answer = await grafana(`/api/dashboards/uid/${dashboard.uid}`);
				const meta = answer['meta'] as {folderTitle?: string; provisioned?: boolean};
				expect(meta.folderTitle).toBe('dlms-logger');
				expect(meta.provisioned).toBe(true);
				const served = answer['dashboard'] as {panels?: unknown[]; title?: string};
				expect(served.title).toBe(dashboard.title);
				expect(served.panels?.length).toBe(panelsOf(dashboard).length);
			}
		});

		it('answers a panel query through the provisioned data source', async () => {
			const source = await grafana(`/api/datasources/uid/${INFLUX_DATASOURCE_UID}`);
			expect(source['type']).toBe('influxdb');
			const energy = dashboardFiles().find((file) => file.name === 'energy.json')?.dashboard;
			if (energy === undefined) throw new Error('no energy dashboard');
			const latest = queriesOf(energy).find((query) => query.panel.title === 'Latest readings');
			if (latest === undefined) throw new Error('no "Latest readings" panel');
			const fromMs = FIXTURE_START_MS;
			const toMs = FIXTURE_START_MS + 7 * 86_400_000;
			// Grafana's front end fills in dashboard variables; $timeFilter is left to the data source.
			const query = substituteMacros(latest.query.replaceAll('$timeFilter', '__TIME_FILTER__'), energy, {
				fromMs,
				toMs,
				interval: '1h',
				meters: [FIXTURE_METER],
			}).replaceAll('__TIME_FILTER__', '$timeFilter');
			const answer = await grafana('/api/ds/query', {
				method: 'POST',
				body: JSON.stringify({
					from: String(fromMs),
					to: String(toMs),
					queries: [
						{
							refId: 'A',
							datasource: {type: 'influxdb', uid: INFLUX_DATASOURCE_UID},
							rawQuery: true,
							query,
							resultFormat: 'table',
						},
					],
				}),
			});
			const result = (
				answer['results'] as Record<string, {frames?: {data?: {values?: unknown[][]}}[]; error?: string}>
			)['A'];
			expect(result?.error).toBeUndefined();
			const values = result?.frames?.[0]?.data?.values ?? [];
			expect(values.length).toBeGreaterThan(1);
			expect(values[0]?.length).toBeGreaterThan(5);
		});
	},
);
