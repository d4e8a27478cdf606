import {describe, expect, it} from 'vitest';
import {
	EXPORT_TARIFFS,
	energyPerBucket,
	IMPORT_TARIFFS,
	influxQlTarget,
	LIVE,
	METER_FILTER,
	metricIs,
	obisIs,
	obisMatches,
	rangeFrom,
	select,
} from '../../../src/dashboards/influxql.ts';

describe('InfluxQL builders', () => {
	it('writes the clauses in the order InfluxQL demands: GROUP BY, fill, tz', () => {
		expect(
			select('last("value")', '"meter"', ['a', 'b'], ['time(1d)', '"obis"'], {fill: 'none', tz: true}),
		).toBe(`SELECT last("value") FROM "meter" WHERE a AND b GROUP BY time(1d), "obis" fill(none) tz('$tz')`);
		expect(select('x', '"meter"', ['$timeFilter'])).toBe('SELECT x FROM "meter" WHERE $timeFilter');
	});

	it('selects live series by the missing billing tag and meters by the $meter regex', () => {
		expect(LIVE).toBe(`"billing" = ''`);
		expect(METER_FILTER).toBe('"meter" =~ /^$meter$/');
		expect(obisMatches(IMPORT_TARIFFS)).toBe('"obis" =~ /^1\\.8\\.[1-9]$/');
		expect(new RegExp(`^${EXPORT_TARIFFS}$`).test('2.8.2')).toBe(true);
		expect(new RegExp(`^${EXPORT_TARIFFS}$`).test('2.8.0')).toBe(false);
		expect(obisIs('1.8.0')).toBe(`"obis" = '1.8.0'`);
		expect(metricIs('readouts_total')).toBe(`"metric" = 'readouts_total'`);
	});

	it('reaches one bucket back for differences, and cuts weeks on Mondays in $tz', () => {
		expect(rangeFrom('1d')).toBe(`time >= \${__from}ms - 1d AND time <= \${__to}ms`);
		const week = energyPerBucket(['a'], '1w', ['"obis"']);
		expect(week).toContain('- 1w AND');
		expect(week).toContain(`GROUP BY time(1w, 4d), "obis" fill(none) tz('$tz')`);
		expect(week).toContain('non_negative_difference(last("value"))');
		expect(week).not.toContain('spread(');
		// Hours need no zone (except for zones a half hour off, where they still line up per hour).
		expect(energyPerBucket(['a'], '1h', [])).not.toContain('tz(');
	});

	it('makes a raw InfluxQL target on the provisioned data source', () => {
		expect(influxQlTarget('B', 'SELECT 1', {alias: '$tag_obis', format: 'table'})).toEqual({
			refId: 'B',
			datasource: {type: 'influxdb', uid: 'dlms-logger-influxdb'},
			rawQuery: true,
			query: 'SELECT 1',
			resultFormat: 'table',
			alias: '$tag_obis',
		});
		expect(influxQlTarget('A', 'SELECT 1')).not.toHaveProperty('alias');
	});
});
