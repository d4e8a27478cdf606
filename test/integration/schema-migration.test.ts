import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type InfluxdServer, startInfluxd} from '../helpers/influxd-server.ts';

/** The migration statement docs/schema.md gives, exactly as a user would copy it. */
const schema = readFileSync(new URL('../../docs/schema.md', import.meta.url), 'utf8');
const migration =
	/### Migrating from databases written before the `billing` tag[\s\S]*?```sql\n([\s\S]*?)```/.exec(
		schema,
	)?.[1];

let server: InfluxdServer;
beforeAll(async () => {
	server = await startInfluxd();
}, 30_000);
afterAll(async () => {
	await server?.stop();
});

// An old database: live 1.8.1 readings, the *NN history 1.8.1*01 written into the live series at the
// reset instant (2024-10-01 00:00 Europe/Berlin = 2024-09-30T22:00:00Z), a dated peak 1.6.2 (live and
// history at the same peak time), and what the new version wrote since: the same history under billing=1.
const OLD_DATABASE = [
	'meter,meter=house,obis=1.8.1,unit=kWh value=1000 1727733600',
	'meter,meter=house,obis=1.8.1,unit=kWh value=1100.5 1730383217',
	'meter,meter=house,obis=1.8.1,unit=kWh value=1200.25 1731506417',
	'meter,meter=house,obis=1.6.2,unit=kW value=4.2 1727010900',
	'meter,billing=1,meter=house,obis=1.8.1,unit=kWh value=1000 1727733600',
	'meter,billing=1,meter=house,obis=1.6.2,unit=kW value=4.2 1727010900',
	'meter,meter=garage,obis=1.8.1,unit=kWh value=7 1727733600',
].join('\n');

describe('the billing migration note in docs/schema.md, on InfluxDB 1.6.7', () => {
	it('is there, as one InfluxQL statement', () => {
		expect(migration?.trim()).toMatch(/^DELETE FROM "meter" WHERE .* AND time = '[^']+'$/);
	});

	it('removes the old history point from the live series and nothing else: live readings, the dated peak, the billing=1 series and other meters stay', async () => {
		await server.createDatabase('migration');
		await server.write('migration', OLD_DATABASE, 's');
		await server.query(migration as string, 'migration');
		const [series] = await server.query(
			'SELECT "value", "billing", "obis", "meter" FROM "meter" ORDER BY time',
			'migration',
			's',
		);
		const sorted = (rows: readonly unknown[][]) => rows.map((row) => JSON.stringify(row)).sort();
		const rows = (series?.values ?? []).map(([time, value, billing, obis, meter]) => [
			meter,
			obis,
			billing,
			time,
			value,
		]);
		expect(sorted(rows)).toEqual(
			sorted([
				['garage', '1.8.1', null, 1727733600, 7],
				['house', '1.6.2', '1', 1727010900, 4.2],
				['house', '1.6.2', null, 1727010900, 4.2],
				['house', '1.8.1', '1', 1727733600, 1000],
				['house', '1.8.1', null, 1730383217, 1100.5],
				['house', '1.8.1', null, 1731506417, 1200.25],
			]),
		);
	});
});
