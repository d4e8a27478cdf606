import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {ReadoutError} from '../../../src/readout/readout-errors.ts';
import type {ReadoutOptions} from '../../../src/readout/readout-options.ts';
import {type ReadoutResult, readMeter} from '../../../src/readout/readout-session.ts';
import type {MeterSimulator} from '../../../src/simulator/meter-simulator.ts';
import type {MeterSimulatorOptions} from '../../../src/simulator/meter-simulator-options.ts';
import type {SimulatorProfile} from '../../../src/simulator/simulator-profile.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import type {Link} from '../../../src/transport/link.ts';
import type {
	MemoryLinkPair,
	MemoryLinkPairOptions,
	WireEvent,
} from '../../../src/transport/memory-link-pair.ts';
import {settleWithFakeTimers, startSimulatedLine} from '../../helpers/fake-timer-meter.ts';

// §8c of docs/iec62056-21.md, handshake and timing cases 7–11, 13 and 17, on the paced in-memory line:
// every byte takes its 10 bits of line time at the sender's rate, so pair.events carries real line times.

const ACK = 0x06;
const STX = 0x02;

let pair: MemoryLinkPair;
let simulator: MeterSimulator | undefined;

beforeEach(() => {
	vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
});
afterEach(async () => {
	await simulator?.close();
	simulator = undefined;
	vi.useRealTimers();
});

async function startMeter(
	profile: SimulatorProfile,
	options: Omit<MeterSimulatorOptions, 'profile'> = {},
	line: MemoryLinkPairOptions = {},
): Promise<MeterSimulator> {
	({pair, simulator} = await startSimulatedLine(profile, options, line));
	return simulator;
}

/** Runs a readout to its end under fake timers; returns the result or the error. */
async function read(
	options: ReadoutOptions = {},
	link: Link = pair.host,
	stepMs = 100,
): Promise<ReadoutResult | ReadoutError> {
	return (await settleWithFakeTimers(readMeter(link, options), 10_000, stepMs)) as
		| ReadoutResult
		| ReadoutError;
}

function expectResult(outcome: ReadoutResult | ReadoutError): ReadoutResult {
	if (outcome instanceof Error) throw outcome;
	return outcome;
}

/** The first event matching, or a test failure naming what was missing. */
function findEvent<Kind extends WireEvent['kind']>(
	what: string,
	predicate: (event: WireEvent) => event is Extract<WireEvent, {kind: Kind}>,
): Extract<WireEvent, {kind: Kind}> {
	const found = pair.events.find(predicate);
	if (found === undefined) throw new Error(`no ${what} in the wire events`);
	return found;
}

const isHostAckWrite = (event: WireEvent): event is Extract<WireEvent, {kind: 'write'}> =>
	event.side === 'host' && event.kind === 'write' && event.bytes[0] === ACK;
const isHostAckSent = (event: WireEvent): event is Extract<WireEvent, {kind: 'sent'}> =>
	event.side === 'host' && event.kind === 'sent' && event.bytes[0] === ACK;
const isHostSwitch = (event: WireEvent): event is Extract<WireEvent, {kind: 'baud'}> =>
	event.side === 'host' && event.kind === 'baud' && event.baudRate !== 300;
const isMeterDataWrite = (event: WireEvent): event is Extract<WireEvent, {kind: 'write'}> =>
	event.side === 'meter' && event.kind === 'write' && event.bytes[0] === STX;

/** The smarthomeNG dlms plugin example ZMD120 telegram behind another identification (mode, rate and reaction time follow from it). */
function zmd120As(identification: string): SimulatorProfile {
	return {...createSimulatorProfile('zmd120'), name: 'test', identification};
}

