import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {INFLUX_DATASOURCE_UID} from '../../../src/dashboards/datasource.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const PROVISIONING = `${ROOT}grafana/provisioning/`;
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');
const yamlFiles = (dir: string) =>
	readdirSync(`${PROVISIONING}${dir}`)
		.filter((name) => /\.ya?ml$/.test(name))
		.map((name) => ({name, text: readFileSync(`${PROVISIONING}${dir}/${name}`, 'utf8')}));

/** Every `$VAR` / `${VAR}` Grafana would expand in a provisioning file (comments left out). */
function environmentVariables(text: string): string[] {
	const code = text
		.split('\n')
		.filter((line) => !line.trimStart().startsWith('#'))
		.join('\n');
	return [...code.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((match) => (match[1] ?? match[2]) as string);
}

/** The README's "Dashboards" section, up to the next second-level heading. */
function dashboardsSection(): string {
	const readme = read('README.md');
	const start = readme.indexOf('\n## Dashboards\n');
	expect(start).toBeGreaterThan(0);
	const end = readme.indexOf('\n## ', start + 1);
	return readme.slice(start, end < 0 ? undefined : end);
}

describe('grafana/provisioning', () => {
	it('provisions one InfluxQL data source with the fixed uid, its settings from the environment', () => {
		const [file, ...others] = yamlFiles('datasources');
		expect(others).toEqual([]);
		const config = parse(file?.text ?? '');
		expect(config.apiVersion).toBe(1);
		expect(config.datasources).toHaveLength(1);
		const [source] = config.datasources;
		expect(source).toMatchObject({
			uid: INFLUX_DATASOURCE_UID,
			type: 'influxdb',
			access: 'proxy',
			url: `\${INFLUX_URL}`,
			jsonData: {dbName: `\${INFLUX_BUCKET}`, httpHeaderName1: 'Authorization'},
			secureJsonData: {httpHeaderValue1: `Token \${INFLUX_TOKEN}`},
		});
		// No `version` key means InfluxQL; Flux and SQL would not run on every InfluxDB.
		expect(source.jsonData.version).toBeUndefined();
		// `database` at the top level is deprecated in favour of jsonData.dbName.
		expect(source.database).toBeUndefined();
		const known = [
			'name',
			'uid',
			'type',
			'access',
			'url',
			'isDefault',
			'editable',
			'jsonData',
			'secureJsonData',
		];
		for (const key of Object.keys(source)) expect(known, key).toContain(key);
	});

	it('loads grafana/dashboards into a folder, from the path the README mounts them at', () => {
		const [file, ...others] = yamlFiles('dashboards');
		expect(others).toEqual([]);
		const config = parse(file?.text ?? '');
		expect(config.apiVersion).toBe(1);
		const [provider] = config.providers;
		expect(provider).toMatchObject({type: 'file', folder: 'dlms-logger', orgId: 1});
		expect(provider.folder).not.toBe('');
		expect(dashboardsSection()).toContain(`./grafana/dashboards:${provider.options.path}:ro`);
		expect(dashboardsSection()).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
	});

	it('documents every environment variable it uses in the README (and in .env.example where there is one)', () => {
		const used = new Set(
			[...yamlFiles('datasources'), ...yamlFiles('dashboards')].flatMap((file) =>
				environmentVariables(file.text),
			),
		);
		expect([...used].sort()).toEqual(['INFLUX_BUCKET', 'INFLUX_TOKEN', 'INFLUX_URL']);
		const section = dashboardsSection();
		for (const name of used) expect(section, name).toMatch(new RegExp(`\\| \`${name}\`\\s+\\|`));
		// Where the compose stack exists, its Grafana service must provide each one: set in its
		// environment (from .env or fixed), and a value that comes from .env is listed in .env.example.
		if (!existsSync(`${ROOT}docker-compose.yml`)) return;
		const compose = parse(read('docker-compose.yml'));
		const environment = compose.services?.grafana?.environment ?? {};
		const provided: Record<string, string> = Array.isArray(environment)
			? Object.fromEntries(environment.map((entry: string) => entry.split(/=(.*)/s).slice(0, 2)))
			: environment;
		const envExample = existsSync(`${ROOT}.env.example`) ? read('.env.example') : '';
		for (const name of used) {
			expect(Object.keys(provided), `grafana service environment: ${name}`).toContain(name);
			for (const [, fromEnv] of String(provided[name]).matchAll(/\$\{(\w+)/g)) {
				expect(envExample, `.env.example: ${fromEnv}`).toMatch(new RegExp(`^#?\\s*${fromEnv}=`, 'm'));
			}
		}
	});
});
