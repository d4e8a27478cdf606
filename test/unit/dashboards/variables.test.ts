import {describe, expect, it} from 'vitest';
import {meterVariable, textVariable, timeZoneVariable} from '../../../src/dashboards/variables.ts';

describe('dashboard variables', () => {
	it('offers the meters of a measurement, several at once or all, refreshed on load', () => {
		expect(meterVariable('"meter"')).toMatchObject({
			type: 'query',
			name: 'meter',
			query: 'SHOW TAG VALUES FROM "meter" WITH KEY = "meter"',
			datasource: {type: 'influxdb', uid: 'dlms-logger-influxdb'},
			multi: true,
			includeAll: true,
			refresh: 1,
		});
	});

	it('makes $tz a text box holding the zone the dashboards were generated for', () => {
		expect(timeZoneVariable('America/New_York')).toMatchObject({
			type: 'textbox',
			name: 'tz',
			query: 'America/New_York',
			current: {text: 'America/New_York', value: 'America/New_York'},
		});
		expect(textVariable('price_t1', 'Price', '0.30', 'per kWh').current?.value).toBe('0.30');
	});
});