describe('readMeter timing, 20 ms meters (§8c 7)', () => {
	it('is at the new rate before a 20 ms meter starts its data', async () => {
		await startMeter(zmd120As('/ISk5MT174-0001'));
		const result = expectResult(await read());
		expect(result.identification?.reactionTimeMs).toBe(20);
		expect(result.baudRate).toBe(9600);
		const ackSent = findEvent('ACK on the wire', isHostAckSent);
		const switched = findEvent('host rate switch', isHostSwitch);
		const dataStarts = findEvent('meter data', isMeterDataWrite);
		// The meter starts 20 ms after the last bit of the ACK; the host switched in between.
		expect(dataStarts.timeMs - ackSent.timeMs).toBe(20);
		expect(switched.timeMs).toBeGreaterThanOrEqual(ackSent.timeMs);
		expect(switched.timeMs).toBeLessThan(dataStarts.timeMs);
		expect(simulator?.hostErrors).toEqual([]);
	});

	it('loses no data byte of a 20 ms meter to the rate switch', async () => {
		await startMeter(zmd120As('/ISk5MT174-0001'));
		const result = expectResult(await read());
		const afterIdentification = result.raw.subarray(result.raw.indexOf(STX));
		expect(afterIdentification.some((byte) => byte > 0x7f)).toBe(false);
		expect(result.check).toMatchObject({algorithm: 'bcc', ok: true});
	});
});

describe('readMeter timing, echoes and noise (§8c 8, 9)', () => {
	it('skips the echo of its own request before the identification', async () => {
		await startMeter(createSimulatorProfile('zmd120'), {faults: [{kind: 'echo'}]});
		const result = expectResult(await read());
		expect(result.raw.subarray(0, 5).toString('latin1')).toBe('/?!\r\n');
		expect(result.identification?.manufacturer).toBe('LGZ');
	});

	it('skips the echo of its own ACK before the data block', async () => {
		await startMeter(createSimulatorProfile('zmd120'), {faults: [{kind: 'echo'}]});
		const result = expectResult(await read());
		const text = result.raw.toString('latin1');
		// The simulated head echoes each character once it has arrived, so the echo trails by one
		// character time: its CR LF are still on the line when the meter switches (garbled, skipped as noise).
		const echo = text.indexOf('\x06050');
		expect(echo).toBeGreaterThan(text.indexOf('ZMD120'));
		expect(echo).toBeLessThan(text.indexOf('\x02'));
		expect(result.check.ok).toBe(true);
		expect(simulator?.hostErrors).toEqual([]);
	});

	it('skips NUL and DEL bytes before the identification', async () => {
		await startMeter(createSimulatorProfile('zmd120'), {faults: [{kind: 'noise-prefix', bytes: 12}]});
		const result = expectResult(await read());
		expect([...result.raw.subarray(0, 4)]).toEqual([0x00, 0x7f, 0x00, 0x7f]);
		expect(result.identification?.ident).toBe('2ZMD120APt.G03');
		expect(result.check.ok).toBe(true);
	});

	it('skips its own wake-up NULs echoed back by the head', async () => {
		await startMeter(createSimulatorProfile('zmd120'), {faults: [{kind: 'echo'}]});
		const result = expectResult(await read({wakeUp: true}));
		expect(result.raw[0]).toBe(0x00);
		expect(result.check.ok).toBe(true);
	});
});

describe('readMeter timing, wake-up (§8c 10)', () => {
	it('sends NULs for 2.1–2.3 s, then keeps quiet for 1.5–1.7 s before the request', async () => {
		await startMeter(createSimulatorProfile('zmd120'));
		expectResult(await read({wakeUp: true}));
		const hostWrites = pair.events.filter(
			(event): event is Extract<WireEvent, {kind: 'write' | 'sent'}> =>
				event.side === 'host' && (event.kind === 'write' || event.kind === 'sent'),
		);
		const [nulWrite, nulSent, requestWrite] = hostWrites;
		expect(nulWrite?.kind).toBe('write');
		expect(nulWrite?.bytes.every((byte) => byte === 0)).toBe(true);
		expect(nulSent?.kind).toBe('sent');
		expect(requestWrite?.bytes.toString('latin1')).toBe('/?!\r\n');
		const nulMs = (nulSent?.timeMs ?? 0) - (nulWrite?.timeMs ?? 0);
		const quietMs = (requestWrite?.timeMs ?? 0) - (nulSent?.timeMs ?? 0);
		expect(nulMs).toBeGreaterThanOrEqual(2100);
		expect(nulMs).toBeLessThanOrEqual(2300);
		expect(quietMs).toBeGreaterThanOrEqual(1500);
		expect(quietMs).toBeLessThanOrEqual(1700);
	});

	it('sends no NULs without wakeUp', async () => {
		await startMeter(createSimulatorProfile('zmd120'));
		expectResult(await read());
		const firstWrite = pair.events.find((event) => event.side === 'host' && event.kind === 'write');
		expect(firstWrite?.kind === 'write' && firstWrite.bytes.toString('latin1')).toBe('/?!\r\n');
	});
});

