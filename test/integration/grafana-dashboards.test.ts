import type {Dashboard} from '@grafana/schema';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {dashboardFiles} from '../../src/dashboards/dashboard-files.ts';
import {meterRegisters} from '../../src/simulator/meter-registers.ts';
import {
	buildDashboardFixture,
	FIXTURE_DSMR_METER,
	FIXTURE_METER,
	FIXTURE_START_MS,
	FIXTURE_ZMD120_MODEL,
	failureAt,
	OUTAGE_DAY,
	RATE_MISMATCH_DAY,
	SLOTS_PER_DAY,
	zmd120Slot,
} from '../helpers/dashboard-fixture.ts';
import {
	type PanelQuery,
	panelsOf,
	queriesOf,
	substituteMacros,
	tableRows,
} from '../helpers/dashboard-queries.ts';
import {type InfluxdServer, type InfluxSeries, startInfluxd} from '../helpers/influxd-server.ts';
import {serverBinary} from '../helpers/server-process.ts';

const DAY_MS = 86_400_000;
const DB = 'meters';
const dashboards = dashboardFiles().map((file) => file.dashboard);
const byTitle = (title: string) => {
	const found = dashboards.find((dashboard) => dashboard.title === title);
	if (found === undefined) throw new Error(`no dashboard ${title}`);
	return found;
};
const queryOf = (dashboard: Dashboard, panelTitle: string, refId = 'A'): PanelQuery => {
	const found = queriesOf(dashboard).find(
		(query) => query.panel.title === panelTitle && query.refId === refId,
	);
	if (found === undefined) throw new Error(`no query ${refId} in panel ${panelTitle}`);
	return found;
};

/** The range every panel query runs over: the last 60 of the fixture's 90 days. */
const RANGE = {fromMs: FIXTURE_START_MS + 30 * DAY_MS, toMs: FIXTURE_START_MS + 90 * DAY_MS};
const BOTH_METERS = [FIXTURE_METER, FIXTURE_DSMR_METER];

const influxd = serverBinary('influxd', 'influxdb');
const title = influxd.skipReason === undefined ? '' : ` (skipped: ${influxd.skipReason})`;

