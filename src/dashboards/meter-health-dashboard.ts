import type {Dashboard} from '@grafana/schema';
import {dashboard} from './dashboard.ts';
import {
	influxQlTarget,
	METER_FILTER,
	metricIs,
	rangeFrom,
	SELF_METRICS,
	select,
	TIME_FILTER,
} from './influxql.ts';
import {statPanel, tablePanel, thresholds, timeSeriesPanel} from './panels.ts';
import {meterVariable} from './variables.ts';

/** The rise of a self-metric counter per `$__interval`, starting one interval before the range. */
function increase(metric: string, groupBy: readonly string[], bucket = '$__interval'): string {
	return select(
		'non_negative_difference(last("value"))',
		SELF_METRICS,
		[metricIs(metric), METER_FILTER, rangeFrom(bucket)],
		[`time(${bucket})`, ...groupBy],
		{fill: 'none'},
	);
}

/**
 * Good readouts as a share of good and failed ones. InfluxQL cannot divide one series by another, so
 * the two counters become two fields of one subquery result first.
 */
function successRate(bucket: string | undefined): string {
	const part = (result: string) =>
		`(${select(
			`non_negative_difference(last("value")) AS "${result}"`,
			SELF_METRICS,
			[metricIs('readouts_total'), `"result" = '${result}'`, METER_FILTER, rangeFrom('1h')],
			['time(1h)', '"meter"'],
		)})`;
	return select(
		'sum("ok") / (sum("ok") + sum("failed"))',
		`${part('ok')}, ${part('failed')}`,
		[TIME_FILTER],
		bucket === undefined ? [] : [`time(${bucket})`],
		bucket === undefined ? {} : {fill: 'none'},
	);
}

function lastPerMeter(
	metric: string,
	field = 'last("value")',
	groupBy: readonly string[] = ['"meter"'],
): string {
	return select(field, SELF_METRICS, [metricIs(metric), METER_FILTER, TIME_FILTER], groupBy);
}

export function meterHealthDashboard(): Dashboard {
	return dashboard({
		uid: 'dlms-logger-meter-health',
		title: 'Meter health',
		description:
			"The collector's own view: readout success, durations by phase, failures by kind, the last good readout, meter clock offset, the spool, and the mode and rate each meter is read with (measurement dlms_logger).",
		from: 'now-7d',
		refresh: '1m',
		variables: [meterVariable(SELF_METRICS)],
		panels: [
			statPanel({
				title: 'Readout success rate',
				description: 'Good readouts as a share of all readouts (good and failed) in the range.',
				targets: [influxQlTarget('A', successRate(undefined), {alias: 'success'})],
				width: 6,
				height: 5,
				unit: 'percentunit',
				decimals: 1,
				thresholds: thresholds('red', [0.9, 'orange'], [0.98, 'green']),
			}),
			statPanel({
				title: 'Since the last good readout',
				description:
					'Time from the last good readout of each meter to the end of the range (now, on a live dashboard).',
				targets: [
					influxQlTarget(
						'A',
						lastPerMeter('last_success_timestamp_seconds', `\${__to} / 1000 - last("value")`),
						{
							alias: '$tag_meter',
						},
					),
				],
				width: 6,
				height: 5,
				unit: 's',
				decimals: 0,
				thresholds: thresholds('green', [900, 'orange'], [3600, 'red']),
			}),
			tablePanel({
				title: 'Mode and rate',
				description:
					'The protocol mode (A–D) and data rate of the last good readout of each meter, and how often the mode or rate changed (a fallback after a rate mismatch counts).',
				targets: [
					influxQlTarget(
						'A',
						lastPerMeter('readout_baud_rate', 'last("value") AS "baud rate"', ['"meter"', '"mode"']),
						{
							format: 'table',
						},
					),
					influxQlTarget('B', lastPerMeter('plan_changes_total', 'last("value") AS "plan changes"'), {
						format: 'table',
					}),
				],
				width: 12,
				height: 5,
			}),
			timeSeriesPanel({
				title: 'Readout success rate over time',
				description: 'Good readouts as a share of all readouts, per interval.',
				targets: [influxQlTarget('A', successRate('$__interval'), {alias: 'success'})],
				width: 12,
				height: 8,
				unit: 'percentunit',
				minInterval: '1h',
			}),
			timeSeriesPanel({
				title: 'Failures by kind',
				description:
					'Failed readouts per interval by kind: no answer, timeout, block check (BCC/CRC), rate mismatch, truncated, garbage, link, aborted.',
				targets: [
					influxQlTarget('A', increase('readout_failures_total', ['"meter"', '"failure"']), {
						alias: '$tag_meter $tag_failure',
					}),
				],
				width: 12,
				height: 8,
				drawStyle: 'bars',
				stacking: 'normal',
				minInterval: '1h',
			}),
			timeSeriesPanel({
				title: 'Readout duration by phase',
				description:
					'How long each phase of the last good readout took: sign-on, identification, switch, data, total.',
				targets: [
					influxQlTarget(
						'A',
						select(
							'mean("value")',
							SELF_METRICS,
							[metricIs('readout_phase_last_seconds'), METER_FILTER, TIME_FILTER],
							['time($__interval)', '"meter"', '"phase"'],
							{fill: 'none'},
						),
						{alias: '$tag_meter $tag_phase'},
					),
				],
				width: 12,
				height: 8,
				unit: 's',
			}),
			timeSeriesPanel({
				title: 'Data rate',
				description:
					'The data rate (Bd) of the last good readout, per meter and mode: a drop shows a rate fallback.',
				targets: [
					influxQlTarget(
						'A',
						select(
							'last("value")',
							SELF_METRICS,
							[metricIs('readout_baud_rate'), METER_FILTER, TIME_FILTER],
							['time($__interval)', '"meter"', '"mode"'],
							{fill: 'none'},
						),
						{alias: '$tag_meter mode $tag_mode'},
					),
				],
				width: 12,
				height: 8,
				interpolation: 'stepAfter',
			}),
			timeSeriesPanel({
				title: 'Meter clock offset',
				description: "The meter's clock minus the host's at each readout (positive: the meter is fast).",
				targets: [
					influxQlTarget(
						'A',
						select(
							'last("value")',
							SELF_METRICS,
							[metricIs('meter_clock_offset_seconds'), METER_FILTER, TIME_FILTER],
							['time($__interval)', '"meter"'],
							{fill: 'none'},
						),
						{alias: '$tag_meter'},
					),
				],
				width: 12,
				height: 8,
				unit: 's',
			}),
			timeSeriesPanel({
				title: 'Spool depth',
				description:
					'Bytes written to the spool and not yet acknowledged by the database: it grows while the database is away and drains when it is back.',
				targets: [
					influxQlTarget(
						'A',
						select(
							'max("value")',
							SELF_METRICS,
							[metricIs('spool_pending_bytes'), TIME_FILTER],
							['time($__interval)'],
							{
								fill: 'none',
							},
						),
						{alias: 'pending'},
					),
				],
				width: 12,
				height: 8,
				unit: 'bytes',
			}),
		],
	});
}
