import {describe, expect, it} from 'vitest';
import {describeUnmatchedSelection} from '../../../src/readings/unmatched-selection.ts';

describe('describeUnmatchedSelection', () => {
	it('names one code or several, and where to see what the meter sends', () => {
		expect(describeUnmatchedSelection(['9.9.9'])).toBe(
			'selected code 9.9.9 is not in the meter\'s telegram, so nothing is written for it (a typo? "dlms-logger read" lists the codes the meter sends)',
		);
		expect(describeUnmatchedSelection(['9.9.9', '7.7.7'])).toMatch(
			/^selected codes 9\.9\.9, 7\.7\.7 are not .* for them/,
		);
	});
});
