import {describe, expect, it} from 'vitest';
import {embeddedConfig} from '../../../src/daemon/embedded-config.ts';

describe('embeddedConfig', () => {
	it('reads the simulated ZMD120 every 10 s and prints to stdout without InfluxDB variables', async () => {
		const {config, file} = await embeddedConfig({});
		expect(file).toBe('');
		expect(config.meters).toEqual([
			expect.objectContaining({id: 'demo-zmd120', port: 'simulator:zmd120', every: 10_000}),
		]);
		expect(config.influxdb).toBeUndefined();
	});

	it('writes to InfluxDB 2 when INFLUX_URL and friends are set, the token from the environment', async () => {
		const {config, secrets} = await embeddedConfig({
			INFLUX_URL: 'http://localhost:8086',
			INFLUX_ORG: 'home',
			INFLUX_BUCKET: 'meters',
			INFLUX_TOKEN: 'secret',
		});
		expect(config.influxdb).toMatchObject({
			url: 'http://localhost:8086',
			version: '2',
			org: 'home',
			bucket: 'meters',
		});
		expect(secrets.token).toBe('secret');
	});

	it('writes to InfluxDB 1.x with INFLUX_VERSION=1 and INFLUX_DATABASE', async () => {
		const {config} = await embeddedConfig({
			INFLUX_URL: 'http://localhost:8086',
			INFLUX_VERSION: '1',
			INFLUX_DATABASE: 'db',
		});
		expect(config.influxdb).toMatchObject({version: '1', database: 'db'});
	});
});
