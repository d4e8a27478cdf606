import {existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {SIGN_ON_SETTINGS} from '../../src/transport/link.ts';
import {LinkError} from '../../src/transport/link-errors.ts';
import {SerialLink} from '../../src/transport/serial-link.ts';
import {describeLinkContract} from '../helpers/link-contract.ts';
import {hasSocat, openPtyPair, type PtyPair} from '../helpers/pty-pair.ts';

/**
 * How long to wait for bytes to cross the pty, ms: they take microseconds, but a loaded 2-core machine can
 * leave this process unscheduled for longer than vi.waitFor's default second.
 */
const CROSSING = {timeout: 10_000};

/** What one end has received so far. */
function collect(link: SerialLink): {bytes(): Buffer} {
	const chunks: Buffer[] = [];
	link.onData((chunk) => chunks.push(chunk));
	return {bytes: () => Buffer.concat(chunks)};
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

if (hasSocat()) {
	describeLinkContract('serialport on a socat pty (native binding)', async () => {
		const pair = await openPtyPair();
		const farEnd = new SerialLink({path: pair.meterPath});
		const received = collect(farEnd);
		const link = new SerialLink({path: pair.hostPath});
		return {
			link,
			async open() {
				if (!farEnd.isOpen) await farEnd.open(SIGN_ON_SETTINGS);
				await link.open(SIGN_ON_SETTINGS);
			},
			sendFromFarEnd: async (bytes) => {
				await farEnd.write(bytes);
				await farEnd.drain();
			},
			receivedAtFarEnd: () => received.bytes(),
			// The cable goes: socat killed, both ptys hang up.
			hangUpFarEnd: () => pair.close(),
			async dispose() {
				await farEnd.close();
				await pair.close();
			},
		};
	});
}

describe.skipIf(!hasSocat())('SerialLink on a socat pty pair (native serialport binding)', () => {
	let pair: PtyPair;
	let host: SerialLink;
	let meter: SerialLink;

	beforeEach(async () => {
		pair = await openPtyPair();
		host = new SerialLink({path: pair.hostPath});
		meter = new SerialLink({path: pair.meterPath});
	});

	afterEach(async () => {
		await host.close();
		await meter.close();
		await pair.close();
		expect(existsSync(dirname(pair.hostPath))).toBe(false);
		await vi.waitFor(() => expect(isRunning(pair.pid)).toBe(false), CROSSING);
	});

	it('keeps carrying bytes after both sides switched to 9600 Bd', async () => {
		await host.open(SIGN_ON_SETTINGS);
		await meter.open(SIGN_ON_SETTINGS);
		const atHost = collect(host);
		const atMeter = collect(meter);
		await host.write(Buffer.from('\x06050\r\n'));
		await host.drain();
		// On a pty drain() returns before socat has read the bytes, and a rate change flushes (tcflush
		// TCIOFLUSH) what the far end has not read yet: switch once the meter has them, as a UART's drain
		// would have waited for them to leave.
		await vi.waitFor(() => expect(atMeter.bytes().toString()).toBe('\x06050\r\n'), CROSSING);
		await host.setBaudRate(9600);
		await meter.setBaudRate(9600);
		await meter.write(Buffer.from('\x021.8.1(00021271*kWh)\r\n!\r\n\x03\x0c'));
		await vi.waitFor(
			() => expect(atHost.bytes().toString()).toBe('\x021.8.1(00021271*kWh)\r\n!\r\n\x03\x0c'),
			CROSSING,
		);
		await host.write(Buffer.from('back'));
		await vi.waitFor(() => expect(atMeter.bytes().toString()).toBe('\x06050\r\nback'), CROSSING);
	});

	it('carries a 20 KB telegram intact', async () => {
		await host.open({...SIGN_ON_SETTINGS, baudRate: 9600});
		await meter.open({...SIGN_ON_SETTINGS, baudRate: 9600});
		const atHost = collect(host);
		// Every 7-bit value, over and over: a shifted or dropped byte shows.
		const telegram = Buffer.from(
			Array.from({length: 20 * 1024}, (_, index) => (index * 7 + (index >> 7)) & 0x7f),
		);
		await meter.write(telegram);
		await meter.drain();
		await vi.waitFor(() => expect(atHost.bytes()).toHaveLength(telegram.length), {timeout: 5000});
		expect(atHost.bytes().equals(telegram)).toBe(true);
	});

	it('calls onClose with disconnected on both ends when the cable goes (socat killed)', async () => {
		await host.open(SIGN_ON_SETTINGS);
		await meter.open(SIGN_ON_SETTINGS);
		const hostClosed = vi.fn();
		const meterClosed = vi.fn();
		host.onClose(hostClosed);
		meter.onClose(meterClosed);
		await pair.close();
		await vi.waitFor(() => {
			expect(hostClosed).toHaveBeenCalledOnce();
			expect(meterClosed).toHaveBeenCalledOnce();
		}, CROSSING);
		const error = hostClosed.mock.calls[0]?.[0] as LinkError;
		expect(error).toBeInstanceOf(LinkError);
		expect(error.failure).toBe('disconnected');
		expect(error.place).toBe(pair.hostPath);
		expect(host.isOpen).toBe(false);
		await expect(host.write(Buffer.from('x'))).rejects.toMatchObject({failure: 'not-open'});
	});

	it('reports a port another link holds as busy', async () => {
		await host.open(SIGN_ON_SETTINGS);
		const second = new SerialLink({path: pair.hostPath});
		await expect(second.open(SIGN_ON_SETTINGS)).rejects.toMatchObject({failure: 'busy'});
	});

	it('refuses low-latency mode on a pty with a LinkError that says what to do', async () => {
		const link = new SerialLink({path: pair.hostPath, lowLatency: true});
		await expect(link.open(SIGN_ON_SETTINGS)).rejects.toThrow(
			/cannot hand bytes over at once: do without low latency/,
		);
		expect(link.isOpen).toBe(false);
	});
});

describe('SerialLink on a missing device (native serialport binding)', () => {
	it('fails open with not-found and the advice', async () => {
		const path = join(tmpdir(), 'dlms-no-such-tty');
		const error = await new SerialLink({path}).open(SIGN_ON_SETTINGS).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(LinkError);
		expect(error).toMatchObject({failure: 'not-found', place: path, retryable: true});
		expect((error as LinkError).message).toBe(
			`${path}: no such port: is the IR head plugged in? (\`dlms-logger ports\` lists the ports)`,
		);
		expect(((error as LinkError).cause as Error).message).toMatch(/No such file or directory/);
	});
});