describe('readMeter timing, USB adapter latency (§8c 11)', () => {
	it('switches only once the ACK is on the wire behind 300 ms of adapter buffering', async () => {
		await startMeter(createSimulatorProfile('zmd120'), {}, {latencyMs: 300});
		const result = expectResult(await read());
		const ackWrite = findEvent('ACK write', isHostAckWrite);
		const ackSent = findEvent('ACK on the wire', isHostAckSent);
		const switched = findEvent('host rate switch', isHostSwitch);
		// 300 ms in the adapter, then 6 characters at 300 Bd = 200 ms on the wire.
		expect(ackSent.timeMs - ackWrite.timeMs).toBe(500);
		expect(switched.timeMs).toBeGreaterThanOrEqual(ackSent.timeMs);
		expect(result.check.ok).toBe(true);
		expect(simulator?.hostErrors).toEqual([]);
	});

	it('adds settleMs after the drain before switching', async () => {
		await startMeter(createSimulatorProfile('zmd120'), {}, {latencyMs: 300});
		expectResult(await read({settleMs: 50}));
		const ackSent = findEvent('ACK on the wire', isHostAckSent);
		const switched = findEvent('host rate switch', isHostSwitch);
		// The guard (one character at 300 Bd, 33.3 ms) and then the settle time.
		expect(switched.timeMs - ackSent.timeMs).toBeGreaterThanOrEqual(83);
		expect(switched.timeMs - ackSent.timeMs).toBeLessThanOrEqual(85);
	});

	it('waits for the ACK wire time even when drain() returns at once (pty, USB FIFO)', async () => {
		// drain() of a pty or a USB adapter with its own FIFO returns before the bytes are on the line.
		await startMeter(createSimulatorProfile('zmd120'), {}, {drainWaitsForLine: false});
		expectResult(await read());
		const ackWrite = findEvent('ACK write', isHostAckWrite);
		const switched = findEvent('host rate switch', isHostSwitch);
		expect(switched.timeMs - ackWrite.timeMs).toBeGreaterThanOrEqual(200);
		expect(simulator?.hostErrors).toEqual([]);
	});
});

describe('readMeter timing, the guard after the ACK', () => {
	it('switches one character time at 300 Bd (33 ms) after the ACK left, for a 200 ms meter', async () => {
		await startMeter(createSimulatorProfile('zmd120'));
		const result = expectResult(await read());
		expect(result.identification?.reactionTimeMs).toBe(200);
		const ackSent = findEvent('ACK on the wire', isHostAckSent);
		const switched = findEvent('host rate switch', isHostSwitch);
		expect(switched.timeMs - ackSent.timeMs).toBeGreaterThanOrEqual(33);
		expect(switched.timeMs - ackSent.timeMs).toBeLessThanOrEqual(35);
	});

	it('switches half the reaction time (10 ms) after the ACK left, for a 20 ms meter', async () => {
		await startMeter(zmd120As('/ISk5MT174-0001'));
		expectResult(await read());
		const ackSent = findEvent('ACK on the wire', isHostAckSent);
		const switched = findEvent('host rate switch', isHostSwitch);
		expect(switched.timeMs - ackSent.timeMs).toBeGreaterThanOrEqual(10);
		expect(switched.timeMs - ackSent.timeMs).toBeLessThanOrEqual(12);
	});

	it('takes the guard from switchGuardMs', async () => {
		await startMeter(createSimulatorProfile('zmd120'));
		expectResult(await read({switchGuardMs: 80}));
		const ackSent = findEvent('ACK on the wire', isHostAckSent);
		const switched = findEvent('host rate switch', isHostSwitch);
		expect(switched.timeMs - ackSent.timeMs).toBeGreaterThanOrEqual(80);
		expect(switched.timeMs - ackSent.timeMs).toBeLessThanOrEqual(82);
	});

	it('keeps the whole ACK when drain() returns at once and the adapter holds the bytes 16 ms', async () => {
		// An FTDI adapter's default latency timer is 16 ms; its driver's drain() does not wait for the line.
		await startMeter(createSimulatorProfile('zmd120'), {}, {latencyMs: 16, drainWaitsForLine: false});
		const result = expectResult(await read());
		expect(result.baudRate).toBe(9600);
		expect(result.fellBack).toBe(false);
		const ackSent = findEvent('ACK on the wire', isHostAckSent);
		const switched = findEvent('host rate switch', isHostSwitch);
		expect(switched.timeMs).toBeGreaterThan(ackSent.timeMs);
		expect(simulator?.hostErrors).toEqual([]);
	});

	it('keeps the whole ACK of a 20 ms meter behind 5 ms of adapter latency', async () => {
		await startMeter(zmd120As('/ISk5MT174-0001'), {}, {latencyMs: 5, drainWaitsForLine: false});
		const result = expectResult(await read());
		expect(result.baudRate).toBe(9600);
		expect(result.fellBack).toBe(false);
		expect(simulator?.hostErrors).toEqual([]);
	});
});

