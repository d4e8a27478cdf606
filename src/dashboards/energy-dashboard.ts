import type {Dashboard} from '@grafana/schema';
import {dashboard} from './dashboard.ts';
import {
	EXPORT_TARIFFS,
	energyPerBucket,
	HISTORY,
	IMPORT_TARIFFS,
	influxQlTarget,
	LIVE,
	METER_FILTER,
	obisIs,
	obisMatches,
	READINGS,
	rangeFrom,
	select,
	TIME_FILTER,
} from './influxql.ts';
import {statPanel, tablePanel, timeSeriesPanel} from './panels.ts';
import {meterVariable, textVariable, timeZoneVariable} from './variables.ts';

export interface EnergyDashboardOptions {
	/** IANA zone of the day boundaries (the `$tz` default). */
	readonly timeZone: string;
	/** Default prices per kWh: import tariff 1 and 2, feed-in. In the user's currency. */
	readonly prices: {readonly t1: string; readonly t2: string; readonly feedIn: string};
}

const IMPORT = [METER_FILTER, LIVE, obisMatches(IMPORT_TARIFFS)];
const EXPORT = [METER_FILTER, LIVE, obisMatches(EXPORT_TARIFFS)];
const PER_TARIFF = ['"meter"', '"obis"'];

/** Import and export per tariff in one bucket size: import stacked up, export stacked below the axis. */
function energyBars(title: string, bucket: string, width: number) {
	return timeSeriesPanel({
		title,
		description: `Energy per ${bucket === '1h' ? 'hour' : bucket === '1d' ? 'day' : 'week (Monday to Sunday)'} from the counters, one bar per tariff (1.8.1, 1.8.2, …); export (2.8.x) below the axis. Days and weeks end at midnight in $tz.`,
		targets: [
			influxQlTarget('A', energyPerBucket(IMPORT, bucket, PER_TARIFF), {
				alias: '$tag_meter import $tag_obis',
			}),
			influxQlTarget('B', energyPerBucket(EXPORT, bucket, PER_TARIFF), {
				alias: '$tag_meter export $tag_obis',
			}),
		],
		width,
		height: 9,
		unit: 'kwatth',
		drawStyle: 'bars',
		stacking: 'normal',
		belowAxis: '.* export .*',
	});
}

/** Sum over the range of a counter's hourly rises, times a factor (1 for energy, a price for money). */
function rangeSum(where: readonly string[], factor = '', groupBy: readonly string[] = []): string {
	const inner = select(
		`non_negative_difference(last("value"))${factor} AS "amount"`,
		READINGS,
		[...where, rangeFrom('1h')],
		['time(1h)', '"meter"', '"obis"'],
	);
	return select('sum("amount")', `(${inner})`, [TIME_FILTER], groupBy);
}

/** The cost of import over the range: each tariff's energy times its price, summed. */
function rangeCost(): string {
	const tariff = (code: string, price: string) =>
		`(${select(
			`non_negative_difference(last("value")) * ${price} AS "amount"`,
			READINGS,
			[METER_FILTER, LIVE, obisIs(code), rangeFrom('1h')],
			['time(1h)', '"meter"'],
		)})`;
	return select('sum("amount")', `${tariff('1.8.1', '$price_t1')}, ${tariff('1.8.2', '$price_t2')}`, [
		TIME_FILTER,
	]);
}

/** Money per day: the energy of each register matching `pattern` (one series per tariff) times a price. */
function dailyMoney(pattern: string, price: string) {
	return select(
		`non_negative_difference(last("value")) * ${price}`,
		READINGS,
		[METER_FILTER, LIVE, obisMatches(pattern), rangeFrom('1d')],
		['time(1d)', '"meter"', '"obis"'],
		{fill: 'none', tz: true},
	);
}

