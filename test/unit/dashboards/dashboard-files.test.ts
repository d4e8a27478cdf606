import {readdirSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {dashboardFiles, dashboardJson} from '../../../src/dashboards/dashboard-files.ts';

const DIR = new URL('../../../grafana/dashboards/', import.meta.url).pathname;

describe('grafana/dashboards', () => {
	it('holds exactly what the code generates (run `npm run dashboards` after changing src/dashboards)', () => {
		const files = dashboardFiles();
		expect(readdirSync(DIR).sort()).toEqual(files.map((file) => file.name).sort());
		for (const file of files) {
			expect(readFileSync(`${DIR}${file.name}`, 'utf8'), file.name).toBe(dashboardJson(file.dashboard));
		}
	});

	it('writes two-space JSON with a final newline, parseable back to the same object', () => {
		for (const {dashboard} of dashboardFiles()) {
			const text = dashboardJson(dashboard);
			expect(text.endsWith('}\n')).toBe(true);
			expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(dashboard)));
		}
	});

	it('differs for another zone only in the default of $tz', () => {
		const berlin = dashboardFiles();
		const vienna = dashboardFiles({timeZone: 'Europe/Vienna'});
		for (const [index, file] of berlin.entries()) {
			const other = dashboardJson((vienna[index] as (typeof vienna)[number]).dashboard);
			expect(other).toBe(dashboardJson(file.dashboard).replaceAll('Europe/Berlin', 'Europe/Vienna'));
		}
		const energy = vienna.find((file) => file.name === 'energy.json')?.dashboard;
		const tz = energy?.templating?.list?.find((variable) => variable.name === 'tz');
		expect(tz?.current?.value).toBe('Europe/Vienna');
	});
});
