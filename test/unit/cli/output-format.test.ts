import {InvalidArgumentError} from 'commander';
import {describe, expect, it} from 'vitest';
import {OUTPUT_FORMATS, parseOutputFormat} from '../../../src/cli/output-format.ts';

describe('parseOutputFormat', () => {
	it('accepts each documented format', () => {
		for (const format of OUTPUT_FORMATS) expect(parseOutputFormat(format)).toBe(format);
		expect(OUTPUT_FORMATS).toEqual(['table', 'json', 'ndjson', 'line-protocol']);
	});

	it('rejects anything else with the list of choices', () => {
		expect(() => parseOutputFormat('csv')).toThrow(InvalidArgumentError);
		expect(() => parseOutputFormat('csv')).toThrow('choose one of table, json, ndjson, line-protocol');
	});
});
