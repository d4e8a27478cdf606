import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Readable} from 'node:stream';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {
	describeReadout,
	protocolMode,
	type ReadFlags,
	runRead,
	standardRate,
} from '../../../src/cli/read-command.ts';
import type {ReadoutJson} from '../../../src/cli/readout-json.ts';
import {ReadoutError} from '../../../src/readout/readout-errors.ts';
import type {ReadoutResult} from '../../../src/readout/readout-session.ts';
import type {MeterSimulator} from '../../../src/simulator/meter-simulator.ts';
import type {SimulatorFault} from '../../../src/simulator/simulator-fault.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import type {MemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';
import {capturedIo} from '../../helpers/captured-io.ts';
import {settleWithFakeTimers, startSimulatedLine} from '../../helpers/fake-timer-meter.ts';
import {withHostTimeZone} from '../../helpers/host-time-zone.ts';

const IDENTIFICATION = '/LGZ52ZMD120APt.G03\r\n';
const defaults: ReadFlags = {format: 'table', verbose: false, mode: 'auto', ignoreBcc: false, wakeUp: false};

let pair: MemoryLinkPair;
let simulator: MeterSimulator | undefined;
let directory: string;

beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-read-'));
});
afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});
beforeEach(() => {
	vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
});
afterEach(async () => {
	await simulator?.close();
	simulator = undefined;
	vi.useRealTimers();
});

async function startMeter(profile = 'zmd120', faults: SimulatorFault[] = []): Promise<void> {
	({pair, simulator} = await startSimulatedLine(createSimulatorProfile(profile), {faults}));
}

/** Runs `read memory` to its end under fake timers, with the simulator on the other end of the line. */
async function read(flags: Partial<ReadFlags> = {}) {
	const io = capturedIo();
	const opened: string[] = [];
	const openLink = (port: string) => {
		opened.push(port);
		return pair.host;
	};
	const outcome = await settleWithFakeTimers(runRead('memory', {...defaults, ...flags}, io, {openLink}));
	const error = outcome instanceof Error ? outcome : undefined;
	return {stdout: io.out(), stderr: io.err(), error, opened};
}

describe('read, table output', () => {
	it('starts with the readout summary: place, mode, rate and time', async () => {
		await startMeter();
		const {stdout, error} = await read();
		expect(error).toBeUndefined();
		expect(stdout).toMatch(/^memory:host: mode C, 9600 Bd, \d+\.\d\d s \(sign-on \d+\.\d\d s, /);
	});

	it('follows the summary with the table of the telegram', async () => {
		await startMeter();
		const {stdout} = await read();
		const [, table] = stdout.split('\n', 2);
		expect(table).toMatch(/^\/LGZ52ZMD120APt\.G03 /);
		expect(stdout).toMatch(/1-1:1\.8\.1 +\d+ +kWh/);
	});

	it('writes nothing on stderr when the meter answered as announced', async () => {
		await startMeter();
		expect((await read()).stderr).toBe('');
	});

	it('opens the link for the port it was given', async () => {
		await startMeter();
		expect((await read()).opened).toEqual(['memory']);
	});
});

describe('read, rate switch guard', () => {
	it('waits --switch-guard ms after the ACK left the line before switching', async () => {
		await startMeter('zmd120');
		const {error} = await read({switchGuard: 60});
		expect(error).toBeUndefined();
		const ackSent = pair.events.find(
			(event) => event.side === 'host' && event.kind === 'sent' && event.bytes[0] === 0x06,
		);
		const switched = pair.events.find(
			(event) => event.side === 'host' && event.kind === 'baud' && event.baudRate === 9600,
		);
		expect((switched?.timeMs ?? 0) - (ackSent?.timeMs ?? 0)).toBeGreaterThanOrEqual(60);
		expect((switched?.timeMs ?? 0) - (ackSent?.timeMs ?? 0)).toBeLessThanOrEqual(62);
	});
});

describe('read, fallback', () => {
	it('says on stderr what worked when the meter did not answer as announced', async () => {
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'announced-rate'}]);
		const {stderr, error} = await read({baudMax: 4800});
		expect(error).toBeUndefined();
		expect(stderr).toMatch(
			/^memory: the meter did not answer as announced \(mode C at 4800 Bd: .*\); it worked in mode C at 9600 Bd\. Nothing is remembered/,
		);
	});

	it('reports the fallback in the JSON readout', async () => {
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'announced-rate'}]);
		const {stdout} = await read({format: 'json', baudMax: 4800});
		const {readout} = JSON.parse(stdout) as {readout: {fellBack: boolean; plan: unknown; fallback: unknown}};
		expect(readout.fellBack).toBe(true);
		expect(readout.plan).toEqual({mode: 'C', baudRate: 9600});
		expect(readout.fallback).toMatchObject({failed: {mode: 'C', baudRate: 4800}});
	});
});

