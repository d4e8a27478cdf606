import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {createServer, type IncomingMessage} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	backfillSpoolDirectory,
	collectorSpoolDirectory,
	InfluxBackfillTarget,
	isLoopbackUrl,
} from '../../../src/backfill/backfill-target.ts';
import {parseConfig} from '../../../src/config/config-loader.ts';
import {fieldTypeConflict, startFakeInfluxWrite} from '../../helpers/fake-influx-write.ts';
import {freePort} from '../../helpers/free-port.ts';

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-backfill-target-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

/** A configuration of one meter writing to InfluxDB 1.x database `meters` at `url`, and its influxdb section. */
async function configWithInflux(url: string) {
	const loaded = await parseConfig(
		`influxdb:\n  url: ${url}\n  version: "1"\n  database: meters\nmeters:\n  - id: house\n    port: /dev/null\n`,
		join(directory, 'config.yaml'),
	);
	const influx = loaded.config.influxdb;
	if (influx === undefined) throw new Error('no influxdb section');
	return {loaded, influx};
}

describe('backfillSpoolDirectory', () => {
	it('the collector spool directory resolves from the configuration file', () => {
		const config = {spool: {directory: './data/spool'}} as Parameters<typeof collectorSpoolDirectory>[0];
		expect(collectorSpoolDirectory(config, '/etc/dlms')).toBe('/etc/dlms/data/spool');
	});

	it("lies beside the collector's spool, never in it", () => {
		const config = {spool: {directory: './data/spool'}} as Parameters<typeof backfillSpoolDirectory>[0];
		expect(backfillSpoolDirectory(config, '/etc/dlms')).toBe('/etc/dlms/data/spool-backfill');
		const absolute = {spool: {directory: '/var/lib/dlms/spool'}} as Parameters<
			typeof backfillSpoolDirectory
		>[0];
		expect(backfillSpoolDirectory(absolute, '/etc/dlms')).toBe('/var/lib/dlms/spool-backfill');
	});
});

describe('InfluxBackfillTarget', () => {
	it('keeps what an unreachable server did not take, and a second backfill on the same spool is refused', async () => {
		// Port 9 on loopback: nothing listens, every send fails at once.
		const {loaded, influx} = await configWithInflux('http://127.0.0.1:9');
		const spool = join(directory, 'spool-backfill');
		const target = await InfluxBackfillTarget.open({loaded, influx, directory: spool});
		await expect(InfluxBackfillTarget.open({loaded, influx, directory: spool})).rejects.toThrow(/is in use/);
		await target.sink.write([
			{measurement: 'meter', tags: {meter: 'house', obis: '1.8.1'}, fields: {value: 1}, time: new Date(0)},
		]);
		expect(await target.drain({stallMs: 300})).toBe(false);
		expect(target.pendingBytes).toBeGreaterThan(0);
		await target.close();
		// The next backfill finds the point in its spool.
		const next = await InfluxBackfillTarget.open({loaded, influx, directory: spool});
		expect(next.pendingBytes).toBeGreaterThan(0);
		await next.close();
	});
});

describe('InfluxBackfillTarget under a refusal retrying cannot fix', () => {
	it('stops waiting at once on a 404 (no such database), in the drain and while the spool is full', async () => {
		const server = await startFakeInfluxWrite(() => ({status: 404, error: 'database not found: "meters"'}));
		try {
			const {loaded, influx} = await configWithInflux(server.url);
			const target = await InfluxBackfillTarget.open({
				loaded,
				influx,
				directory: join(directory, 'spool-backfill'),
				highWaterBytes: 10,
			});
			await target.sink.writeText(Buffer.from('meter,meter=house,obis=1.8.1 value=1 1\n'));
			const startedAt = Date.now();
			expect(await target.drain({stallMs: 30_000})).toBe(false);
			expect(Date.now() - startedAt).toBeLessThan(5000);
			expect(target.sink.lastFailure?.status).toBe(404);
			await expect(target.waitForRoom()).rejects.toThrow(/HTTP 404: .*database not found/);
			await target.close();
			expect(target.pendingPoints).toBe(1);
		} finally {
			await server.close();
		}
	});
});

