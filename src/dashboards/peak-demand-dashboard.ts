import type {Dashboard} from '@grafana/schema';
import {dashboard} from './dashboard.ts';
import {
	HISTORY,
	influxQlTarget,
	LIVE,
	METER_FILTER,
	obisMatches,
	READINGS,
	select,
	TIME_FILTER,
} from './influxql.ts';
import {statPanel, tablePanel, timeSeriesPanel} from './panels.ts';
import {meterVariable} from './variables.ts';

/** Maximum demand registers: import 1.6.x, export 2.6.x (x = tariff). */
const DEMAND = '[12]\\.6\\.[0-9]';
const IMPORT_DEMAND = '1\\.6\\.[0-9]';

/**
 * Maximum demand points sit at the peak's own time (the meter's stamp), so a raw select returns the
 * peak time; an aggregate grouped by time would return the bucket start instead.
 */
function peaks(where: string, pattern: string): string {
	return select(
		'"value"',
		READINGS,
		[METER_FILTER, where, obisMatches(pattern), TIME_FILTER],
		['"meter"', '"obis"'],
	);
}

export function peakDemandDashboard(): Dashboard {
	return dashboard({
		uid: 'dlms-logger-peak-demand',
		title: 'Peak demand',
		description:
			'Maximum demand (the highest 15-minute average power) per billing period with the time of each peak, and the running peak of the current period against the previous ones.',
		from: 'now-1y',
		refresh: '5m',
		variables: [meterVariable(READINGS)],
		panels: [
			statPanel({
				title: 'Highest peak in range',
				description: 'The highest maximum demand any period reached in the range, per register.',
				targets: [
					influxQlTarget(
						'A',
						select(
							'max("value")',
							READINGS,
							[METER_FILTER, obisMatches(IMPORT_DEMAND), TIME_FILTER],
							['"meter"', '"obis"'],
						),
						{alias: '$tag_meter $tag_obis'},
					),
				],
				width: 8,
				height: 5,
				unit: 'kwatt',
				decimals: 2,
			}),
			statPanel({
				title: 'Running peak of the current period',
				description: 'The peak the meter reports for the billing period in progress.',
				targets: [
					influxQlTarget(
						'A',
						select(
							'last("value")',
							READINGS,
							[METER_FILTER, LIVE, obisMatches(IMPORT_DEMAND), TIME_FILTER],
							['"meter"', '"obis"'],
						),
						{alias: '$tag_meter $tag_obis'},
					),
				],
				width: 8,
				height: 5,
				unit: 'kwatt',
				decimals: 2,
			}),
			statPanel({
				title: 'Previous period peak',
				description: "The peak of the last closed billing period, from the meter's history (1.6.x*NN).",
				targets: [
					influxQlTarget(
						'A',
						select(
							'last("value")',
							READINGS,
							[METER_FILTER, HISTORY, obisMatches(IMPORT_DEMAND), TIME_FILTER],
							['"meter"', '"obis"'],
						),
						{alias: '$tag_meter $tag_obis'},
					),
				],
				width: 8,
				height: 5,
				unit: 'kwatt',
				decimals: 2,
			}),
			timeSeriesPanel({
				title: 'Maximum demand per billing period',
				description:
					"Each point is one period's peak at the moment it happened (1.6.x*NN history); the line is the running peak of the current period as each readout reported it.",
				targets: [
					influxQlTarget('A', peaks(HISTORY, DEMAND), {alias: '$tag_meter $tag_obis closed periods'}),
					influxQlTarget('B', peaks(LIVE, DEMAND), {alias: '$tag_meter $tag_obis running'}),
				],
				width: 24,
				height: 10,
				unit: 'kwatt',
				decimals: 2,
				drawStyle: 'points',
			}),
			tablePanel({
				title: 'Peaks per billing period',
				description: "Every closed period's peak with its time, newest first.",
				targets: [
					influxQlTarget(
						'A',
						select(
							'"value" AS "peak"',
							READINGS,
							[METER_FILTER, HISTORY, obisMatches(DEMAND), TIME_FILTER],
							['"meter"', '"obis"'],
						),
						{format: 'table'},
					),
				],
				width: 24,
				height: 10,
				unit: 'kwatt',
				decimals: 2,
				sortBy: 'Time',
			}),
		],
	});
}
