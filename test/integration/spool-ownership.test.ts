import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {DaemonProcess} from '../helpers/daemon-process.ts';
import {freePort} from '../helpers/free-port.ts';
import {type InfluxdServer, startInfluxd} from '../helpers/influxd-server.ts';
import {serverBinary} from '../helpers/server-process.ts';

/** A collector of one simulated meter, every second, JSON logs, spool in ./spool of `directory`. */
function collectorConfig(meter: string, url: string): string {
	return [
		'influxdb:',
		`  url: ${url}`,
		'  version: "1"',
		'  database: meters',
		'spool:',
		'  directory: ./spool',
		'log:',
		'  format: json',
		'meters:',
		`  - id: ${meter}`,
		'    port: simulator:zmd120',
		'    every: 1s',
	].join('\n');
}

describe.skipIf(serverBinary('influxd', 'influxdb').skipReason !== undefined)(
	'one collector per spool directory',
	() => {
		let directory: string;
		const daemons: DaemonProcess[] = [];

		beforeEach(async () => {
			directory = await mkdtemp(join(tmpdir(), 'dlms-spool-owner-'));
		});
		afterEach(async () => {
			for (const daemon of daemons.splice(0)) {
				if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
				await daemon.exited;
			}
			await rm(directory, {recursive: true, force: true});
		});

		function start(config: string, extraArgs: readonly string[] = []): DaemonProcess {
			const daemon = new DaemonProcess(config, directory, extraArgs);
			daemons.push(daemon);
			return daemon;
		}

		it('refuses a second collector on the same spool directory: exit 1, naming the directory and the first pid', async () => {
			const url = `http://127.0.0.1:${await freePort()}`;
			await writeFile(join(directory, 'm1.yaml'), collectorConfig('m1', url));
			await writeFile(join(directory, 'm2.yaml'), collectorConfig('m2', url));
			const first = start(join(directory, 'm1.yaml'));
			await first.waitFor(/"msg":"collector started/, 1);

			const second = start(join(directory, 'm2.yaml'));
			const {code} = await second.exited;
			expect(code).toBe(1);
			expect(second.stderr).toContain(join(directory, 'spool'));
			expect(second.stderr).toContain(`pid ${first.child.pid}`);
			expect(second.stderr).not.toContain('unexpected error');

			// The first one is untouched and still owns the directory.
			await first.waitFor(/"msg":"m1: read \d+ points"/, 1);
			const lock = JSON.parse(await readFile(join(directory, 'spool', 'spool.lock'), 'utf8')) as {
				pid: number;
			};
			expect(lock.pid).toBe(first.child.pid);
			expect((await first.stop()).code).toBe(0);
			expect(existsSync(join(directory, 'spool', 'spool.lock'))).toBe(false);
		});

		it('takes over the lock of a collector killed with SIGKILL and delivers everything it had spooled', async () => {
			const influxd: InfluxdServer = await startInfluxd();
			try {
				await influxd.createDatabase('meters');
				await influxd.pause();
				const config = join(directory, 'config.yaml');
				await writeFile(config, collectorConfig('m1', influxd.url));
				const killed = start(config);
				await killed.waitFor(/"msg":"m1: read \d+ points"/, 2, 40_000);
				killed.child.kill('SIGKILL');
				await killed.exited;
				const readByKilled = killed.count(/"msg":"m1: read \d+ points"/);
				const stale = JSON.parse(await readFile(join(directory, 'spool', 'spool.lock'), 'utf8')) as {
					pid: number;
				};
				expect(stale.pid).toBe(killed.child.pid);

				await influxd.resume();
				const next = start(config, ['--once']);
				const {code} = await next.exited;
				expect(next.stderr).toMatch(/took over the lock of pid \d+/);
				expect(code).toBe(0);
				const [rows] = await influxd.query(
					`SELECT "value" FROM "meter" WHERE "meter" = 'm1' AND "obis" = '1.8.1'`,
					'meters',
				);
				// Every readout the killed collector logged, plus the one of `--once`.
				expect(rows?.values.length ?? 0).toBeGreaterThanOrEqual(readByKilled + 1);
				expect(existsSync(join(directory, 'spool', 'spool.lock'))).toBe(false);
			} finally {
				await influxd.stop();
			}
		}, 90_000);
	},
);
