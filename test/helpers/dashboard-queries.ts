import type {Dashboard, Panel, VariableModel} from '@grafana/schema';

/** One raw InfluxQL query of a panel, with where it sits. */
export interface PanelQuery {
	readonly dashboard: string;
	readonly panel: Panel;
	readonly refId: string;
	readonly query: string;
	readonly resultFormat: string;
}

export function panelsOf(dashboard: Dashboard): Panel[] {
	return (dashboard.panels ?? []).flatMap((panel) =>
		'panels' in panel && Array.isArray(panel.panels) ? (panel.panels as Panel[]) : [panel as Panel],
	);
}

export function queriesOf(dashboard: Dashboard): PanelQuery[] {
	return panelsOf(dashboard).flatMap((panel) =>
		(panel.targets ?? []).map((target) => ({
			dashboard: dashboard.title ?? '',
			panel,
			refId: String(target['refId']),
			query: String(target['query']),
			resultFormat: String(target['resultFormat']),
		})),
	);
}

export function variablesOf(dashboard: Dashboard): VariableModel[] {
	return dashboard.templating?.list ?? [];
}

/** What Grafana puts in for its macros and a dashboard's variables, for one query run. */
export interface MacroValues {
	readonly fromMs: number;
	readonly toMs: number;
	/** `$__interval` as Grafana would pick it, e.g. `1h`. */
	readonly interval: string;
	/** The meters picked in `$meter`. */
	readonly meters: readonly string[];
	/** Values of the other variables; defaults come from the dashboard. */
	readonly variables?: Readonly<Record<string, string>>;
}

const DURATION_MS: Record<string, number> = {s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000};

/**
 * The query as Grafana's InfluxDB data source sends it: `$timeFilter` as an epoch-ms range,
 * `${__from}`/`${__to}` as epoch ms, `$__interval(_ms)`, `$meter` as a regex alternation (what a
 * multi-value variable becomes in `=~ /^$meter$/`), every other `$name`/`${name}` from `values` or
 * the variable's current value in the dashboard. Throws on a `$` it cannot fill.
 */
export function substituteMacros(query: string, dashboard: Dashboard, values: MacroValues): string {
	const defaults = Object.fromEntries(
		variablesOf(dashboard)
			.filter((variable) => variable.name !== 'meter')
			.map((variable) => [variable.name, String(variable.current?.value ?? variable.query ?? '')]),
	);
	const named: Record<string, string> = {...defaults, ...values.variables};
	const match = /^(\d+)([smhd])$/.exec(values.interval);
	if (match === null) throw new Error(`interval ${values.interval}: expected e.g. 1h`);
	const intervalMs = Number(match[1]) * (DURATION_MS[match[2] as string] as number);
	const meters = `(${values.meters.map((meter) => meter.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})`;
	const replaced = query
		.replaceAll('$timeFilter', `time >= ${values.fromMs}ms and time <= ${values.toMs}ms`)
		.replaceAll(`\${__from}`, String(values.fromMs))
		.replaceAll(`\${__to}`, String(values.toMs))
		.replaceAll('$__interval_ms', String(intervalMs))
		.replaceAll('$__interval', values.interval)
		.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
			const name = braced ?? bare ?? '';
			if (name === 'meter') return meters;
			const value = named[name];
			if (value === undefined) throw new Error(`no value for ${whole} in: ${query}`);
			return value;
		});
	return replaced;
}

/** Every `$name` / `${name}` a query uses (macros included), without the regex anchors `$/`. */
export function referencedVariables(query: string): string[] {
	return [...query.matchAll(/\$\{(\w+)\}|\$(\w+)/g)].map((match) => (match[1] ?? match[2]) as string);
}

/** Rows as Grafana's table format shows them: one object per row, the series' tags as columns. */
export function tableRows(
	series: ReadonlyArray<{
		readonly tags?: Readonly<Record<string, string>>;
		readonly columns: readonly string[];
		readonly values: ReadonlyArray<ReadonlyArray<unknown>>;
	}>,
): Record<string, unknown>[] {
	return series.flatMap((one) =>
		one.values.map((row) => ({
			...one.tags,
			...Object.fromEntries(one.columns.map((column, index) => [column, row[index]])),
		})),
	);
}
