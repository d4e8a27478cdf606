import {describe, expect, it} from 'vitest';
import {FLEET_MIX, fleetMeters} from '../../../../bench/fleet/fleet-mix.ts';

const countOf = (meters: ReturnType<typeof fleetMeters>) => {
	const counts: Record<string, number> = {};
	for (const meter of meters) counts[meter.kind.profile] = (counts[meter.kind.profile] ?? 0) + 1;
	return counts;
};

describe('fleetMeters', () => {
	it('deals 100 meters in the mix proportions, with distinct ids', () => {
		const meters = fleetMeters(100);
		expect(countOf(meters)).toEqual({
			push: 40,
			dsmr: 20,
			zmd120: 25,
			echo: 5,
			'zmd120-verbose': 5,
			'slow-300': 5,
		});
		expect(new Set(meters.map((meter) => meter.id)).size).toBe(100);
	});

	it('takes the shares of a part of the mix relative to each other', () => {
		const slow = FLEET_MIX.filter((kind) => kind.profile === 'zmd120' || kind.profile === 'slow-300');
		expect(countOf(fleetMeters(12, slow))).toEqual({zmd120: 10, 'slow-300': 2});
	});
});
