import {INFLUX_DATASOURCE} from './datasource.ts';

/**
 * InfluxQL building blocks for the dashboards: the schema's names (docs/schema.md) and the filters
 * every panel shares, so a query differs from another only where its meaning does.
 *
 * InfluxQL is the one query language InfluxDB 1.x, 2.x (through its DBRP mapping) and 3.x all run.
 */

/** The measurement of meter readings and the one of the collector's self-metrics (their defaults). */
export const READINGS = '"meter"';
export const SELF_METRICS = '"dlms_logger"';

/** The meters picked in the `$meter` variable (multi-value, "All" included). */
export const METER_FILTER = '"meter" =~ /^$meter$/';
/** Live readings: series without the `billing` tag. */
export const LIVE = `"billing" = ''`;
/** `*NN` billing history (and DSMR buffer entries): the values at the end of each billing period. */
export const HISTORY = `"billing" = '1'`;

/** A regex on the `obis` tag, anchored: `obisMatches('1\\.8\\.[1-9]')`. */
export function obisMatches(pattern: string): string {
	return `"obis" =~ /^${pattern}$/`;
}

export function obisIs(code: string): string {
	return `"obis" = '${code}'`;
}

/** A self-metric by name (the `metric` tag). */
export function metricIs(name: string): string {
	return `"metric" = '${name}'`;
}

/** Import registers per tariff (1.8.1, 1.8.2, …) and export registers per tariff (2.8.1, …). */
export const IMPORT_TARIFFS = '1\\.8\\.[1-9]';
export const EXPORT_TARIFFS = '2\\.8\\.[1-9]';

/**
 * The time range extended back by one bucket: `non_negative_difference(last())` needs the bucket
 * before the first one shown, else the first bar of the range is missing.
 */
export function rangeFrom(bucket: string): string {
	return `time >= \${__from}ms - ${bucket} AND time <= \${__to}ms`;
}

export const TIME_FILTER = '$timeFilter';

/** Local days (and weeks) in the dashboard's `$tz`, so a daily bar ends at local midnight. */
export const LOCAL_TIME = `tz('$tz')`;

/**
 * Energy per time bucket from a counter: the rise of its last value from one bucket to the next.
 * Never `spread()`, which only sees the readings inside a bucket and loses the step across midnight;
 * `non_negative_` drops the fall at a meter exchange.
 */
export function energyPerBucket(
	where: readonly string[],
	bucket: string,
	groupBy: readonly string[],
): string {
	const offset = bucket === '1w' ? '1w, 4d' : bucket;
	return select(
		'non_negative_difference(last("value"))',
		READINGS,
		[...where, rangeFrom(bucket)],
		[`time(${offset})`, ...groupBy],
		{fill: 'none', tz: bucket !== '1h'},
	);
}

/** `SELECT … FROM … WHERE a AND b GROUP BY … fill(…) tz(…)`, in InfluxQL's clause order. */
export function select(
	fields: string,
	from: string,
	where: readonly string[],
	groupBy: readonly string[] = [],
	options: {readonly fill?: 'none' | 'null' | 'previous'; readonly tz?: boolean} = {},
): string {
	let query = `SELECT ${fields} FROM ${from} WHERE ${where.join(' AND ')}`;
	if (groupBy.length > 0) query += ` GROUP BY ${groupBy.join(', ')}`;
	if (options.fill !== undefined) query += ` fill(${options.fill})`;
	if (options.tz) query += ` ${LOCAL_TIME}`;
	return query;
}

/** A Grafana InfluxDB target in raw InfluxQL mode. */
export interface InfluxQlTarget extends Record<string, unknown> {
	readonly refId: string;
	readonly datasource: typeof INFLUX_DATASOURCE;
	readonly rawQuery: true;
	readonly query: string;
	readonly resultFormat: 'time_series' | 'table';
	readonly alias?: string;
}

export function influxQlTarget(
	refId: string,
	query: string,
	options: {readonly alias?: string; readonly format?: 'time_series' | 'table'} = {},
): InfluxQlTarget {
	return {
		refId,
		datasource: INFLUX_DATASOURCE,
		rawQuery: true,
		query,
		resultFormat: options.format ?? 'time_series',
		...(options.alias === undefined ? {} : {alias: options.alias}),
	};
}
