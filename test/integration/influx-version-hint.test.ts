import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {InfluxLineWriter} from '../../src/output/influx-line-writer.ts';
import {InfluxWriteError} from '../../src/output/influx-write-error.ts';
import {type InfluxdServer, startInfluxd} from '../helpers/influxd-server.ts';
import {serverBinary} from '../helpers/server-process.ts';

describe.skipIf(serverBinary('influxd', 'influxdb').skipReason !== undefined)(
	'a real influxd 1.6.7 configured as the wrong version',
	() => {
		let influxd: InfluxdServer;
		beforeAll(async () => {
			influxd = await startInfluxd();
			await influxd.createDatabase('meters');
		});
		afterAll(async () => {
			await influxd.stop();
		});

		it('answers version 2 with a 404 that names the server and the version to set', async () => {
			const writer = new InfluxLineWriter({
				kind: 'v2',
				url: influxd.url,
				org: 'home',
				bucket: 'meters',
				token: 't',
			});
			const error = await writer.send(['meter value=1 1700000000']).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(InfluxWriteError);
			expect((error as Error).message).toMatch(
				/HTTP 404: .*\(the server is InfluxDB 1\.6\.7\S*: set influxdb\.version to "1"/,
			);
		});

		it('asks for the database when version 1 is right and the database is missing', async () => {
			const writer = new InfluxLineWriter({kind: 'v1', url: influxd.url, database: 'nope'});
			const error = await writer.send(['meter value=1 1700000000']).catch((caught: unknown) => caught);
			expect((error as Error).message).toContain(
				'(does database "nope" exist? CREATE DATABASE "nope" makes it)',
			);
		});
	},
);