export function energyDashboard(options: EnergyDashboardOptions): Dashboard {
	return dashboard({
		uid: 'dlms-logger-energy',
		title: 'Energy',
		description:
			'Import and export per hour, day and week per tariff, totals, power, cost and feed-in revenue, billing periods, gas, and the latest reading of every register.',
		from: 'now-30d',
		refresh: '5m',
		variables: [
			meterVariable(READINGS),
			timeZoneVariable(options.timeZone),
			textVariable(
				'price_t1',
				'Price tariff 1',
				options.prices.t1,
				'Price of 1 kWh imported in tariff 1 (1.8.1).',
			),
			textVariable(
				'price_t2',
				'Price tariff 2',
				options.prices.t2,
				'Price of 1 kWh imported in tariff 2 (1.8.2).',
			),
			textVariable(
				'feed_in_price',
				'Feed-in price',
				options.prices.feedIn,
				'Revenue per kWh exported (2.8.x).',
			),
		],
		panels: [
			statPanel({
				title: 'Import in range',
				description: 'Energy drawn from the grid over the selected range, per tariff.',
				targets: [influxQlTarget('A', rangeSum(IMPORT, '', ['"obis"']), {alias: 'import $tag_obis'})],
				width: 6,
				height: 4,
				unit: 'kwatth',
				decimals: 0,
			}),
			statPanel({
				title: 'Export in range',
				description: 'Energy fed into the grid over the selected range, per tariff.',
				targets: [influxQlTarget('A', rangeSum(EXPORT, '', ['"obis"']), {alias: 'export $tag_obis'})],
				width: 6,
				height: 4,
				unit: 'kwatth',
				decimals: 0,
			}),
			statPanel({
				title: 'Cost and feed-in revenue in range',
				description: 'Import per tariff times $price_t1 / $price_t2; export times $feed_in_price.',
				targets: [
					influxQlTarget('A', rangeCost(), {alias: 'cost'}),
					influxQlTarget('B', rangeSum(EXPORT, ' * $feed_in_price'), {alias: 'feed-in revenue'}),
				],
				width: 6,
				height: 4,
				decimals: 2,
			}),
			statPanel({
				title: 'Current power',
				description:
					'The power the meter reports (1.7.0 import, 2.7.0 export) where it sends it; else the average over the latest hour from the 1.8.0 counter (a counter of whole kWh needs an hour to tell).',
				targets: [
					influxQlTarget(
						'A',
						select(
							'last("value")',
							READINGS,
							[METER_FILTER, LIVE, obisMatches('[12]\\.7\\.0'), TIME_FILTER],
							['"meter"', '"obis"'],
						),
						{alias: '$tag_meter $tag_obis'},
					),
					influxQlTarget(
						'B',
						select(
							'non_negative_derivative(last("value"), 1h)',
							READINGS,
							[METER_FILTER, LIVE, obisIs('1.8.0'), TIME_FILTER],
							['time(1h)', '"meter"'],
							{fill: 'none'},
						),
						{alias: '$tag_meter from 1.8.0'},
					),
				],
				width: 6,
				height: 4,
				unit: 'kwatt',
				decimals: 2,
			}),
			energyBars('Energy per day', '1d', 24),
			energyBars('Energy per hour', '1h', 12),
			energyBars('Energy per week', '1w', 12),
			timeSeriesPanel({
				title: 'Power',
				description:
					'Average import (1.8.0) and export (2.8.0, below the axis) power per interval, derived from the counters over at least an hour; the power the meter reports (1.7.0, 2.7.0) where it sends it.',
				targets: [
					influxQlTarget(
						'A',
						select(
							'non_negative_derivative(last("value"), 1h)',
							READINGS,
							[METER_FILTER, LIVE, obisMatches('[12]\\.8\\.0'), TIME_FILTER],
							['time($__interval)', '"meter"', '"obis"'],
							{fill: 'none'},
						),
						{alias: '$tag_meter from $tag_obis'},
					),
					influxQlTarget(
						'B',
						select(
							'mean("value")',
							READINGS,
							[METER_FILTER, LIVE, obisMatches('[12]\\.7\\.0'), TIME_FILTER],
							['time($__interval)', '"meter"', '"obis"'],
							{fill: 'none'},
						),
						{alias: '$tag_meter $tag_obis'},
					),
				],
				width: 24,
				height: 8,
				unit: 'kwatt',
				minInterval: '1h',
				belowAxis: '.*2\\.[78]\\.0',
			}),
			timeSeriesPanel({
				title: 'Cost and feed-in revenue per day',
				description:
					'Import per tariff times its price ($price_t1, $price_t2); export times $feed_in_price, below the axis.',
				targets: [
					influxQlTarget('A', dailyMoney('1\\.8\\.1', '$price_t1'), {alias: '$tag_meter cost $tag_obis'}),
					influxQlTarget('B', dailyMoney('1\\.8\\.2', '$price_t2'), {alias: '$tag_meter cost $tag_obis'}),
					influxQlTarget('C', dailyMoney(EXPORT_TARIFFS, '$feed_in_price'), {
						alias: '$tag_meter feed-in $tag_obis',
					}),
				],
				width: 12,
				height: 8,
				decimals: 2,
				drawStyle: 'bars',
				stacking: 'normal',
				belowAxis: '.*feed-in.*',
			}),
			timeSeriesPanel({
				title: 'Consumption per billing period',
				description:
					"Import per tariff in each closed billing period, from the meter's own history (1.8.x*NN): the rise between two period ends, shown at the end of the period.",
				targets: [
					influxQlTarget(
						'A',
						select(
							'non_negative_difference("value")',
							READINGS,
							// The period before the first one shown supplies its starting value.
							[METER_FILTER, HISTORY, obisMatches(IMPORT_TARIFFS), rangeFrom('366d')],
							['"meter"', '"obis"'],
						),
						{alias: '$tag_meter $tag_obis'},
					),
				],
				width: 12,
				height: 8,
				unit: 'kwatth',
				decimals: 0,
				drawStyle: 'bars',
				stacking: 'normal',
			}),
			timeSeriesPanel({
				title: 'Gas per day',
				description: 'Gas used per day from the gas meter a DSMR meter relays (24.2.1 on channel 0-n, m³).',
				targets: [
					influxQlTarget(
						'A',
						select(
							'non_negative_difference(last("value"))',
							READINGS,
							[METER_FILTER, LIVE, obisMatches('24\\.2\\.[13]'), `"unit" = 'm3'`, rangeFrom('1d')],
							['time(1d)', '"meter"', '"channel"'],
							{fill: 'none', tz: true},
						),
						{alias: '$tag_meter gas $tag_channel'},
					),
				],
				width: 12,
				height: 8,
				unit: 'volume',
				decimals: 2,
				drawStyle: 'bars',
			}),
			tablePanel({
				title: 'Latest readings',
				description:
					'The last value of every register in the range, with the time it was read (or the time the meter stamped it).',
				targets: [
					influxQlTarget(
						'A',
						select(
							'last("value") AS "value"',
							READINGS,
							[METER_FILTER, LIVE, TIME_FILTER],
							// Every tag that tells registers apart: a DSMR meter relays gas and water meters as
							// channels 0-1, 0-2 with the same code; `part` splits a bracket of several values.
							['"meter"', '"channel"', '"obis"', '"part"', '"unit"'],
						),
						{format: 'table'},
					),
				],
				width: 12,
				height: 8,
			}),
		],
	});
}