describe('read, json output', () => {
	it('adds the readout with port, mode, rate, timings and fallback to the document', async () => {
		await startMeter();
		const {stdout} = await read({format: 'json'});
		const json = JSON.parse(stdout) as ReadoutJson & {readout: Record<string, unknown>};
		expect(json.readout).toMatchObject({port: 'memory', mode: 'C', baudRate: 9600, fellBack: false});
		expect(Object.keys(json.readout['timings'] as object).sort()).toEqual([
			'dataMs',
			'identificationMs',
			'signOnMs',
			'switchMs',
			'totalMs',
		]);
	});

	it('holds the telegram with its identification and a good BCC', async () => {
		await startMeter();
		const {stdout} = await read({format: 'json'});
		const json = JSON.parse(stdout) as ReadoutJson;
		expect(json.telegrams).toHaveLength(1);
		expect(json.telegrams[0]?.identification?.manufacturer).toBe('LGZ');
		expect(json.telegrams[0]?.check).toEqual({algorithm: 'bcc', ok: true});
		expect(json.telegrams[0]?.dataSets.map((set) => set.key)).toContain('1.8.1');
	});

	it('puts the summary on stderr so stdout stays JSON', async () => {
		await startMeter();
		const {stderr} = await read({format: 'json'});
		expect(stderr).toMatch(/^memory:host: mode C, 9600 Bd, /);
	});
});

describe('read, line protocol', () => {
	it('prints points of the meter measurement with the meter tag given', async () => {
		await startMeter();
		const {stdout} = await read({format: 'line-protocol', meter: 'house', timezone: 'Europe/Berlin'});
		const lines = stdout.trimEnd().split('\n');
		expect(lines.length).toBeGreaterThan(1);
		for (const line of lines) expect(line).toMatch(/^meter,(.*,)?meter=house(,|\s)/);
		expect(stdout).toMatch(/^meter,.*obis=1\.8\.1.* value=\d+(\.\d+)? \d{10}$/m);
	});

	it('writes only the selected codes', async () => {
		await startMeter();
		const {stdout} = await read({format: 'line-protocol', meter: 'house', timezone: 'UTC', select: '1.8.1'});
		const lines = stdout.trimEnd().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain('obis=1.8.1');
	});

	it('says once, on a UTC host without --timezone, that meter times are read as UTC and how to give the zone', async () => {
		await startMeter();
		const {stderr} = await withHostTimeZone('Etc/UTC', () => read({format: 'line-protocol', meter: 'house'}));
		expect(stderr.match(/meter times are read as UTC/g)).toHaveLength(1);
		expect(stderr).toContain('--timezone Europe/Berlin');
	});

	it('says nothing of the zone when one is given or the host keeps local time', async () => {
		await startMeter();
		const given = await withHostTimeZone('UTC', () =>
			read({format: 'line-protocol', meter: 'house', timezone: 'Europe/Berlin'}),
		);
		await simulator?.close();
		await startMeter();
		const local = await withHostTimeZone('Europe/Vienna', () =>
			read({format: 'line-protocol', meter: 'house'}),
		);
		for (const {stderr} of [given, local]) expect(stderr).not.toContain('read as UTC');
	});

	it('puts the summary on stderr', async () => {
		await startMeter();
		const {stderr} = await read({format: 'line-protocol', meter: 'house', timezone: 'UTC'});
		expect(stderr).toMatch(/^memory:host: mode C, 9600 Bd, /);
	});
});

