import {spawn} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import {describe, expect, it} from 'vitest';
import {CLI_PATH, runCli} from '../helpers/run-cli.ts';

const fixtures = new URL('../fixtures/telegrams/', import.meta.url).pathname;

describe('dlms-logger parse, as a process', () => {
	it('prints the smarthomeNG dlms plugin example sample and exits 0', async () => {
		const run = await runCli(['parse', `${fixtures}landisgyr-zmd120-c/input.bin`]);
		expect(run.code).toBe(0);
		expect(run.stdout).toMatch(/1-1:1\.6\.2 +24\.31 +kW +2016-05-04 13:45:00/);
		expect(run.stderr).toBe('');
	});

	it('reads a capture piped into stdin', async () => {
		const bytes = await readFile(`${fixtures}easymeter-q3d-d/input.bin`);
		const run = await runCli(['parse', '-', '--format', 'json'], {stdin: bytes});
		expect(run.code).toBe(0);
		const json = JSON.parse(run.stdout) as {telegrams: {framing: string; identification: {ident: string}}[]};
		expect(json.telegrams[0]?.framing).toBe('push');
		expect(json.telegrams[0]?.identification.ident).toBe('Q3DA1004 V3.04');
	});

	it('exits 1 with one line naming the file and the cause on a wrong BCC', async () => {
		const file = `${fixtures}itron-ace3000-c/input.bin`;
		const run = await runCli(['parse', file]);
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		const [first, ...rest] = run.stderr.trimEnd().split('\n');
		expect(first).toBe(`dlms-logger: ${file}: BCC mismatch: computed 0x4D, received 0x46; no values printed`);
		expect(rest).toEqual([expect.stringMatching(/^hint: .*--ignore-bcc/)]);
	});

	it('ends quietly with exit 0 when the reader of its output has gone (`| head`)', async () => {
		const child = spawn(
			process.execPath,
			[CLI_PATH, 'parse', '-f', 'json', `${fixtures}landisgyr-zmd120-c/input.bin`],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		// Closed before the first write: every write of the child meets EPIPE.
		child.stdout.destroy();
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		const code = await new Promise((resolve) => child.on('close', resolve));
		expect(stderr).not.toContain('EPIPE');
		expect(code).toBe(0);
	});

	it('ends quietly with exit 0 when stderr goes to the same closed pipe (`2>&1 | head`)', async () => {
		// Many telegrams: stdout is still being written when the reader goes; at the end a warning (text
		// registers not written) goes to stderr, which has gone as well.
		const telegram = await readFile(`${fixtures}landisgyr-zmd120-c/input.bin`);
		const child = spawn(
			process.execPath,
			[CLI_PATH, 'parse', '-f', 'line-protocol', '--read-at', '2024-01-01T00:00:00Z', '-'],
			{stdio: ['pipe', 'pipe', 'pipe']},
		);
		child.stdin.on('error', () => undefined);
		child.stdin.end(Buffer.concat(Array.from({length: 300}, () => telegram)));
		child.stdout.once('data', () => {
			child.stdout.destroy();
			child.stderr.destroy();
		});
		const code = await new Promise((resolve) => child.on('close', resolve));
		expect(code).toBe(0);
	});

	it('exits 2 on a usage error', async () => {
		const run = await runCli(['parse', '--format', 'xml', 'x']);
		expect(run.code).toBe(2);
		expect(run.stderr).toContain("argument 'xml' is invalid");
	});

	it('answers --help on the program and on parse', async () => {
		const top = await runCli(['--help']);
		expect(top.code).toBe(0);
		expect(top.stdout).toMatch(/parse \[options\] \[file\]/);
		const parse = await runCli(['parse', '--help']);
		expect(parse.code).toBe(0);
		for (const option of ['--format', '--verbose', '--timezone', '--ignore-bcc']) {
			expect(parse.stdout).toContain(option);
		}
	});

	it('prints its version', async () => {
		const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
			version: string;
		};
		const run = await runCli(['--version']);
		expect(run.stdout.trim()).toBe(manifest.version);
	});
});