describe('readMeter over a link that cannot switch rates (raw TCP bridge)', () => {
	/** The host end as a ser2net-style raw bridge sees it: fixed at its configured rate. */
	function fixedRate(host: Link): Link {
		return {
			place: 'tcp://bridge:2000',
			canSetBaudRate: false,
			get isOpen() {
				return host.isOpen;
			},
			open: (settings, signal) => host.open(settings, signal),
			write: (bytes) => host.write(bytes),
			drain: () => host.drain(),
			setBaudRate: async () => undefined,
			onData: (listener) => host.onData(listener),
			onClose: (listener) => host.onClose(listener),
			close: () => host.close(),
		};
	}

	it('asks a mode C meter to stay at the start rate, so the whole readout runs at 300 Bd', async () => {
		await startMeter(createSimulatorProfile('zmd120'));
		const result = expectResult(await read({}, fixedRate(pair.host)));
		expect(result.mode).toBe('C');
		expect(result.baudRate).toBe(300);
		const ack = pair.events.find(isHostAckWrite);
		expect(ack?.bytes.toString('latin1')).toBe('\x06000\r\n');
		expect(result.check.ok).toBe(true);
		expect(simulator?.hostErrors).toEqual([]);
	});
});

describe('readMeter timing, device address (§8c 13)', () => {
	it('sends the configured device address in the request', async () => {
		await startMeter(createSimulatorProfile('zmd120'), {address: '12345678'});
		const result = expectResult(await read({address: '12345678'}));
		const request = pair.events.find((event) => event.side === 'host' && event.kind === 'write');
		expect(request?.kind === 'write' && request.bytes.toString('latin1')).toBe('/?12345678!\r\n');
		expect(result.check.ok).toBe(true);
	});

	it('gets no answer from a meter that requires its address when the request has none', async () => {
		// Most meters answer a request without an address too (IEC 62056-21); some (EMH ITZ) only their own.
		await startMeter(createSimulatorProfile('zmd120'), {address: '12345678', addressRequired: true});
		const error = await read();
		expect(error).toBeInstanceOf(ReadoutError);
		expect((error as ReadoutError).failure).toBe('no-answer');
		expect((error as ReadoutError).phase).toBe('identification');
		expect(simulator?.log.some((entry) => entry.kind === 'ignored' && /not ours/.test(entry.reason))).toBe(
			true,
		);
	});
});

describe('readMeter timing, slow 300 Bd meters (§8c 17)', () => {
	// Minutes of simulated line in 5 s steps; the whole telegram is about 7000 timers, given room under load.
	it('never times out during a steady 300 Bd telegram of several minutes', {timeout: 120_000}, async () => {
		await startMeter(createSimulatorProfile('slow-300'));
		const result = expectResult(await read({}, pair.host, 5000));
		expect(result.mode).toBe('A');
		expect(result.check.ok).toBe(true);
		// Minutes of data, yet every pause between bytes stays far below the 1.5 s inter-character timeout.
		expect(result.timings.dataMs).toBeGreaterThan(180_000);
		expect(result.parsed.dataSets.length).toBeGreaterThan(200);
	});
});
