import type {VariableModel} from '@grafana/schema';
import {INFLUX_DATASOURCE} from './datasource.ts';

/**
 * `$meter`: the meters that wrote to `measurement` (multi-value, with "All"), refreshed when the
 * dashboard loads. Queries use it as `"meter" =~ /^$meter$/`, which Grafana expands to `(a|b)`.
 */
export function meterVariable(measurement: string): VariableModel {
	return {
		type: 'query',
		name: 'meter',
		label: 'Meter',
		description: 'Meters to show (the `meter` tag).',
		datasource: INFLUX_DATASOURCE,
		query: `SHOW TAG VALUES FROM ${measurement} WITH KEY = "meter"`,
		refresh: 1,
		multi: true,
		includeAll: true,
		current: {text: ['All'], value: ['$__all']},
		options: [],
		sort: 1,
	};
}

/** A free-text variable with a default, for values a user sets per dashboard (zone, prices). */
export function textVariable(name: string, label: string, value: string, description: string): VariableModel {
	return {
		type: 'textbox',
		name,
		label,
		description,
		query: value,
		current: {text: value, value},
		options: [{selected: true, text: value, value}],
	};
}

/**
 * `$tz`: the IANA zone daily and weekly buckets are cut in, used as `tz('$tz')`. Its default is the
 * zone the dashboards were generated for (`npm run dashboards -- --tz Europe/Vienna`); a user can
 * also type another zone into the box.
 */
export function timeZoneVariable(timeZone: string): VariableModel {
	return textVariable(
		'tz',
		'Time zone',
		timeZone,
		'IANA time zone (tz database name) that days and weeks are cut in.',
	);
}
