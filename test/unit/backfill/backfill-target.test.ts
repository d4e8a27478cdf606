import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	backfillSpoolDirectory,
	collectorSpoolDirectory,
	InfluxBackfillTarget,
} from '../../../src/backfill/backfill-target.ts';
import {parseConfig} from '../../../src/config/config-loader.ts';

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-backfill-target-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

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
		const loaded = await parseConfig(
			'influxdb:\n  url: http://127.0.0.1:9\n  version: "1"\n  database: meters\nmeters:\n  - id: house\n    port: /dev/null\n',
			join(directory, 'config.yaml'),
		);
		const influx = loaded.config.influxdb;
		if (influx === undefined) throw new Error('no influxdb section');
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
