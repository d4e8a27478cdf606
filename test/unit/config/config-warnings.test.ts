import {describe, expect, it} from 'vitest';
import {configSchema} from '../../../src/config/config-schema.ts';
import {configWarnings} from '../../../src/config/config-warnings.ts';

const meter = {id: 'house', port: '/dev/ttyUSB0'};

describe('configWarnings', () => {
	it('warns about an OBIS code selected twice in one meter, at the second one', () => {
		const config = configSchema.parse({
			meters: [{...meter, select: ['1.8.1', '2.8.1', {code: '1.8.1', name: 'import'}]}],
		});
		expect(configWarnings(config)).toEqual([
			{path: ['meters', 0, 'select', 2], message: '1.8.1 is selected twice (also select[0]): keep one'},
		]);
	});

	it('has nothing to say about distinct codes, or the same code in two meters', () => {
		const config = configSchema.parse({
			meters: [
				{...meter, select: ['1.8.1', '1.8.2']},
				{id: 'heat', port: '/dev/ttyUSB1', select: ['1.8.1']},
			],
		});
		expect(configWarnings(config)).toEqual([]);
	});
});
