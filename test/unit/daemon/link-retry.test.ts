import {describe, expect, it} from 'vitest';
import {LINK_RETRY_WORDS, nextLinkBackoffMs} from '../../../src/daemon/link-retry.ts';

describe('nextLinkBackoffMs', () => {
	it('waits one cycle after the first failure, then twice as long each time, up to 5 min', () => {
		const pauses: number[] = [];
		let pause = 0;
		for (let failure = 0; failure < 7; failure++) {
			pause = nextLinkBackoffMs(pause, 10_000);
			pauses.push(pause);
		}
		expect(pauses).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
		expect(LINK_RETRY_WORDS).toMatch(/pause of one cycle, doubled after each failure up to 5 min/);
	});
});