describe('InfluxBackfillTarget before a server that refuses history as bad data', () => {
	it('counts the history set aside as done: the next backfill does not send it again', async () => {
		const refused = 'meter,billing=1,meter=house,obis=1.8.1 value=100 1735689600';
		const stored = 'meter,billing=1,meter=house,obis=1.8.1 value=200 1738368000';
		const server = await startFakeInfluxWrite((lines) =>
			lines.includes(refused) ? fieldTypeConflict(1) : {status: 204},
		);
		try {
			const {loaded, influx} = await configWithInflux(server.url);
			const spool = join(directory, 'spool-backfill');
			const first = await InfluxBackfillTarget.open({loaded, influx, directory: spool});
			expect(first.selectHistory('house', [refused, stored])).toEqual([0, 1]);
			await first.sink.writeText(Buffer.from(`${refused}\n${stored}\n`));
			expect(await first.drain({stallMs: 5000})).toBe(true);
			await first.close();
			expect(server.stored).toEqual([stored]);
			expect(await readFile(join(spool, 'dead-letter.lp'), 'utf8')).toContain(refused);

			const next = await InfluxBackfillTarget.open({loaded, influx, directory: spool});
			expect(next.selectHistory('house', [refused, stored])).toEqual([]);
			await next.close();
		} finally {
			await server.close();
		}
	});
});

describe('InfluxBackfillTarget with the server away', () => {
	it('keeps waiting for room while the server is down, saying so, and the failure tells why', async () => {
		const {loaded, influx} = await configWithInflux(`http://127.0.0.1:${await freePort()}`);
		const target = await InfluxBackfillTarget.open({
			loaded,
			influx,
			directory: join(directory, 'spool-backfill'),
			highWaterBytes: 10,
		});
		await target.sink.writeText(Buffer.from('meter,meter=house,obis=1.8.1 value=1 1\n'));
		let waits = 0;
		await target.waitForRoom(AbortSignal.timeout(400), () => waits++);
		expect(waits).toBeGreaterThan(1);
		expect(target.sink.lastFailure?.disposition).toBe('retry');
		expect(target.sink.lastFailure?.message).toMatch(/connection refused/);
		await target.close();
	});
});

describe('isLoopbackUrl', () => {
	it('tells a server on this machine from one elsewhere', () => {
		for (const url of [
			'http://localhost:8086',
			'http://127.0.0.1:8086',
			'https://127.1.2.3',
			'http://[::1]:8086',
		])
			expect(isLoopbackUrl(url), url).toBe(true);
		for (const url of [
			'http://influx.lan:8086',
			'https://192.168.1.5:8086',
			'http://127.0.0.1.example.org',
			'nonsense',
		])
			expect(isLoopbackUrl(url), url).toBe(false);
	});
});

describe('InfluxBackfillTarget bodies', () => {
	it('sends a server on this machine plain bodies, not gzip', async () => {
		const requests: {encoding: string | undefined; body: string}[] = [];
		const server = createServer((request: IncomingMessage, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				requests.push({
					encoding: request.headers['content-encoding'],
					body: Buffer.concat(chunks).toString('utf8'),
				});
				response.writeHead(204).end();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const {port} = server.address() as AddressInfo;
			const {loaded, influx} = await configWithInflux(`http://127.0.0.1:${port}`);
			const target = await InfluxBackfillTarget.open({
				loaded,
				influx,
				directory: join(directory, 'spool-backfill'),
			});
			// Far above the writer's 1000-byte gzip threshold.
			const lines = Array.from(
				{length: 100},
				(_, index) => `meter,meter=house,obis=1.8.1 value=${index} ${index}`,
			);
			await target.sink.writeText(Buffer.from(`${lines.join('\n')}\n`));
			expect(await target.drain({stallMs: 5000})).toBe(true);
			await target.close();
			expect(requests).toEqual([{encoding: undefined, body: lines.join('\n')}]);
		} finally {
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