describe('read --save-raw', () => {
	it('writes every byte received: the identification, then the data message', async () => {
		await startMeter();
		const file = join(directory, 'ok.bin');
		const {stderr, error} = await read({saveRaw: file});
		expect(error).toBeUndefined();
		const saved = await readFile(file);
		expect(saved.subarray(0, IDENTIFICATION.length).toString('latin1')).toBe(IDENTIFICATION);
		expect(saved.includes(0x02)).toBe(true);
		// STX … ETX BCC: the ETX is the last byte but one.
		expect(saved[saved.length - 2]).toBe(0x03);
		expect(stderr).toContain(`${file}: ${saved.length} bytes saved\n`);
	});

	it('writes the bytes received before a failure too', async () => {
		await startMeter('zmd120', [{kind: 'truncate', afterBytes: 40}]);
		const file = join(directory, 'failed.bin');
		const {error, stderr} = await read({saveRaw: file});
		expect(error).toBeInstanceOf(CliError);
		const saved = await readFile(file);
		expect(saved.subarray(0, IDENTIFICATION.length).toString('latin1')).toBe(IDENTIFICATION);
		expect(saved.length).toBeGreaterThan(IDENTIFICATION.length);
		expect(saved).toEqual(((error as CliError).cause as ReadoutError).received);
		expect(stderr).toContain(`${file}: ${saved.length} bytes saved\n`);
	});

	it('says so on stderr when the file cannot be written, and still prints the readout', async () => {
		await startMeter();
		const file = join(directory, 'missing', 'x.bin');
		const {stdout, stderr, error} = await read({saveRaw: file});
		expect(error).toBeUndefined();
		expect(stderr).toContain(`${file}: cannot save the raw bytes: no such file\n`);
		expect(stdout).toMatch(/^memory:host: mode C/);
	});
});

describe('read, failures', () => {
	it('fails with exit code 1 when the meter stays silent', async () => {
		await startMeter('zmd120', [{kind: 'silence'}]);
		const {error, stdout} = await read();
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).exitCode).toBe(EXIT_CODES.failed);
		expect((error as CliError).exitCode).toBe(1);
		expect(stdout).toBe('');
	});

	it('gives the no-answer advice and the hint for a silent meter', async () => {
		await startMeter('zmd120', [{kind: 'silence'}]);
		const error = (await read()).error as CliError;
		expect(error.message).toMatch(/^memory:host: /);
		expect(error.message).toContain('is the head on the optical port');
		expect(error.hint).toBe('a battery meter may need --wake-up; an addressed meter needs --address');
	});

	it('keeps the readout error as the cause', async () => {
		await startMeter('zmd120', [{kind: 'silence'}]);
		const error = (await read()).error as CliError;
		expect(error.cause).toBeInstanceOf(ReadoutError);
		expect((error.cause as ReadoutError).failure).toBe('no-answer');
	});

	it('suggests --ignore-bcc for a block the meter repeats byte for byte with the same wrong BCC', async () => {
		await startMeter('zmd120', [{kind: 'bad-bcc'}]);
		const error = (await read()).error as CliError;
		expect(error.exitCode).toBe(1);
		expect(error.hint).toBe(
			'the meter repeated the block byte for byte after a NAK, with the same BCC: this meter computes its BCC differently (a known fault, e.g. Itron ACE3000); read it with --ignore-bcc',
		);
	});

	it('calls a block that changed after the NAK line noise, without suggesting --ignore-bcc', async () => {
		await startMeter('zmd120', [{kind: 'noise-burst'}]);
		const error = (await read()).error as CliError;
		expect(error.message).toMatch(/BCC mismatch.*\(also after 1 NAK\)/);
		expect(error.hint).toMatch(
			/^the block looks damaged on the line \(the block changed between the two tries\)/,
		);
		expect(error.hint).not.toContain('--ignore-bcc');
	});

	it('reads a block with a wrong BCC under --ignore-bcc', async () => {
		await startMeter('zmd120', [{kind: 'bad-bcc'}]);
		const {error, stdout} = await read({ignoreBcc: true});
		expect(error).toBeUndefined();
		expect(stdout).toContain('BCC WRONG (ignored)');
	});

	it('refuses a bad --timezone as a usage error before opening the port', async () => {
		await startMeter();
		const {error, opened} = await read({timezone: 'Mars/Olympus'});
		expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
		expect(opened).toEqual([]);
	});

	it('turns a port that cannot be opened into a usage error naming it', async () => {
		const stdout = new PassThrough();
		const stderr = new PassThrough();
		const failure = runRead(
			'tcp://nowhere',
			defaults,
			{stdin: Readable.from([]), stdout, stderr},
			{
				openLink: () => {
					throw new TypeError('port must be a path or tcp://host:port');
				},
			},
		);
		await expect(failure).rejects.toMatchObject({
			name: 'CliError',
			exitCode: EXIT_CODES.usage,
			message: 'tcp://nowhere: port must be a path or tcp://host:port',
		});
	});
});

