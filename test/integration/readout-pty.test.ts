import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ReadoutError} from '../../src/readout/readout-errors.ts';
import type {ReadoutOptions} from '../../src/readout/readout-options.ts';
import {readMeter} from '../../src/readout/readout-session.ts';
import {createCapturedTelegramProfile} from '../../src/simulator/captured-telegram-profile.ts';
import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import type {SimulatorFault} from '../../src/simulator/simulator-fault.ts';
import type {SimulatorProfile} from '../../src/simulator/simulator-profile.ts';
import {createSimulatorProfile} from '../../src/simulator/simulator-profiles.ts';
import {SerialLink} from '../../src/transport/serial-link.ts';
import {hasSocat, openPtyPair, type PtyPair} from '../helpers/pty-pair.ts';
import {runCli} from '../helpers/run-cli.ts';
import {damagingStx} from '../helpers/stx-damaging-link.ts';

const fixtures = new URL('../fixtures/telegrams/', import.meta.url).pathname;

/**
 * Real parts: the native serialport binding on one end of a socat pty pair, our simulator on the
 * other. A pty ignores baud rates, so these tests prove the conversation and the byte handling on a
 * real tty; rate mismatches are covered with the in-memory line (unit tests).
 */
describe.skipIf(!hasSocat())('readout over a socat pty pair', () => {
	let pty: PtyPair;
	let simulator: MeterSimulator | undefined;

	beforeEach(async () => {
		pty = await openPtyPair();
	});
	afterEach(async () => {
		await simulator?.close();
		simulator = undefined;
		await pty.close();
	});

	/**
	 * Paced, hearing the host only after its line time as on a real line, so the meter hears the end of
	 * the ACK when a real one would. Unless told `fullLineTime`, it sends its own messages at once
	 * (`sendAtOnce`): a pty passes bytes at once whatever rate is set, so the conversation, the bytes and
	 * the errors these cases assert do not depend on how long the meter's messages take, and a ZMD120
	 * readout takes about 0.8 s instead of 2.4 s. Cases about line time (a slow meter against the
	 * inter-character timeout) send at 10 bits a character. The slow 300 Bd profile (mode A, no switch)
	 * runs unpaced, or its telegram would take minutes.
	 */
	async function meter(
		profile: SimulatorProfile,
		faults: SimulatorFault[] = [],
		{fullLineTime = false} = {},
	) {
		const paced = profile.name !== 'slow-300';
		simulator = new MeterSimulator(new SerialLink({path: pty.meterPath}), {
			profile,
			faults,
			paced,
			sendAtOnce: !fullLineTime,
		});
		await simulator.start();
	}

	const read = (options: ReadoutOptions = {}) =>
		readMeter(new SerialLink({path: pty.hostPath}), {dataTimeoutMs: 3000, ...options});

	it('reads the smarthomeNG dlms plugin example ZMD120 in mode C', async () => {
		await meter(createSimulatorProfile('zmd120'));
		const result = await read();
		expect(result.mode).toBe('C');
		expect(result.check.ok).toBe(true);
		expect(result.parsed.dataSets.map((set) => set.key)).toEqual(
			expect.arrayContaining(['0.0.0', '1.6.1', '1.8.1', '2.8.0', 'C.3.4', 'F.F']),
		);
		expect(simulator?.hostErrors).toEqual([]);
	});

	it('reads a mode A meter without an ACK', async () => {
		await meter(createSimulatorProfile('slow-300'));
		const result = await read();
		expect(result.mode).toBe('A');
		expect(result.parsed.dataSets.length).toBeGreaterThan(150);
	});

	it('reads a mode B meter (the Siemens 2WR5 capture) without an ACK', async () => {
		const bytes = await readFile(join(fixtures, 'siemens-2wr5-b/input.bin'));
		await meter(createCapturedTelegramProfile(bytes, {place: 'siemens-2wr5-b'}));
		const result = await read();
		expect(result.mode).toBe('B');
		expect(result.baudRate).toBe(2400);
		expect(result.parsed.dataSets.map((set) => set.key)).toContain('6.8');
	});

	it('listens to a mode D push meter', async () => {
		await meter(createSimulatorProfile('push', {pushIntervalMs: 500}));
		const result = await read({mode: 'D', pushTimeoutMs: 5000});
		expect(result.mode).toBe('D');
		expect(result.identification?.ident).toBe('Q3DA1004 V3.04');
	});

	it('reads through noise and an echoing head', async () => {
		await meter(createSimulatorProfile('zmd120'), [{kind: 'noise-prefix'}, {kind: 'echo'}]);
		const result = await read();
		expect(result.check.ok).toBe(true);
	});

	it('refuses a wrong BCC after one NAK', async () => {
		await meter(createSimulatorProfile('zmd120'), [{kind: 'bad-bcc'}]);
		const error = await read().catch((caught: unknown) => caught);
		expect((error as ReadoutError).failure).toBe('block-check');
	});

	it('NAKs a data message whose STX the line damaged, and reads the repetition at 9600 Bd', async () => {
		// A 20 ms meter with a short message, so the case costs about a second.
		const text = '0.0.0(80921334)\r\n1.8.0(0012345.678*kWh)\r\n!\r\n\x03';
		const bcc = Buffer.from(text, 'latin1').reduce((check, byte) => check ^ byte, 0);
		const profile: SimulatorProfile = {
			name: 'mt174-short',
			description: 'Iskra MT174 identification, two registers',
			identification: '/ISk5MT174-0001',
			dataMessage: () => Buffer.concat([Buffer.from(`\x02${text}`, 'latin1'), Buffer.of(bcc)]),
		};
		const line = damagingStx(new SerialLink({path: pty.meterPath}), {becomes: 0x82});
		simulator = new MeterSimulator(line, {profile, paced: true});
		await simulator.start();
		const result = await read();
		expect(line.damaged).toBe(1);
		expect(result.plan).toEqual({mode: 'C', baudRate: 9600});
		expect(result.fellBack).toBe(false);
		expect(result.check.ok).toBe(true);
		expect(simulator.log.filter((entry) => entry.kind === 'sent' && entry.message === 'repeat')).toHaveLength(
			1,
		);
	});

	it('never parses a truncated block', async () => {
		await meter(createSimulatorProfile('zmd120'), [{kind: 'truncate'}]);
		const error = await read({interCharacterTimeoutMs: 300}).catch((caught: unknown) => caught);
		expect((error as ReadoutError).failure).toBe('truncated');
	});

	it('says no answer for a silent meter', async () => {
		await meter(createSimulatorProfile('zmd120'), [{kind: 'silence'}]);
		const error = await read({identificationTimeoutMs: 500}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ReadoutError);
		expect((error as ReadoutError).failure).toBe('no-answer');
	});

	it('keeps reading a meter that sends slowly', async () => {
		await meter(createSimulatorProfile('zmd120'), [{kind: 'slow-bytes', delayMs: 2}], {fullLineTime: true});
		const result = await read({interCharacterTimeoutMs: 500});
		expect(result.check.ok).toBe(true);
	});

	it('reports the meter hanging up mid-telegram', async () => {
		await meter(createSimulatorProfile('zmd120'), [{kind: 'hang-up'}]);
		const error = await read({interCharacterTimeoutMs: 500}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ReadoutError);
		expect(['link', 'truncated']).toContain((error as ReadoutError).failure);
	});

	it('prints the readout with `dlms-logger read` as a separate process', async () => {
		await meter(createSimulatorProfile('zmd120'));
		const run = await runCli(['read', pty.hostPath, '--format', 'json']);
		expect(run.stderr).toMatch(/mode C, 9600 Bd/);
		expect(run.code).toBe(0);
		const json = JSON.parse(run.stdout) as {
			readout: {mode: string};
			telegrams: {dataSets: {key: string}[]}[];
		};
		expect(json.readout.mode).toBe('C');
		expect(json.telegrams[0]?.dataSets.some((set) => set.key === '1.8.1')).toBe(true);
	});

	it('serves readouts with `dlms-logger simulate` as a separate process', async () => {
		const {spawn} = await import('node:child_process');
		const {CLI_PATH} = await import('../helpers/run-cli.ts');
		const child = spawn(
			process.execPath,
			[CLI_PATH, 'simulate', '--serial', pty.meterPath, '--profile', 'zmd120'],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		try {
			// Wait until the simulator has the port open.
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error('simulate did not start')), 10_000);
				const ready = (chunk: Buffer) => {
					if (/simulating/.test(chunk.toString())) {
						clearTimeout(timer);
						resolve();
					}
				};
				child.stdout.on('data', ready);
				child.stderr.on('data', ready);
			});
			const result = await read();
			expect(result.identification?.ident).toBe('2ZMD120APt.G03');
			expect(result.check.ok).toBe(true);
		} finally {
			child.kill('SIGTERM');
			const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
			expect(code).toBe(0);
		}
	});

	it('exits 1 with one line naming the port when nothing answers', async () => {
		const run = await runCli(['read', pty.hostPath]);
		expect(run.code).toBe(1);
		expect(run.stderr.split('\n')[0]).toMatch(
			new RegExp(
				`^dlms-logger: ${pty.hostPath}: identification: no identification after the sign-on: no answer; is the head on the optical port`,
			),
		);
	});

	it('names a missing port and what to do', async () => {
		const run = await runCli(['read', '/dev/does-not-exist']);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(
			/^dlms-logger: \/dev\/does-not-exist: open: no such port: is the IR head plugged in\?/,
		);
	});
});
