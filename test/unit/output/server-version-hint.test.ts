import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import type {InfluxTarget} from '../../../src/output/influx-target.ts';
import {notFoundHint, probeServerVersion} from '../../../src/output/server-version-hint.ts';
import {freePort} from '../../helpers/free-port.ts';

const v2: InfluxTarget = {kind: 'v2', url: 'http://db:8086', org: 'home', bucket: 'meters', token: 't'};
const compat: InfluxTarget = {kind: 'v1-compat', url: 'http://db:8086', database: 'meters'};
const legacy: InfluxTarget = {kind: 'v1', url: 'http://db:8086', database: 'meters'};

describe('notFoundHint', () => {
	it('tells a 1.x server from the version 2 that was configured, and which version fits', () => {
		expect(notFoundHint(v2, '1.6.7')).toBe(
			' (the server is InfluxDB 1.6.7: set influxdb.version to "1" and name the database in influxdb.database)',
		);
		expect(notFoundHint(v2, '1.8.10')).toContain('set influxdb.version to "1.8"');
		expect(notFoundHint(compat, '1.7.11')).toContain('set influxdb.version to "1"');
	});

	it('tells a 2.x or 3.x server from a 1.x version configured', () => {
		expect(notFoundHint(legacy, 'v2.7.11')).toMatch(
			/^ \(the server is InfluxDB v2\.7\.11: set influxdb\.version to "2"/,
		);
		expect(notFoundHint(compat, '3.0.1')).toContain('set influxdb.version to "2"');
	});

	it('asks about the bucket or database when the version fits or is unknown', () => {
		expect(notFoundHint(v2, 'v2.7.11')).toBe(' (does bucket "meters" in org "home" exist?)');
		expect(notFoundHint(legacy, '1.6.7')).toBe(
			' (does database "meters" exist? CREATE DATABASE "meters" makes it)',
		);
		expect(notFoundHint(compat, '1.8.10')).toContain('does database "meters" exist?');
		expect(notFoundHint(v2, undefined)).toBe(' (does bucket "meters" in org "home" exist?)');
	});
});

describe('probeServerVersion', () => {
	let server: Server | undefined;
	afterEach(async () => {
		server?.closeAllConnections();
		await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
		server = undefined;
	});

	async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
		server = createServer(handler);
		await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	it('reads X-Influxdb-Version of /ping, below a proxy prefix', async () => {
		const paths: string[] = [];
		const url = await serve((request, response) => {
			paths.push(request.url ?? '');
			response.writeHead(204, {'X-Influxdb-Version': '1.6.7'}).end();
		});
		expect(await probeServerVersion(`${url}/influx/`)).toBe('1.6.7');
		expect(paths).toEqual(['/influx/ping']);
	});

	it('gives undefined for a server that does not say, and for none at all', async () => {
		const url = await serve((_request, response) => response.writeHead(204).end());
		expect(await probeServerVersion(url)).toBeUndefined();
		expect(await probeServerVersion(`http://127.0.0.1:${await freePort()}`)).toBeUndefined();
	});
});
