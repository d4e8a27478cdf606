import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {showSpool, spoolCommand} from '../../../src/cli/spool-command.ts';
import {LineSpool} from '../../../src/output/line-spool.ts';
import {capturedIo} from '../../helpers/captured-io.ts';

let cwd: string;
beforeEach(async () => {
	cwd = await mkdtemp(join(tmpdir(), 'dlms-spool-cmd-'));
});
afterEach(async () => {
	await rm(cwd, {recursive: true, force: true});
});

async function show(format: 'table' | 'json') {
	const io = capturedIo();
	await showSpool({format}, io, {env: {}, cwd});
	return io.out();
}

const config = [
	'influxdb:',
	'  url: http://db:8086',
	'  org: home',
	'  bucket: meters',
	'  token_env: INFLUX_TOKEN',
	'spool:',
	'  directory: ./spool',
	'meters:',
	'  - id: house',
	'    port: /dev/ttyUSB0',
].join('\n');

describe('dlms-logger spool', () => {
	it('shows unsent points, bytes, times, dead letters and the target while a collector holds the spool, without the token', async () => {
		await writeFile(join(cwd, 'config.yaml'), config);
		const spool = await LineSpool.open({directory: join(cwd, 'spool')});
		await spool.append(['meter value=1 1700000000', 'meter value=2 1700000060']);
		await spool.deadLetter(['meter value="x" 1700000000'], 'HTTP 400: field type conflict');
		const table = await show('table');
		expect(table).toContain(`spool         ${join(cwd, 'spool')}\n`);
		expect(table).toContain('target        http://db:8086 (bucket meters)\n');
		expect(table).toMatch(
			new RegExp(`collector     pid ${process.pid} on \\S+, since \\S+ \\(running\\)\\n`),
		);
		expect(table).toContain('unsent        2 points, 50 bytes\n');
		expect(table).toContain('oldest point  2023-11-14T22:13:20.000Z\n');
		expect(table).toContain('newest point  2023-11-14T22:14:20.000Z\n');
		expect(table).toContain('dead letters  1 line\n');
		expect(table).toMatch(/ {2}1 line \(\S+\): HTTP 400: field type conflict\n/);
		const json = JSON.parse(await show('json')) as Record<string, unknown>;
		expect(json).toMatchObject({
			unsentPoints: 2,
			unsentBytes: 50,
			target: 'http://db:8086 (bucket meters)',
			owner: {pid: process.pid, running: true},
			deadLetters: {lines: 1},
		});
		await spool.close();
	});

	it("shows the backfill's spool beside the collector's when there is one, and how to send what waits there", async () => {
		await writeFile(join(cwd, 'config.yaml'), config);
		expect(await show('table')).not.toContain('backfill');
		expect(JSON.parse(await show('json'))).toMatchObject({backfill: null});
		const spool = await LineSpool.open({directory: join(cwd, 'spool-backfill')});
		await spool.append(['meter value=1 1700000000']);
		await spool.close();
		const table = await show('table');
		expect(table).toContain(`\nbackfill spool  ${join(cwd, 'spool-backfill')}\n`);
		expect(table).toContain('backfill        none holds the spool\n');
		expect(table).toContain('unsent          1 point, 25 bytes\n');
		expect(table).toContain('(sent by the next backfill, or now with: dlms-logger backfill --resend)');
		const json = JSON.parse(await show('json')) as {backfill: Record<string, unknown>; unsentPoints: number};
		expect(json.unsentPoints).toBe(0);
		expect(json.backfill).toMatchObject({
			directory: join(cwd, 'spool-backfill'),
			unsentPoints: 1,
			unsentBytes: 25,
		});
	});

	it('shows the points dropped unsent at spool.max_size, after the collector stopped', async () => {
		await writeFile(join(cwd, 'config.yaml'), config);
		const spool = await LineSpool.open({directory: join(cwd, 'spool'), maxBytes: 1024});
		const line = (value: number) => `meter,obis=1.8.1 value=${value} ${1_700_000_000 + value}`;
		await spool.append(Array.from({length: 40}, (_, value) => line(value)));
		await spool.append([line(100), line(101)]);
		await spool.close();
		const table = await show('table');
		expect(table).toMatch(
			/^dropped +\d+ points at spool\.max_size since \S+, never sent \(last \d+ at \S+\)$/m,
		);
		const json = JSON.parse(await show('json'));
		expect(json.dropped.lines).toBeGreaterThan(0);
	});

	it('says when there is no spool yet and points go to stdout', async () => {
		await writeFile(join(cwd, 'config.yaml'), 'meters:\n  - id: house\n    port: /dev/ttyUSB0\n');
		const table = await show('table');
		expect(table).toContain('(does not exist yet)');
		expect(table).toContain('target        none: no influxdb section');
		expect(table).toContain('unsent        0 points, 0 bytes\n');
	});

	it('says in one line when the spool directory is a file, as other commands word it (exit 1)', async () => {
		await writeFile(join(cwd, 'config.yaml'), config);
		await writeFile(join(cwd, 'spool'), 'not a directory');
		await expect(show('table')).rejects.toMatchObject({
			exitCode: EXIT_CODES.failed,
			message: `${join(cwd, 'spool')}: cannot read: a file where the path needs a directory`,
		});
	});

	it('refuses to run without a configuration (exit 78) instead of showing some spool as empty', async () => {
		await expect(show('table')).rejects.toMatchObject({
			exitCode: EXIT_CODES.config,
			message: expect.stringMatching(/^no configuration: /),
		});
	});

	it('takes the configuration as -c FILE or as FILE', async () => {
		await writeFile(join(cwd, 'other.yaml'), config);
		for (const args of [['-c', 'other.yaml'], ['other.yaml']]) {
			const io = capturedIo();
			await spoolCommand(io, {env: {}, cwd}).exitOverride().parseAsync(args, {from: 'user'});
			expect(io.out(), args.join(' ')).toContain(`spool         ${join(cwd, 'spool')}`);
		}
	});

	it('takes -f json and refuses other formats', async () => {
		const io = capturedIo();
		const command = spoolCommand(io, {env: {}, cwd}).exitOverride();
		command.configureOutput({writeErr: () => undefined});
		await expect(command.parseAsync(['-f', 'xml'], {from: 'user'})).rejects.toThrow(
			/choose one of table, json/,
		);
	});
});
