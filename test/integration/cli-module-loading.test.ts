import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../../src/simulator/simulator-profiles.ts';
import {listenTcpLink} from '../../src/transport/tcp-server-link.ts';
import {runCli} from '../helpers/run-cli.ts';

/** 2026-11-16 12:00 UTC: a meter time well inside a billing month (its period has maxima). */
const MID_MONTH_MS = Date.UTC(2026, 10, 16, 12, 0, 0);
const fixtures = new URL('../fixtures/telegrams/', import.meta.url).pathname;

// A module hook, registered through NODE_OPTIONS, that appends every module URL the CLI loads to
// $MODULE_LOAD_LOG: what a command costs in memory is what it loads. A process the CLI forks (it has
// an IPC channel) records nothing: the log is the CLI's own.
const HOOKS = `import {appendFileSync} from 'node:fs';
export async function load(url, context, next) {
	appendFileSync(process.env.MODULE_LOAD_LOG, url + '\\n');
	return next(url, context);
}`;
const REGISTER = `import {register} from 'node:module';
if (process.channel === undefined) register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));`;

let directory: string;
let runs = 0;

async function modulesLoadedBy(args: readonly string[]): Promise<{code: number | null; modules: string[]}> {
	const log = join(directory, `modules-${runs++}.txt`);
	const run = await runCli(args, {
		env: {
			NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(REGISTER)}`,
			MODULE_LOAD_LOG: log,
		},
	});
	const modules = (await readFile(log, 'utf8')).trim().split('\n');
	return {code: run.code, modules};
}

const loads = (modules: readonly string[], part: string) => modules.some((url) => url.includes(part));

describe('the CLI loads what a command needs, as a process', () => {
	beforeAll(async () => {
		directory = await mkdtemp(join(tmpdir(), 'dlms-module-loading-'));
	});
	afterAll(async () => {
		await rm(directory, {recursive: true, force: true});
	});

	it('lists every command for --help (the recorder sees them all)', async () => {
		const {code, modules} = await modulesLoadedBy(['--help']);
		expect(code).toBe(0);
		for (const command of ['run', 'parse', 'read', 'backfill', 'simulate', 'ports', 'spool', 'check-config'])
			expect(loads(modules, `/dist/src/cli/${command}-command.js`), command).toBe(true);
	});

	it('parse loads neither another command, the collector, serialport nor the InfluxDB client', async () => {
		const {code, modules} = await modulesLoadedBy(['parse', `${fixtures}landisgyr-zmd120-c/input.bin`]);
		expect(code).toBe(0);
		expect(loads(modules, '/dist/src/cli/parse-command.js')).toBe(true);
		for (const part of [
			'/dist/src/cli/run-command.js',
			'/dist/src/cli/backfill-command.js',
			'/dist/src/cli/read-command.js',
			'/dist/src/daemon/collector.js',
			'/node_modules/serialport/',
			'/node_modules/@serialport/',
			'/node_modules/@influxdata/',
		])
			expect(loads(modules, part), part).toBe(false);
	});

	it('the collector of a simulated meter printing line protocol loads no serial binding, spool, InfluxDB client, archive or health server', async () => {
		const {code, modules} = await modulesLoadedBy(['run', '--once']);
		expect(code).toBe(0);
		expect(loads(modules, '/dist/src/daemon/collector.js')).toBe(true);
		expect(loads(modules, '/dist/src/daemon/simulated-port.js')).toBe(true);
		for (const part of [
			'/dist/src/cli/parse-command.js',
			'/dist/src/cli/read-command.js',
			'/node_modules/serialport/',
			'/node_modules/@serialport/',
			'/node_modules/@influxdata/',
			'/dist/src/output/line-spool.js',
			'/dist/src/output/history-ledger.js',
			'/dist/src/output/raw-archive.js',
			'/dist/src/observability/health-server.js',
		])
			expect(loads(modules, part), part).toBe(false);
	});

	it('the collector validates its configuration in a process of its own: no yaml or zod in its memory', async () => {
		const {code, modules} = await modulesLoadedBy(['run', '--once']);
		expect(code).toBe(0);
		expect(loads(modules, '/dist/src/cli/config-apart.js')).toBe(true);
		for (const part of [
			'/node_modules/yaml/',
			'/node_modules/zod/',
			'/dist/src/config/config-schema.js',
			'/dist/src/config/config-loader.js',
		])
			expect(loads(modules, part), part).toBe(false);
	});

	it('the collector of a meter on a port converts meter times without an Intl.DateTimeFormat', async () => {
		// The first Intl.DateTimeFormat makes about 7 MB of ICU data resident: count them in the CLI.
		const log = join(directory, 'date-time-formats.txt');
		const counter = `import {appendFileSync} from 'node:fs';
if (process.channel === undefined) {
	const count = () => appendFileSync(process.env.INTL_LOG, 'DateTimeFormat\\n');
	Intl.DateTimeFormat = new Proxy(Intl.DateTimeFormat, {
		construct: (target, args) => (count(), Reflect.construct(target, args)),
		apply: (target, self, args) => (count(), Reflect.apply(target, self, args)),
	});
}`;
		const listener = await listenTcpLink({host: '127.0.0.1', port: 0});
		// The meter's clock runs from the middle of a billing month: in a month's first hours its
		// running period has no maximum demand yet, and 1.6.1's stamp is a placeholder.
		const startedAt = Date.now();
		const simulator = new MeterSimulator(listener.link, {
			profile: createSimulatorProfile('zmd120', {timeZone: 'Europe/Berlin'}),
			reopen: true,
			clock: () => MID_MONTH_MS + (Date.now() - startedAt),
		});
		void simulator.start();
		try {
			const config = join(directory, 'tcp-meter.yaml');
			await writeFile(
				config,
				[
					'meters:',
					'  - id: house',
					`    port: tcp://127.0.0.1:${listener.address.port}`,
					'    timezone: Europe/Berlin',
					'',
				].join('\n'),
			);
			await writeFile(log, '');
			const run = await runCli(['run', '--once', '--config', config], {
				env: {NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(counter)}`, INTL_LOG: log},
			});
			expect(run.code, run.stderr).toBe(0);
			// The maximum demand (1.6.1) is stamped with the time the meter gives for it, in its zone.
			const stamp = (code: string) =>
				run.stdout
					.split('\n')
					.find((line) => line.includes(`,obis=${code},`))
					?.split(' ')[2];
			expect(stamp('1.8.0')).toMatch(/^\d+$/);
			expect(stamp('1.6.1')).toMatch(/^\d+$/);
			expect(stamp('1.6.1')).not.toBe(stamp('1.8.0'));
			expect(await readFile(log, 'utf8')).toBe('');
		} finally {
			await simulator.close();
			await listener.close();
		}
	});
});
