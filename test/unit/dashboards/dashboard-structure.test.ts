import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {dashboardFiles, dashboardJson} from '../../../src/dashboards/dashboard-files.ts';
import {INFLUX_DATASOURCE_UID} from '../../../src/dashboards/datasource.ts';
import {panelsOf, queriesOf, referencedVariables, variablesOf} from '../../helpers/dashboard-queries.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const files = dashboardFiles();

/** Grafana's own variables and macros a query may use without defining them. */
const BUILT_IN = new Set(['timeFilter', '__from', '__to', '__interval', '__interval_ms']);

/** Names docs/schema.md defines: measurements, tag keys, fields, self-metrics with their tags. */
function schemaNames() {
	const doc = readFileSync(`${ROOT}docs/schema.md`, 'utf8');
	const rows = (heading: string) => {
		const start = doc.indexOf(heading);
		if (start < 0) throw new Error(`docs/schema.md has no "${heading}"`);
		const table: string[][] = [];
		for (const line of doc.slice(start).split('\n').slice(1)) {
			if (line.startsWith('#')) break;
			if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
			table.push(
				line
					.split('|')
					.slice(1, -1)
					.map((cell) => cell.trim()),
			);
		}
		return table.slice(1);
	};
	const unquote = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
	const keys = rows('## Measurement, tags, fields');
	const metrics = rows('## Self-metrics');
	return {
		measurements: new Set(['meter', 'dlms_logger']),
		tags: new Set(keys.filter((row) => row[1] === 'tag').flatMap((row) => unquote(row[0] as string))),
		fields: new Set(
			keys.filter((row) => row[1]?.includes('field')).flatMap((row) => unquote(row[0] as string)),
		),
		metrics: new Map(
			metrics.map((row) => [unquote(row[0] as string)[0] as string, new Set(unquote(row[1] as string))]),
		),
	};
}

describe('dashboard structure', () => {
	it('has stable uids, no numeric id, the final v1 schema version and no __inputs', () => {
		const uids = files.map((file) => file.dashboard.uid);
		expect(new Set(uids).size).toBe(uids.length);
		for (const {dashboard} of files) {
			expect(dashboard.uid?.length).toBeLessThanOrEqual(40);
			expect(dashboard.uid).toMatch(/^[a-z0-9-]+$/);
			expect(dashboard.id).toBeNull();
			expect(dashboard.schemaVersion).toBe(42);
			expect(dashboardJson(dashboard)).not.toMatch(/__inputs|\$\{DS_/);
		}
	});

	it('gives every panel a unique id and a place on the 24-column grid that overlaps no other', () => {
		for (const {dashboard, name} of files) {
			const panels = panelsOf(dashboard);
			const ids = panels.map((panel) => panel.id);
			expect(new Set(ids).size, name).toBe(ids.length);
			const cells = new Set<string>();
			for (const panel of panels) {
				const grid = panel.gridPos;
				if (grid === undefined) throw new Error(`${name}: panel ${panel.title} has no gridPos`);
				expect(grid.x + grid.w, `${name}: ${panel.title}`).toBeLessThanOrEqual(24);
				for (let x = grid.x; x < grid.x + grid.w; x++) {
					for (let y = grid.y; y < grid.y + grid.h; y++) {
						expect(cells.has(`${x},${y}`), `${name}: ${panel.title} overlaps at ${x},${y}`).toBe(false);
						cells.add(`${x},${y}`);
					}
				}
			}
		}
	});

	it('names the provisioned data source by its uid everywhere', () => {
		const provisioned = parse(readFileSync(`${ROOT}grafana/provisioning/datasources/influxdb.yaml`, 'utf8'));
		expect(provisioned.datasources.map((source: {uid: string}) => source.uid)).toEqual([
			INFLUX_DATASOURCE_UID,
		]);
		for (const {dashboard} of files) {
			const refs = [
				...panelsOf(dashboard).flatMap((panel) => [
					panel.datasource,
					...(panel.targets ?? []).map((t) => t['datasource']),
				]),
				...variablesOf(dashboard)
					.filter((variable) => variable.type === 'query')
					.map((variable) => variable.datasource),
			];
			for (const ref of refs) expect(ref).toEqual({type: 'influxdb', uid: INFLUX_DATASOURCE_UID});
		}
	});

	it('limits every raw query to the time range and defines every variable it uses', () => {
		for (const {dashboard} of files) {
			const defined = new Set(variablesOf(dashboard).map((variable) => variable.name));
			for (const {panel, refId, query} of queriesOf(dashboard)) {
				const where = `${dashboard.title} / ${panel.title} / ${refId}`;
				expect(query.includes('$timeFilter') || query.includes(`\${__from}ms`), where).toBe(true);
				for (const name of referencedVariables(query)) {
					expect(BUILT_IN.has(name) || defined.has(name), `${where}: $${name}`).toBe(true);
				}
			}
			for (const panel of panelsOf(dashboard)) {
				for (const name of referencedVariables(`${panel.title} ${panel.description ?? ''}`)) {
					expect(defined.has(name), `${dashboard.title} / ${panel.title}: $${name}`).toBe(true);
				}
			}
		}
	});

	it('queries only measurements, tags, fields and self-metrics docs/schema.md defines', () => {
		const schema = schemaNames();
		for (const tag of ['meter', 'obis', 'channel', 'unit', 'billing']) expect(schema.tags).toContain(tag);
		expect(schema.metrics.get('readout_baud_rate')).toEqual(new Set(['meter', 'mode']));
		for (const {dashboard} of files) {
			for (const {panel, refId, query} of queriesOf(dashboard)) {
				const where = `${dashboard.title} / ${panel.title} / ${refId}`;
				const aliases = new Set([...query.matchAll(/ AS "([^"]+)"/g)].map((match) => match[1]));
				const metric = [...query.matchAll(/"metric" = '([^']+)'/g)].map((match) => match[1] as string);
				const metricTags = new Set(metric.flatMap((name) => [...(schema.metrics.get(name) ?? [])]));
				for (const name of metric) expect(schema.metrics.has(name), `${where}: metric ${name}`).toBe(true);
				const selfMetrics = query.includes('FROM "dlms_logger"');
				for (const [, name] of query.matchAll(/"([^"]+)"/g)) {
					const known = selfMetrics
						? schema.measurements.has(name as string) ||
							name === 'metric' ||
							name === 'value' ||
							metricTags.has(name as string) ||
							aliases.has(name)
						: schema.measurements.has(name as string) ||
							schema.tags.has(name as string) ||
							schema.fields.has(name as string) ||
							aliases.has(name);
					expect(known, `${where}: "${name}"`).toBe(true);
				}
			}
		}
	});

	it('has a description on every dashboard and panel, and each dashboard links to the others by tag', () => {
		for (const {dashboard} of files) {
			expect(dashboard.description?.length).toBeGreaterThan(40);
			expect(dashboard.tags).toContain('dlms-logger');
			expect(dashboard.links?.[0]).toMatchObject({type: 'dashboards', tags: ['dlms-logger']});
			for (const panel of panelsOf(dashboard))
				expect(panel.description?.length, panel.title).toBeGreaterThan(20);
		}
	});
});
