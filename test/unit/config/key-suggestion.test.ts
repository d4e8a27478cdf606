import {describe, expect, it} from 'vitest';
import {configSchema} from '../../../src/config/config-schema.ts';
import {closestKey, knownKeysAt} from '../../../src/config/key-suggestion.ts';

describe('closestKey', () => {
	it.each([
		['evry', ['every', 'schedule'], 'every'],
		['selcet', ['select', 'schedule'], 'select'],
		['influx', ['influxdb', 'spool'], 'influxdb'],
		['meter', ['meters', 'measurement'], 'meters'],
		['Port', ['port', 'id'], 'port'],
	])('takes %s for %s', (unknown, known, expected) => {
		expect(closestKey(unknown, known)).toBe(expected);
	});

	it('suggests nothing when no key is close', () => {
		expect(closestKey('colour', ['id', 'port', 'mode'])).toBeUndefined();
		expect(closestKey('abc', ['xyz'])).toBeUndefined();
	});
});

describe('knownKeysAt', () => {
	it('reads the keys of each level from the schema', () => {
		expect(knownKeysAt(configSchema, [])).toContain('influxdb');
		expect(knownKeysAt(configSchema, ['meters', 0])).toEqual(
			expect.arrayContaining(['every', 'select', 'port']),
		);
		expect(knownKeysAt(configSchema, ['meters', 0, 'timeouts'])).toContain('inter_character');
		expect(knownKeysAt(configSchema, ['meters', 0, 'select', 2])).toEqual(['code', 'name']);
		expect(knownKeysAt(configSchema, ['influxdb'])).toContain('token_file');
	});
});
