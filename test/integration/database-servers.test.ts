import {existsSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type InfluxdServer, startInfluxd} from '../helpers/influxd-server.ts';
import {hasDockerEngine, type InfluxDb2Container, startInfluxDb2} from '../helpers/influxdb2-container.ts';
import {serverBinary} from '../helpers/server-process.ts';
import {startVictoriaMetrics, type VictoriaMetricsServer} from '../helpers/victoria-metrics-server.ts';

// Two readouts' worth of points: a register stamped in 2016 (billing history is years old and must not be
// dropped by any retention), a billing-period value and a status text stamped in 2023.
const LINES = [
	'meter,meter=m1,obis=1.8.1 value=12345.678 1451649600',
	'meter,meter=m1,obis=1.8.1*01 value=12000.5 1454284800',
	'meter,meter=m1,obis=1.8.1 value=13001.25 1700000000',
	'meter,meter=m1,obis=F.F text="00000000" 1700000000',
].join('\n');

function processIsGone(pid: number) {
	try {
		process.kill(pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}

function title(name: string, skipReason: string | undefined) {
	return skipReason === undefined ? name : `${name} (skipped: ${skipReason})`;
}

const influxd = serverBinary('influxd', 'influxdb');
const victoriaMetrics = serverBinary('victoria-metrics', 'victoria-metrics');
const dockerEngine = await hasDockerEngine();

describe.skipIf(influxd.skipReason !== undefined)(title('influxd 1.6.7', influxd.skipReason), () => {
	let server: InfluxdServer | undefined;
	const db = 'meters';
	const readBack = async () =>
		await (server as InfluxdServer).query('SELECT "value", "text" FROM "meter" GROUP BY "obis"', db, 's');
	const expected = [
		{
			name: 'meter',
			tags: {obis: '1.8.1'},
			columns: ['time', 'value', 'text'],
			values: [
				[1451649600, 12345.678, null],
				[1700000000, 13001.25, null],
			],
		},
		{
			name: 'meter',
			tags: {obis: '1.8.1*01'},
			columns: ['time', 'value', 'text'],
			values: [[1454284800, 12000.5, null]],
		},
		{
			name: 'meter',
			tags: {obis: 'F.F'},
			columns: ['time', 'value', 'text'],
			values: [[1700000000, null, '00000000']],
		},
	];

	beforeAll(async () => {
		server = await startInfluxd();
		await server.createDatabase(db);
		const response = await fetch(`${server.url}/write?db=${db}&precision=s`, {method: 'POST', body: LINES});
		expect(response.status).toBe(204);
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('answers /ping with 204 and its version header', async () => {
		const response = await fetch(`${server?.url}/ping`);
		expect(response.status).toBe(204);
		expect(response.headers.get('x-influxdb-version')).toMatch(/^1\.6\./);
	});

	it('returns points written with precision=s exactly, 2016 included', async () => {
		expect(await readBack()).toEqual(expected);
	});

	it('reads a seconds timestamp as nanoseconds when precision is missing', async () => {
		const response = await fetch(`${server?.url}/write?db=${db}`, {
			method: 'POST',
			body: 'no_precision value=1 1451649600',
		});
		expect(response.status).toBe(204);
		const series = await server?.query('SELECT "value" FROM "no_precision"', db);
		expect(series?.[0]?.values).toEqual([['1970-01-01T00:00:01.4516496Z', 1]]);
	});

	it('answers 404 "database not found" for a database nobody created', async () => {
		const response = await fetch(`${server?.url}/write?db=nope&precision=s`, {method: 'POST', body: LINES});
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({error: 'database not found: "nope"'});
	});

	it('has no /api/v2/write (that arrived in 1.8), so the writer must use /write', async () => {
		const response = await fetch(`${server?.url}/api/v2/write?bucket=${db}&precision=s`, {
			method: 'POST',
			body: LINES,
		});
		await response.body?.cancel();
		expect(response.status).toBe(404);
	});

	it('keeps its data and port across restart()', async () => {
		const before = server as InfluxdServer;
		const {port, pid} = before;
		await before.restart();
		expect(before.port).toBe(port);
		expect(before.pid).not.toBe(pid);
		expect(processIsGone(pid)).toBe(true);
		expect(await readBack()).toEqual(expected);
	});

	it('leaves no process and no temp dir after stop()', async () => {
		const other = await startInfluxd();
		const {pid, dir} = other;
		await other.stop();
		expect(processIsGone(pid)).toBe(true);
		expect(existsSync(dir)).toBe(false);
	});
});

describe.skipIf(victoriaMetrics.skipReason !== undefined)(
	title('victoria-metrics', victoriaMetrics.skipReason),
	() => {
		let server: VictoriaMetricsServer | undefined;
		const sorted = (series: Awaited<ReturnType<VictoriaMetricsServer['export']>>) =>
			series.toSorted((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
		const expectedV2 = [
			{metric: {__name__: 'meter_text', meter: 'm1', obis: 'F.F'}, values: [0], timestamps: [1700000000000]},
			{
				metric: {__name__: 'meter_value', meter: 'm1', obis: '1.8.1'},
				values: [12345.678, 13001.25],
				timestamps: [1451649600000, 1700000000000],
			},
			{
				metric: {__name__: 'meter_value', meter: 'm1', obis: '1.8.1*01'},
				values: [12000.5],
				timestamps: [1454284800000],
			},
		];

		beforeAll(async () => {
			server = await startVictoriaMetrics();
			const response = await fetch(`${server.url}/api/v2/write?org=o&bucket=b&precision=s`, {
				method: 'POST',
				body: LINES,
			});
			expect(response.status).toBe(204);
		});
		afterAll(async () => {
			await server?.stop();
		});

		it('turns /api/v2/write lines into metrics measurement_field with tags as labels, 2016 kept', async () => {
			// org and bucket are accepted and ignored: they add no label.
			expect(sorted((await server?.export('{__name__=~"meter_.+"}')) ?? [])).toEqual(expectedV2);
		});

		it('stores a string field as the number 0, so text fields are lost', async () => {
			const [text] = (await server?.export('meter_text')) ?? [];
			expect(text?.values).toEqual([0]);
		});

		it('accepts the 1.x /write too and adds the db parameter as a label', async () => {
			const response = await fetch(`${server?.url}/write?db=legacy&precision=s`, {
				method: 'POST',
				body: 'legacy,meter=m2 value=1.5 1451649600',
			});
			expect(response.status).toBe(204);
			expect(await server?.export('legacy_value')).toEqual([
				{
					metric: {__name__: 'legacy_value', db: 'legacy', meter: 'm2'},
					values: [1.5],
					timestamps: [1451649600000],
				},
			]);
		});

		it('answers PromQL over the written history', async () => {
			const data = await server?.query('meter_value{obis="1.8.1"}', 1451649600);
			expect(data).toEqual({
				resultType: 'vector',
				result: [
					{metric: {__name__: 'meter_value', meter: 'm1', obis: '1.8.1'}, value: [1451649600, '12345.678']},
				],
			});
		});

		it('keeps its data and port across restart()', async () => {
			const before = server as VictoriaMetricsServer;
			const {port, pid} = before;
			await before.restart();
			expect(before.port).toBe(port);
			expect(processIsGone(pid)).toBe(true);
			expect(sorted(await before.export('{__name__=~"meter_.+"}'))).toEqual(expectedV2);
		});

		it('leaves no process and no temp dir after stop()', async () => {
			const other = await startVictoriaMetrics();
			const {pid, dir} = other;
			await other.stop();
			expect(processIsGone(pid)).toBe(true);
			expect(existsSync(dir)).toBe(false);
		});
	},
);

// Docker is optional everywhere, CI included (it has no engine): the CI=true rule covers the apt servers only.
describe.skipIf(!dockerEngine)(
	title('influxdb:2 in a container', dockerEngine ? undefined : 'no Docker engine'),
	() => {
		let container: InfluxDb2Container | undefined;

		beforeAll(async () => {
			container = await startInfluxDb2();
		}, 180_000);
		afterAll(async () => {
			await container?.stop();
		});

		it('rejects /api/v2/write without a token', async () => {
			const response = await fetch(
				`${container?.url}/api/v2/write?org=${container?.org}&bucket=${container?.bucket}&precision=s`,
				{method: 'POST', body: LINES},
			);
			await response.body?.cancel();
			expect(response.status).toBe(401);
		});

		it('returns points written to /api/v2/write with precision=s exactly, 2016 included', async () => {
			await container?.write(LINES, 's');
			const series = await container?.query('SELECT "value" FROM "meter" WHERE "obis" = \'1.8.1\'', 's');
			expect(series).toEqual([
				{
					name: 'meter',
					columns: ['time', 'value'],
					values: [
						[1451649600, 12345.678],
						[1700000000, 13001.25],
					],
				},
			]);
		});
	},
);
