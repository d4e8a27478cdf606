import {describe, expect, it} from 'vitest';
import {influxQlTarget} from '../../../src/dashboards/influxql.ts';
import {layOut, statPanel, tablePanel, thresholds, timeSeriesPanel} from '../../../src/dashboards/panels.ts';

const target = influxQlTarget('A', 'SELECT 1 FROM "meter" WHERE $timeFilter');
const spec = {title: 'T', description: 'what it answers', targets: [target], width: 12, height: 8};

describe('panel builders', () => {
	it('draws series matching belowAxis under the axis, stacked apart from the rest', () => {
		const panel = timeSeriesPanel({
			...spec,
			drawStyle: 'bars',
			stacking: 'normal',
			belowAxis: '.* export .*',
		});
		expect(panel.type).toBe('timeseries');
		expect(panel.fieldConfig?.defaults.custom).toMatchObject({
			drawStyle: 'bars',
			stacking: {mode: 'normal', group: 'A'},
		});
		expect(panel.fieldConfig?.overrides).toEqual([
			{
				matcher: {id: 'byRegexp', options: '.* export .*'},
				properties: [
					{id: 'custom.transform', value: 'negative-Y'},
					{id: 'custom.stacking', value: {mode: 'normal', group: 'B'}},
				],
			},
		]);
		expect(timeSeriesPanel(spec).fieldConfig?.overrides).toEqual([]);
	});

	it('carries unit, decimals, minimum interval and the data source', () => {
		const panel = statPanel({...spec, unit: 'kwatth', decimals: 0, minInterval: '1h', reduce: 'sum'});
		expect(panel).toMatchObject({
			type: 'stat',
			interval: '1h',
			datasource: {uid: 'dlms-logger-influxdb'},
			options: {reduceOptions: {calcs: ['sum']}},
		});
		expect(panel.fieldConfig?.defaults).toMatchObject({unit: 'kwatth', decimals: 0});
		expect(tablePanel({...spec, sortBy: 'Time'}).options).toMatchObject({
			sortBy: [{displayName: 'Time', desc: true}],
		});
	});

	it('makes thresholds with a null base step (from minus infinity)', () => {
		expect(thresholds('green', [900, 'orange'], [3600, 'red']).steps).toEqual([
			{value: null, color: 'green'},
			{value: 900, color: 'orange'},
			{value: 3600, color: 'red'},
		]);
	});

	it('numbers panels from 1 and lays them out left to right, wrapping at 24 columns', () => {
		const sized = (width: number, height: number) => statPanel({...spec, width, height});
		const placed = layOut([sized(6, 4), sized(18, 4), sized(12, 9), sized(12, 5), sized(24, 3)]);
		expect(placed.map((panel) => [panel.id, panel.gridPos])).toEqual([
			[1, {x: 0, y: 0, w: 6, h: 4}],
			[2, {x: 6, y: 0, w: 18, h: 4}],
			[3, {x: 0, y: 4, w: 12, h: 9}],
			[4, {x: 12, y: 4, w: 12, h: 5}],
			[5, {x: 0, y: 13, w: 24, h: 3}],
		]);
		expect(placed[0]).not.toHaveProperty('size');
	});
});
