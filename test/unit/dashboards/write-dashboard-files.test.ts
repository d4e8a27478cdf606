import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {dashboardFiles, dashboardJson} from '../../../src/dashboards/dashboard-files.ts';
import {writeDashboardFiles} from '../../../src/dashboards/write-dashboard-files.ts';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'dlms-dashboards-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('writeDashboardFiles', () => {
	it('writes every dashboard, then finds nothing to change', async () => {
		const target = join(dir, 'out');
		const first = await writeDashboardFiles(target);
		expect(first.changed.map((path) => path.slice(target.length + 1)).sort()).toEqual([
			'energy.json',
			'meter-health.json',
			'peak-demand.json',
		]);
		const energy = dashboardFiles().find((file) => file.name === 'energy.json');
		expect(await readFile(join(target, 'energy.json'), 'utf8')).toBe(
			dashboardJson(energy?.dashboard ?? {schemaVersion: 0}),
		);
		expect((await writeDashboardFiles(target)).changed).toEqual([]);
	});

	it('in check mode reports a hand-edited or missing file and leaves it alone', async () => {
		await writeDashboardFiles(dir);
		await writeFile(join(dir, 'energy.json'), '{"edited": true}\n');
		await rm(join(dir, 'peak-demand.json'));
		const result = await writeDashboardFiles(dir, {check: true});
		expect(result.changed.sort()).toEqual([join(dir, 'energy.json'), join(dir, 'peak-demand.json')]);
		expect(await readFile(join(dir, 'energy.json'), 'utf8')).toBe('{"edited": true}\n');
	});

	it('writes the zone asked for, and refuses one that is not an IANA name', async () => {
		await writeDashboardFiles(dir, {timeZone: 'Asia/Kolkata'});
		expect(await readFile(join(dir, 'energy.json'), 'utf8')).toContain('"query": "Asia/Kolkata"');
		await expect(writeDashboardFiles(dir, {timeZone: 'Mars/Olympus'})).rejects.toThrow(TypeError);
	});
});
