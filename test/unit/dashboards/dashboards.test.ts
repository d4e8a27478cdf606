import {describe, expect, it} from 'vitest';
import {DEFAULT_PRICES} from '../../../src/dashboards/dashboard-files.ts';
import {energyDashboard} from '../../../src/dashboards/energy-dashboard.ts';
import {meterHealthDashboard} from '../../../src/dashboards/meter-health-dashboard.ts';
import {peakDemandDashboard} from '../../../src/dashboards/peak-demand-dashboard.ts';
import {panelsOf, queriesOf} from '../../helpers/dashboard-queries.ts';

const energy = energyDashboard({timeZone: 'Europe/Berlin', prices: DEFAULT_PRICES});
const queriesOfPanel = (title: string) =>
	queriesOf(energy)
		.filter((query) => query.panel.title === title)
		.map((query) => query.query);

describe('the Energy dashboard', () => {
	it('has the $meter, $tz and price variables with their defaults', () => {
		expect(energy.templating?.list?.map((variable) => [variable.name, variable.current?.value])).toEqual([
			['meter', ['$__all']],
			['tz', 'Europe/Berlin'],
			['price_t1', '0.30'],
			['price_t2', '0.22'],
			['feed_in_price', '0.08'],
		]);
	});

	it('counts daily energy from live counters per tariff, in local days, never with spread()', () => {
		const [imports, exports] = queriesOfPanel('Energy per day');
		expect(imports).toContain(`"billing" = ''`);
		expect(imports).toContain('"obis" =~ /^1\\.8\\.[1-9]$/');
		expect(exports).toContain('"obis" =~ /^2\\.8\\.[1-9]$/');
		expect(imports).toMatch(/GROUP BY time\(1d\), "meter", "obis" fill\(none\) tz\('\$tz'\)$/);
		for (const query of queriesOf(energy)) expect(query.query).not.toContain('spread(');
		const panel = panelsOf(energy).find((one) => one.title === 'Energy per day');
		expect(JSON.stringify(panel?.fieldConfig?.overrides)).toContain('negative-Y');
	});

	it('derives power over windows of an hour or more (a counter of whole kWh)', () => {
		const power = panelsOf(energy).find((panel) => panel.title === 'Power');
		expect(power?.interval).toBe('1h');
		expect(queriesOfPanel('Power')[0]).toContain('non_negative_derivative(last("value"), 1h)');
	});

	it('takes billing periods from the history series and prices each tariff separately', () => {
		expect(queriesOfPanel('Consumption per billing period')[0]).toContain(`"billing" = '1'`);
		const [cost] = queriesOfPanel('Cost and feed-in revenue in range');
		expect(cost).toContain('* $price_t1');
		expect(cost).toContain('* $price_t2');
	});
});

describe('the Peak demand dashboard', () => {
	it('reads peaks at their own times (raw values, no time buckets) from history and live series', () => {
		const peaks = peakDemandDashboard();
		const [history, live] = queriesOf(peaks)
			.filter((query) => query.panel.title === 'Maximum demand per billing period')
			.map((query) => query.query);
		expect(history).toMatch(/^SELECT "value" FROM "meter" WHERE .*"billing" = '1'/);
		expect(live).toContain(`"billing" = ''`);
		for (const query of [history, live]) expect(query).not.toContain('GROUP BY time');
	});
});

describe('the Meter health dashboard', () => {
	it('reads the self-metrics measurement and picks its meters from it', () => {
		const health = meterHealthDashboard();
		expect(health.templating?.list?.[0]?.query).toBe('SHOW TAG VALUES FROM "dlms_logger" WITH KEY = "meter"');
		for (const query of queriesOf(health)) expect(query.query).toContain('"dlms_logger"');
		const titles = panelsOf(health).map((panel) => panel.title);
		expect(titles).toEqual(
			expect.arrayContaining([
				'Readout success rate',
				'Failures by kind',
				'Mode and rate',
				'Spool depth',
				'Meter clock offset',
			]),
		);
	});
});