describe('read, mode D', () => {
	it('listens to a push meter and summarises the wait', async () => {
		await startMeter('push');
		const {stdout, error} = await read({mode: 'D'});
		expect(error).toBeUndefined();
		expect(stdout).toMatch(/^memory:host: mode D, 9600 Bd, \d+\.\d\d s \(waited \d+\.\d\d s\)\n/);
	});
});

describe('describeReadout', () => {
	function result(fields: Pick<ReadoutResult, 'place' | 'mode' | 'baudRate' | 'timings'>): ReadoutResult {
		// The summary reads only these four fields.
		return fields as ReadoutResult;
	}

	it('names the time of each phase of a mode C readout', () => {
		const timings = {signOnMs: 170, identificationMs: 400, switchMs: 200, dataMs: 1070, totalMs: 1840};
		expect(describeReadout(result({place: '/dev/ttyUSB0', mode: 'C', baudRate: 9600, timings}))).toBe(
			'/dev/ttyUSB0: mode C, 9600 Bd, 1.84 s (sign-on 0.17 s, identification 0.40 s, switch 0.20 s, data 1.07 s)',
		);
	});

	it('says how long it waited for a mode D push, with no handshake phases', () => {
		const timings = {signOnMs: 0, identificationMs: 0, switchMs: 0, dataMs: 1234, totalMs: 1250};
		expect(describeReadout(result({place: 'tcp://10.0.0.5:8888', mode: 'D', baudRate: 9600, timings}))).toBe(
			'tcp://10.0.0.5:8888: mode D, 9600 Bd, 1.25 s (waited 1.23 s)',
		);
	});
});

describe('read, --query-char', () => {
	it('refuses more than one character in words naming the flag, not the internal option', async () => {
		const {readCommand} = await import('../../../src/cli/read-command.ts');
		const io = capturedIo();
		const command = readCommand(io).exitOverride();
		let stderr = '';
		command.configureOutput({writeErr: (text) => (stderr += text)});
		expect(() => command.parse(['memory', '--query-char', 'ab'], {from: 'user'})).toThrow();
		expect(stderr).toContain(
			"option '--query-char <char>' argument 'ab' is invalid. expected one character other than / ! or a line break, e.g. ? or #",
		);
		expect(stderr).not.toContain('queryChar');
	});
});

describe('read options', () => {
	it('takes --mode in either case, as config.yaml does', () => {
		expect(protocolMode('c')).toBe('C');
		expect(protocolMode('AUTO')).toBe('auto');
		expect(() => protocolMode('e')).toThrow('choose one of auto, A, B, C, D');
	});

	it('takes only the rates of the standard as --baud-max', () => {
		expect(standardRate('19200')).toBe(19200);
		expect(() => standardRate('9601')).toThrow(
			'expected one of the rates of IEC 62056-21: 300, 600, 1200, 2400, 4800, 9600, 19200 (Bd)',
		);
	});
});
