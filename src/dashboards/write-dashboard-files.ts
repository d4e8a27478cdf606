import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {assertTimeZone} from '../readings/meter-clock.ts';
import {type DashboardOptions, dashboardFiles, dashboardJson} from './dashboard-files.ts';

export interface WriteDashboardsResult {
	/** Files whose content changed (or that were missing): written, or in check mode, stale. */
	readonly changed: string[];
	readonly unchanged: string[];
}

/**
 * Writes every dashboard as `<dir>/<name>.json`, or with `check` only compares: a file that differs
 * from what the code generates is reported as changed and left alone. Throws TypeError for a bad zone.
 */
export async function writeDashboardFiles(
	dir: string,
	options: DashboardOptions & {readonly check?: boolean} = {},
): Promise<WriteDashboardsResult> {
	if (options.timeZone !== undefined) assertTimeZone(options.timeZone);
	const changed: string[] = [];
	const unchanged: string[] = [];
	if (!options.check) await mkdir(dir, {recursive: true});
	for (const file of dashboardFiles(options)) {
		const path = join(dir, file.name);
		const text = dashboardJson(file.dashboard);
		const current = await readFile(path, 'utf8').catch(() => undefined);
		if (current === text) {
			unchanged.push(path);
			continue;
		}
		changed.push(path);
		if (!options.check) await writeFile(path, text);
	}
	return {changed, unchanged};
}
