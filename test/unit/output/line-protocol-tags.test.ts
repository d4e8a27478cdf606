import {describe, expect, it} from 'vitest';
import {formatLineProtocol} from '../../../src/output/line-protocol.ts';
import {lineTags} from '../../../src/output/line-protocol-tags.ts';

describe('lineTags', () => {
	it('reads the tags of a line, not its fields', () => {
		expect(
			Object.fromEntries(lineTags('meter,billing=1,meter=50871031,obis=1.8.0 text="billing=2" 0')),
		).toEqual({
			billing: '1',
			meter: '50871031',
			obis: '1.8.0',
		});
		expect(lineTags('meter value=1 0').size).toBe(0);
	});

	it('unescapes what formatLineProtocol escapes, in the measurement and the tags', () => {
		const line = formatLineProtocol({
			measurement: 'my meter,a',
			tags: {billing: '1', meter: 'house 1,west=2', obis: '1.8.0'},
			fields: {value: 1},
			time: new Date(0),
		});
		expect(lineTags(line).get('meter')).toBe('house 1,west=2');
		expect(lineTags(line).get('billing')).toBe('1');
	});
});
