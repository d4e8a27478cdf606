import {Writable} from 'node:stream';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {chooseProfile, simulateCommand} from '../../../src/cli/simulate-command.ts';
import {hostTimeZone} from '../../../src/daemon/host-time-zone.ts';
import {encodeOptionSelect} from '../../../src/iec62056/option-select.ts';
import {encodeRequest} from '../../../src/iec62056/request-message.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {createMemoryLinkPair, type MemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';
import {listenAsHost} from '../../helpers/meter-host.ts';

const ZMD_FIXTURE = fileURLToPath(
	new URL('../../fixtures/telegrams/landisgyr-zmd120-c/input.bin', import.meta.url),
);

function sink() {
	let text = '';
	const stream = new Writable({
		write(chunk, _encoding, done) {
			text += String(chunk);
			done();
		},
	});
	return {stream, text: () => text};
}

function setUp() {
	const pair = createMemoryLinkPair();
	const stdout = sink();
	const stderr = sink();
	const controller = new AbortController();
	const command = (extra: {tcp?: boolean} = {}) =>
		simulateCommand(
			{stdout: stdout.stream, stderr: stderr.stream},
			{
				signal: controller.signal,
				openSerial: (path) => {
					expect(path).toBe('/dev/pts/9');
					return pair.meter;
				},
				...(extra.tcp
					? {
							listenTcp: async (address: {host: string; port: number}) => ({
								link: pair.meter,
								address,
								close: async () => undefined,
							}),
						}
					: {}),
			},
		)
			.exitOverride()
			.configureOutput({writeOut: () => undefined, writeErr: () => undefined});
	return {pair, stdout, controller, command};
}

/** Runs a readout from the host side of `pair` and returns what the host received. */
async function readOut(pair: MemoryLinkPair) {
	await pair.host.open(SIGN_ON_SETTINGS);
	const host = listenAsHost(pair.host);
	await pair.host.write(encodeRequest());
	await vi.advanceTimersByTimeAsync(210);
	await pair.host.write(encodeOptionSelect({protocolControl: '0', baudChar: '5', modeControl: '0'}));
	await pair.host.setBaudRate(9600);
	await vi.advanceTimersByTimeAsync(210);
	return host;
}

beforeEach(() => {
	vi.useFakeTimers({now: new Date('2026-03-16T10:00:00Z')});
});

afterEach(() => {
	vi.useRealTimers();
});

describe('dlms-logger simulate', () => {
	it('lists the profiles and faults', async () => {
		const {command, stdout} = setUp();
		await command().parseAsync(['--list-profiles'], {from: 'user'});
		expect(stdout.text()).toMatch(/^profiles:\n {2}zmd120 /);
		expect(stdout.text()).toContain('slow-300');
		expect(stdout.text()).toContain('wrong-rate[=initial-rate|announced-rate|other-rate]');
	});

	it('serves the zmd120 on a serial port until the signal aborts', async () => {
		const {command, pair, stdout, controller} = setUp();
		const run = command().parseAsync(['--serial', '/dev/pts/9'], {from: 'user'});
		// The command loads its simulator lazily: a module import, which fake timers do not drive, and
		// which under load can take longer than one timer turn.
		await vi.waitFor(() => expect(pair.meter.isOpen).toBe(true));
		const host = await readOut(pair);
		expect(host.ofKind('data-block')[0]?.check.ok).toBe(true);
		controller.abort();
		await run;
		expect(stdout.text()).toContain('simulating zmd120 (/LGZ52ZMD120APt.G03, mode C) on memory:meter');
		expect(stdout.text()).toContain('<- request "/?!\\r\\n" (300 Bd)');
		expect(stdout.text()).toContain('stopped (aborted)');
		expect(pair.meter.isOpen).toBe(false);
	});

	it('serves a captured telegram byte for byte, with faults from --fault', async () => {
		const {command, pair, controller} = setUp();
		const run = command({tcp: true}).parseAsync(
			['--tcp', '127.0.0.1:8888', '--telegram', ZMD_FIXTURE, '--fault', 'bad-bcc=0x00'],
			{from: 'user'},
		);
		// Reading the capture is real file I/O, which fake timers do not drive.
		await vi.waitFor(() => expect(pair.meter.isOpen).toBe(true));
		const host = await readOut(pair);
		const [block] = host.ofKind('data-block');
		expect(block?.check).toMatchObject({ok: false, received: 0});
		expect(block?.text).toContain('1-1:0.0.0(50871031)');
		controller.abort();
		await run;
	});

	it('refuses a command line without exactly one of --serial and --tcp', async () => {
		const {command} = setUp();
		const error = await command()
			.parseAsync([], {from: 'user'})
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(CliError);
		expect(error).toMatchObject({
			exitCode: EXIT_CODES.usage,
			message: expect.stringMatching(/exactly one of --serial/),
		});
	});

	it('names the known profiles for an unknown --profile, and rejects --profile with --telegram', async () => {
		const {command} = setUp();
		await expect(
			command().parseAsync(['--serial', '/dev/pts/9', '--profile', 'nope'], {from: 'user'}),
		).rejects.toThrow(/known: zmd120/);
		await expect(
			command().parseAsync(['--serial', '/dev/pts/9', '--profile', 'push', '--telegram', ZMD_FIXTURE], {
				from: 'user',
			}),
		).rejects.toThrow(/either --profile or --telegram/);
	});

	it('rejects a bad --fault, --tcp or --timezone', async () => {
		const {command} = setUp();
		await expect(
			command().parseAsync(['--serial', 'x', '--fault', 'gremlins'], {from: 'user'}),
		).rejects.toThrow(/unknown fault "gremlins"/);
		await expect(command().parseAsync(['--tcp', 'nowhere'], {from: 'user'})).rejects.toThrow(/HOST:PORT/);
		await expect(
			command().parseAsync(['--serial', 'x', '--timezone', 'Moon'], {from: 'user'}),
		).rejects.toThrow(/--timezone/);
	});
});

describe('simulate --telegram', () => {
	it('says a missing capture as parse and backfill say it', async () => {
		await expect(
			chooseProfile({
				profile: 'zmd120',
				fault: [],
				listProfiles: false,
				telegram: '/nonexistent/capture.bin',
			}),
		).rejects.toThrow(new CliError('/nonexistent/capture.bin: cannot read: no such file'));
	});
});

describe('the simulated meter clock', () => {
	const at = Date.UTC(2026, 6, 1, 12, 0, 0);
	it("runs in the host's zone by default, the zone read and parse assume", async () => {
		const profile = await chooseProfile({profile: 'zmd120', fault: [], listProfiles: false});
		const expected = createSimulatorProfile('zmd120', {timeZone: hostTimeZone()});
		expect(profile.dataMessage(at).equals(expected.dataMessage(at))).toBe(true);
	});

	it('runs in the zone given', async () => {
		const profile = await chooseProfile({
			profile: 'zmd120',
			fault: [],
			listProfiles: false,
			timezone: 'Asia/Tokyo',
		});
		// 0.9.1 is the meter's time of day: 21:00 in Tokyo at 12:00 UTC.
		expect(profile.dataMessage(at).toString('latin1')).toContain('0.9.1(210000)');
	});
});
