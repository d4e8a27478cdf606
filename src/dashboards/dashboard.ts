import type {Dashboard, VariableModel} from '@grafana/schema';
import {layOut, type UnplacedPanel} from './panels.ts';

/** The last schema version of Grafana's v1 dashboard API (its migrator makes no further bumps). */
export const SCHEMA_VERSION = 42;

/** Tag every dashboard carries; the header links to the others by it. */
export const DASHBOARD_TAG = 'dlms-logger';

export interface DashboardSpec {
	/** Stable, at most 40 characters: links and bookmarks use it. */
	readonly uid: string;
	readonly title: string;
	readonly description: string;
	readonly variables: readonly VariableModel[];
	readonly panels: readonly UnplacedPanel[];
	/** Default time range, e.g. `now-30d`. */
	readonly from: string;
	readonly refresh: string;
}

export function dashboard(spec: DashboardSpec): Dashboard {
	return {
		id: null,
		uid: spec.uid,
		title: spec.title,
		description: spec.description,
		tags: [DASHBOARD_TAG],
		editable: true,
		graphTooltip: 1,
		// Times show in the viewer's browser zone; day boundaries come from `$tz` in the queries.
		timezone: 'browser',
		time: {from: spec.from, to: 'now'},
		refresh: spec.refresh,
		schemaVersion: SCHEMA_VERSION,
		version: 1,
		links: [
			{
				title: 'dlms-logger',
				type: 'dashboards',
				tags: [DASHBOARD_TAG],
				asDropdown: false,
				icon: 'external link',
				includeVars: true,
				keepTime: true,
				targetBlank: false,
				tooltip: '',
				url: '',
			},
		],
		annotations: {list: []},
		templating: {list: [...spec.variables]},
		panels: layOut(spec.panels),
	};
}