describe.skipIf(influxd.skipReason !== undefined)(
	`every dashboard query on influxd 1.6.7 loaded with 90 days of simulated readouts${title}`,
	() => {
		let server: InfluxdServer;
		beforeAll(async () => {
			const fixture = buildDashboardFixture();
			server = await startInfluxd();
			await server.createDatabase(DB);
			for (let start = 0; start < fixture.lines.length; start += 50_000) {
				await server.write(DB, `${fixture.lines.slice(start, start + 50_000).join('\n')}\n`);
			}
		}, 120_000);
		afterAll(async () => {
			await server?.stop();
		});

		const run = (query: PanelQuery, values: Partial<Parameters<typeof substituteMacros>[2]> = {}) =>
			server.query(
				substituteMacros(query.query, byTitle(query.dashboard), {
					...RANGE,
					interval: '1h',
					meters: BOTH_METERS,
					...values,
				}),
				DB,
				'ms',
			);

		const all = dashboards
			.flatMap(queriesOf)
			.map((query) => ({...query, name: `${query.dashboard} / ${query.panel.title} / ${query.refId}`}));
		it.each(all)('$name returns rows', async (query) => {
			const series = await run(query);
			expect(series.length).toBeGreaterThan(0);
			expect(
				series.some((one) => one.values.some((row) => row.slice(1).some((cell) => typeof cell === 'number'))),
			).toBe(true);
		});

		it('every panel has at least one query', () => {
			for (const dashboard of dashboards)
				for (const panel of panelsOf(dashboard)) expect(panel.targets?.length).toBeGreaterThan(0);
		});

		// A Sunday in summer time (the business is closed, the sun feeds in): it runs from 22:00 UTC on the Saturday.
		const DAY = Date.UTC(2026, 3, 18, 22, 0, 0);
		/** The counters the ZMD120 printed at the last good readout of the local day ending at `endMs`. */
		function countersAtEndOf(endMs: number) {
			let slot = Math.floor((endMs - FIXTURE_START_MS) / (DAY_MS / SLOTS_PER_DAY)) - 1;
			while (failureAt(slot) !== undefined) slot--;
			const registers = meterRegisters(FIXTURE_ZMD120_MODEL, zmd120Slot(slot).meterClockMs);
			// The meter prints whole kWh, cut off (fixedNumber 'truncate').
			const kwh = (value: number) => Math.floor(value + 1e-6);
			return {
				i1: kwh(registers.current.importKwh.t1),
				i2: kwh(registers.current.importKwh.t2),
				e1: kwh(registers.current.exportKwh.t1),
				e2: kwh(registers.current.exportKwh.t2),
			};
		}
		const seriesValueAt = (series: InfluxSeries[], tags: Record<string, string>, atMs: number) => {
			const one = series.find((candidate) =>
				Object.entries(tags).every(([key, value]) => candidate.tags?.[key] === value),
			);
			return one?.values.find((row) => row[0] === atMs)?.[1];
		};

		it("puts a known day's import and export per tariff into the bar that starts at the meter zone's midnight", async () => {
			const before = countersAtEndOf(DAY);
			const after = countersAtEndOf(DAY + DAY_MS);
			const range = {fromMs: DAY, toMs: DAY + DAY_MS - 1000, meters: [FIXTURE_METER]};
			const imports = await run(queryOf(byTitle('Energy'), 'Energy per day', 'A'), range);
			const exports = await run(queryOf(byTitle('Energy'), 'Energy per day', 'B'), range);
			const tags = (obis: string) => ({meter: FIXTURE_METER, obis});
			expect(seriesValueAt(imports, tags('1.8.1'), DAY)).toBe(after.i1 - before.i1);
			expect(seriesValueAt(imports, tags('1.8.2'), DAY)).toBe(after.i2 - before.i2);
			expect(seriesValueAt(exports, tags('2.8.1'), DAY)).toBe(after.e1 - before.e1);
			expect(seriesValueAt(exports, tags('2.8.2'), DAY)).toBe(after.e2 - before.e2);
			// A Sunday in April: little use, solar export in tariff 1 (06–22 h), none at night.
			expect(after.i1 - before.i1).toBeGreaterThan(2);
			expect(after.i2 - before.i2).toBeGreaterThan(2);
			expect(after.e1 - before.e1).toBeGreaterThan(5);
			expect(after.e2 - before.e2).toBe(0);
		});

		it('prices the same day: import per tariff times its price, export times the feed-in price', async () => {
			const before = countersAtEndOf(DAY);
			const after = countersAtEndOf(DAY + DAY_MS);
			const range = {fromMs: DAY, toMs: DAY + DAY_MS - 1000, meters: [FIXTURE_METER]};
			const panel = 'Cost and feed-in revenue per day';
			const energy = byTitle('Energy');
			const cost1 = await run(queryOf(energy, panel, 'A'), range);
			const cost2 = await run(queryOf(energy, panel, 'B'), range);
			const revenue = await run(queryOf(energy, panel, 'C'), range);
			expect(seriesValueAt(cost1, {obis: '1.8.1'}, DAY)).toBeCloseTo((after.i1 - before.i1) * 0.3, 6);
			expect(seriesValueAt(cost2, {obis: '1.8.2'}, DAY)).toBeCloseTo((after.i2 - before.i2) * 0.22, 6);
			expect(seriesValueAt(revenue, {obis: '2.8.1'}, DAY)).toBeCloseTo((after.e1 - before.e1) * 0.08, 6);
			const prices = {price_t1: '0.5', price_t2: '0.25', feed_in_price: '0.1'};
			const repriced = await run(queryOf(energy, panel, 'A'), {...range, variables: prices});
			expect(seriesValueAt(repriced, {obis: '1.8.1'}, DAY)).toBeCloseTo((after.i1 - before.i1) * 0.5, 6);
		});

		// Past the fixture's end, so the meter holds every closed period of it.
		const LATER = meterRegisters(FIXTURE_ZMD120_MODEL, zmd120Slot(90 * SLOTS_PER_DAY - 1).meterClockMs);

		it("gives each billing period's consumption from the meter's own history", async () => {
			const series = await run(queryOf(byTitle('Energy'), 'Consumption per billing period'), {
				meters: [FIXTURE_METER],
			});
			const [april, march] = LATER.history;
			if (april === undefined || march === undefined) throw new Error('the fixture ends before May');
			const kwh = (value: number) => Math.floor(value + 1e-6);
			expect(seriesValueAt(series, {obis: '1.8.1'}, april.endedAtMs)).toBe(
				kwh(april.importKwh.t1) - kwh(march.importKwh.t1),
			);
			expect(seriesValueAt(series, {obis: '1.8.2'}, april.endedAtMs)).toBe(
				kwh(april.importKwh.t2) - kwh(march.importKwh.t2),
			);
			// April ends at local midnight on 1 May (22:00 UTC, summer time).
			expect(new Date(april.endedAtMs).toISOString()).toBe('2026-04-30T22:00:00.000Z');
		});

		it("lists each closed period's peak with the time it happened", async () => {
			const rows = tableRows(
				await run(queryOf(byTitle('Peak demand'), 'Peaks per billing period'), {
					fromMs: FIXTURE_START_MS - 30 * DAY_MS,
					meters: [FIXTURE_METER],
				}),
			);
			const closed = LATER.history.filter((period) => period !== undefined);
			expect(closed.length).toBeGreaterThanOrEqual(3);
			for (const period of closed) {
				for (const [obis, peak] of [
					['1.6.1', period.importDemand.t1],
					['1.6.2', period.importDemand.t2],
				] as const) {
					if (peak === undefined) continue;
					expect(rows).toContainEqual({
						time: peak.atMs,
						meter: FIXTURE_METER,
						obis,
						peak: Math.round(peak.kw * 100) / 100,
					});
					expect(rows.filter((row) => row['obis'] === obis && row['time'] === peak.atMs)).toHaveLength(1);
				}
			}
		});

		it('shows the running peak of the current period rising between resets', async () => {
			const series = await run(queryOf(byTitle('Peak demand'), 'Maximum demand per billing period', 'B'), {
				meters: [FIXTURE_METER],
			});
			const running = series.find((one) => one.tags?.['obis'] === '1.6.1');
			const values = (running?.values ?? []).map((row) => row[1] as number);
			expect(values.length).toBeGreaterThan(3);
		});

		it('sees the rate mismatch, the fallback to 4800 Bd and both meters with their modes', async () => {
			const health = byTitle('Meter health');
			const failures = await run(queryOf(health, 'Failures by kind'), {meters: [FIXTURE_METER]});
			const total = (failure: string) =>
				(failures.find((one) => one.tags?.['failure'] === failure)?.values ?? []).reduce(
					(sum, row) => sum + Number(row[1] ?? 0),
					0,
				);
			expect(total('rate-mismatch')).toBe(1);
			expect(total('timeout')).toBeGreaterThan(20);
			expect(total('garbage')).toBe(0);
			const rates = await run(queryOf(health, 'Data rate'), {meters: [FIXTURE_METER]});
			const byRate = new Map<number, number[]>();
			for (const row of rates[0]?.values ?? []) {
				const list = byRate.get(row[1] as number) ?? [];
				list.push(row[0] as number);
				byRate.set(row[1] as number, list);
			}
			const dayStart = FIXTURE_START_MS + RATE_MISMATCH_DAY * DAY_MS;
			expect([...byRate.keys()].sort()).toEqual([4800, 9600]);
			for (const at of byRate.get(4800) ?? []) {
				expect(at).toBeGreaterThanOrEqual(dayStart);
				expect(at).toBeLessThan(dayStart + DAY_MS + 3_600_000);
			}
			const plans = tableRows(await run(queryOf(health, 'Mode and rate', 'A')));
			expect(plans.map((row) => [row['meter'], row['mode'], row['baud rate']])).toEqual([
				[FIXTURE_METER, 'C', 9600],
				[FIXTURE_DSMR_METER, 'D', 115_200],
			]);
		});

		it('sees the spool fill during the outage and the meter clock run fast', async () => {
			const health = byTitle('Meter health');
			const [spool] = await run(queryOf(health, 'Spool depth'));
			const outageStart = FIXTURE_START_MS + OUTAGE_DAY * DAY_MS;
			const filled = (spool?.values ?? []).filter((row) => Number(row[1]) > 0).map((row) => row[0] as number);
			expect(filled.length).toBeGreaterThan(0);
			for (const at of filled) {
				expect(at).toBeGreaterThanOrEqual(outageStart);
				expect(at).toBeLessThan(outageStart + DAY_MS);
			}
			const [offset] = await run(queryOf(health, 'Meter clock offset'), {meters: [FIXTURE_METER]});
			const last = offset?.values.at(-1)?.[1] as number;
			// 0.4 s a day for 90 days, give or take the readout's own second.
			expect(last).toBeGreaterThan(33);
			expect(last).toBeLessThan(39);
		});

		it('derives power from the counters and shows the power the DSMR meter reports', async () => {
			const power = await run(queryOf(byTitle('Energy'), 'Power', 'A'), {meters: [FIXTURE_METER]});
			const imported =
				power.find((one) => one.tags?.['obis'] === '1.8.0')?.values.map((row) => row[1] as number) ?? [];
			const mean = imported.reduce((sum, value) => sum + value, 0) / imported.length;
			// A 140 kWh/day business less its PV: a few kW on average.
			expect(mean).toBeGreaterThan(1);
			expect(mean).toBeLessThan(10);
			const measured = await run(queryOf(byTitle('Energy'), 'Power', 'B'), {meters: [FIXTURE_DSMR_METER]});
			expect(measured.map((one) => one.tags?.['obis']).sort()).toEqual(['1.7.0', '2.7.0']);
			const gas = await run(queryOf(byTitle('Energy'), 'Gas per day'), {meters: [FIXTURE_DSMR_METER]});
			// The bar of the range's last day holds only its midnight reading.
			const perDay = (gas[0]?.values ?? [])
				.filter((row) => (row[0] as number) < RANGE.toMs - DAY_MS)
				.map((row) => row[1] as number);
			expect(perDay.length).toBeGreaterThan(50);
			for (const value of perDay) expect(value).toBeGreaterThan(0.5);
		});
	},
);
