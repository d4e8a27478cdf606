import type {
	FieldColorModeId,
	FieldConfig,
	FieldConfigSource,
	GraphDrawStyle,
	GraphTransform,
	LegendDisplayMode,
	LineInterpolation,
	Panel,
	StackingMode,
	ThresholdsConfig,
	TooltipDisplayMode,
} from '@grafana/schema';
import {INFLUX_DATASOURCE} from './datasource.ts';
import type {InfluxQlTarget} from './influxql.ts';

/**
 * Panel builders over @grafana/schema's Panel. Grafana's enums are only imported as types (the
 * package is a build-time dependency); `${Enum}` turns one into the union of its string values.
 */

/** What every panel has: a title, what it answers, its queries, its size (grid units; 24 = full width). */
export interface PanelSpec {
	readonly title: string;
	readonly description: string;
	readonly targets: readonly InfluxQlTarget[];
	readonly width: number;
	readonly height: number;
	/** Grafana unit id: `kwatth`, `kwatt`, `s`, `percentunit`, `bytes`, `none`… */
	readonly unit?: string;
	readonly decimals?: number;
	/** Shortest `$__interval` (e.g. `1h`: counters of whole kWh need an hour to say something). */
	readonly minInterval?: string;
}

/** A panel before layout: the dashboard gives it an id and its place. */
export type UnplacedPanel = Omit<Panel, 'id' | 'gridPos'> & {readonly size: {w: number; h: number}};

type DrawStyle = `${GraphDrawStyle}`;
type Stacking = `${StackingMode}`;

export interface TimeSeriesSpec extends PanelSpec {
	readonly drawStyle?: DrawStyle;
	readonly stacking?: Stacking;
	readonly interpolation?: `${LineInterpolation}`;
	/** Series whose display name matches this regex are drawn below the axis (export, feed-in). */
	readonly belowAxis?: string;
}

export function timeSeriesPanel(spec: TimeSeriesSpec): UnplacedPanel {
	const drawStyle = spec.drawStyle ?? 'line';
	const custom = {
		drawStyle,
		lineInterpolation: spec.interpolation ?? 'linear',
		lineWidth: 1,
		fillOpacity: drawStyle === 'bars' ? 80 : 10,
		pointSize: drawStyle === 'points' ? 8 : 4,
		showPoints: drawStyle === 'points' ? 'always' : 'auto',
		spanNulls: false,
		stacking: {mode: spec.stacking ?? 'none', group: 'A'},
		axisPlacement: 'auto',
		axisCenteredZero: false,
	};
	const overrides: FieldConfigSource['overrides'] =
		spec.belowAxis === undefined
			? []
			: [
					{
						matcher: {id: 'byRegexp', options: spec.belowAxis},
						properties: [
							{id: 'custom.transform', value: 'negative-Y' satisfies `${GraphTransform}`},
							// Import and export stack separately, so export bars hang from the axis.
							{id: 'custom.stacking', value: {mode: spec.stacking ?? 'none', group: 'B'}},
						],
					},
				];
	return {
		...base(spec, 'timeseries'),
		fieldConfig: {defaults: {...fieldDefaults(spec), custom}, overrides},
		options: {
			legend: {
				showLegend: true,
				displayMode: 'list' satisfies `${LegendDisplayMode}`,
				placement: 'bottom',
				calcs: [],
			},
			tooltip: {mode: 'multi' satisfies `${TooltipDisplayMode}`, sort: 'none'},
		},
	};
}

export interface StatSpec extends PanelSpec {
	readonly thresholds?: ThresholdsConfig;
	/** How a series becomes one number: its last value (default) or the sum of its values. */
	readonly reduce?: 'lastNotNull' | 'sum' | 'max';
}

export function statPanel(spec: StatSpec): UnplacedPanel {
	return {
		...base(spec, 'stat'),
		fieldConfig: {
			defaults: {
				...fieldDefaults(spec),
				...(spec.thresholds === undefined ? {} : {thresholds: spec.thresholds}),
			},
			overrides: [],
		},
		options: {
			reduceOptions: {calcs: [spec.reduce ?? 'lastNotNull'], fields: '', values: false},
			colorMode: spec.thresholds === undefined ? 'none' : 'background',
			graphMode: 'none',
			textMode: 'value_and_name',
			justifyMode: 'auto',
			orientation: 'auto',
			wideLayout: true,
			showPercentChange: false,
		},
	};
}

export function tablePanel(spec: PanelSpec & {readonly sortBy?: string}): UnplacedPanel {
	return {
		...base(spec, 'table'),
		fieldConfig: {defaults: {...fieldDefaults(spec), custom: {align: 'auto'}}, overrides: []},
		options: {
			showHeader: true,
			cellHeight: 'sm',
			...(spec.sortBy === undefined ? {} : {sortBy: [{displayName: spec.sortBy, desc: true}]}),
		},
	};
}

/**
 * Thresholds: `baseColor` below the first step, then each step's colour from its value on. The base
 * step's value is null in Grafana's JSON (it means "from minus infinity").
 */
export function thresholds(
	baseColor: string,
	...steps: readonly (readonly [number, string])[]
): ThresholdsConfig {
	return {
		mode: 'absolute' as ThresholdsConfig['mode'],
		steps: [
			{value: null as unknown as number, color: baseColor},
			...steps.map(([value, color]) => ({value, color})),
		],
	};
}

function base(spec: PanelSpec, type: string): UnplacedPanel {
	return {
		type,
		title: spec.title,
		description: spec.description,
		datasource: INFLUX_DATASOURCE,
		targets: spec.targets.map((target) => ({...target})),
		...(spec.minInterval === undefined ? {} : {interval: spec.minInterval}),
		size: {w: spec.width, h: spec.height},
	};
}

function fieldDefaults(spec: PanelSpec): FieldConfig {
	return {
		unit: spec.unit ?? 'none',
		...(spec.decimals === undefined ? {} : {decimals: spec.decimals}),
		// A string enum in the schema; the JSON holds its value.
		color: {mode: 'palette-classic' as FieldColorModeId},
	};
}

/** Gives panels ids from 1 and places them left to right, wrapping at the 24-unit grid width. */
export function layOut(panels: readonly UnplacedPanel[]): Panel[] {
	let x = 0;
	let y = 0;
	let rowHeight = 0;
	return panels.map(({size, ...panel}, index) => {
		if (x + size.w > 24) {
			x = 0;
			y += rowHeight;
			rowHeight = 0;
		}
		const placed: Panel = {...panel, id: index + 1, gridPos: {x, y, w: size.w, h: size.h}};
		x += size.w;
		rowHeight = Math.max(rowHeight, size.h);
		return placed;
	});
}
