import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {LinkError} from '../../../src/transport/link-errors.ts';
import {createMemoryLinkPair, type MemoryLinkPairOptions} from '../../../src/transport/memory-link-pair.ts';

beforeEach(() => {
	vi.useFakeTimers({now: 0});
});
afterEach(() => {
	vi.useRealTimers();
});

async function openPair(options: MemoryLinkPairOptions = {}) {
	const pair = createMemoryLinkPair(options);
	await pair.host.open(SIGN_ON_SETTINGS);
	await pair.meter.open(SIGN_ON_SETTINGS);
	const atHost: Buffer[] = [];
	const atMeter: Buffer[] = [];
	pair.host.onData((chunk) => atHost.push(chunk));
	pair.meter.onData((chunk) => atMeter.push(chunk));
	return {pair, atHost, atMeter};
}

const signOn = Buffer.from('/?!\r\n');

describe('memory link pair', () => {
	it('delivers bytes unchanged when both sides run at the same rate', async () => {
		const {pair, atMeter} = await openPair();
		await pair.host.write(signOn);
		expect(atMeter).toEqual([]);
		await vi.advanceTimersByTimeAsync(0);
		expect(Buffer.concat(atMeter)).toEqual(signOn);
	});

	it('garbles bytes received at another rate than they were sent: bit 7 set, count scaled', async () => {
		const {pair, atHost} = await openPair();
		await pair.host.setBaudRate(9600);
		await pair.meter.write(Buffer.from('1.8.1(00021271*kWh)\r\n'));
		await vi.advanceTimersByTimeAsync(0);
		const received = Buffer.concat(atHost);
		// Read 32 times faster than sent: each character smears over 32.
		expect(received).toHaveLength(21 * 32);
		expect([...received].every((byte) => byte >= 0x80)).toBe(true);
	});

	it('collapses characters when the receiver is slower than the sender', async () => {
		const {pair, atMeter} = await openPair();
		await pair.host.setBaudRate(9600);
		await pair.host.write(Buffer.alloc(64, 0x41));
		await vi.advanceTimersByTimeAsync(0);
		expect(Buffer.concat(atMeter)).toHaveLength(2);
	});

	it('delivers clean bytes again once both sides switched', async () => {
		const {pair, atHost} = await openPair();
		await pair.host.setBaudRate(9600);
		await pair.meter.setBaudRate(9600);
		await pair.meter.write(Buffer.from('ok'));
		await vi.advanceTimersByTimeAsync(0);
		expect(Buffer.concat(atHost).toString()).toBe('ok');
	});

	it('paces delivery by wire time: each character 10 bits at 300 Bd, arriving as it comes off the line', async () => {
		const {pair, atMeter} = await openPair({paced: true});
		await pair.host.write(Buffer.alloc(30, 0x30)); // 30 × 10 bits ÷ 300 Bd = 1000 ms
		await vi.advanceTimersByTimeAsync(32);
		expect(Buffer.concat(atMeter)).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(468);
		expect(Buffer.concat(atMeter)).toHaveLength(15);
		await vi.advanceTimersByTimeAsync(500);
		expect(Buffer.concat(atMeter)).toHaveLength(30);
	});

	it('queues a second write behind the first on the line', async () => {
		const {pair, atMeter} = await openPair({paced: true});
		await pair.host.write(Buffer.alloc(3, 0x31)); // 100 ms
		await pair.host.write(Buffer.alloc(3, 0x32)); // another 100 ms
		await vi.advanceTimersByTimeAsync(100);
		expect(Buffer.concat(atMeter).toString()).toBe('111');
		await vi.advanceTimersByTimeAsync(100);
		expect(Buffer.concat(atMeter).toString()).toBe('111222');
	});

	it('adds the adapter latency before bytes reach the line', async () => {
		const {pair, atMeter} = await openPair({latencyMs: 16});
		await pair.host.write(signOn);
		await vi.advanceTimersByTimeAsync(15);
		expect(atMeter).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(Buffer.concat(atMeter)).toEqual(signOn);
	});

	it('garbles the character on the wire when its sender changes rate before its last bit left', async () => {
		const {pair, atMeter} = await openPair({paced: true});
		// ACK 0 5 0 CR LF: 6 characters of 33.3 ms at 300 Bd; the LF is on the wire from 166.7 to 200 ms.
		await pair.host.write(Buffer.from('\x06050\r\n'));
		await vi.advanceTimersByTimeAsync(190);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(100);
		const received = Buffer.concat(atMeter);
		expect(received.subarray(0, 5).toString('latin1')).toBe('\x06050\r');
		expect(received).toHaveLength(6);
		expect(received[5]).toBeGreaterThan(0x7f);
	});

	it('delivers every character clean when the sender changes rate right after the last stop bit', async () => {
		const {pair, atMeter} = await openPair({paced: true});
		await pair.host.write(Buffer.from('\x06050\r\n'));
		await vi.advanceTimersByTimeAsync(200);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(100);
		expect(Buffer.concat(atMeter).toString('latin1')).toBe('\x06050\r\n');
	});

	it('sends characters still in the adapter at the rate set when they reach the line', async () => {
		const {pair, atMeter} = await openPair({paced: true, latencyMs: 16});
		await pair.host.write(Buffer.from('\x06050\r\n'));
		// The rate changes while the bytes wait in the adapter: all of them leave at 9600 Bd.
		await vi.advanceTimersByTimeAsync(10);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(300);
		const received = Buffer.concat(atMeter);
		expect(received.length).toBeGreaterThan(0);
		expect([...received].every((byte) => byte > 0x7f)).toBe(true);
	});

	it('sends the rest of a message at the new rate when the sender switches in the middle', async () => {
		const {pair, atMeter} = await openPair({paced: true});
		await pair.host.write(Buffer.alloc(30, 0x41)); // 1000 ms at 300 Bd
		await vi.advanceTimersByTimeAsync(500);
		await pair.host.setBaudRate(9600);
		await pair.meter.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(100);
		const received = Buffer.concat(atMeter);
		// 15 characters were complete at 300 Bd (read at 300 Bd then), the other 15 went out at 9600 Bd.
		expect(received).toHaveLength(30);
		expect(received.subarray(15).toString('latin1')).toBe('A'.repeat(15));
	});

	it('resolves drain at once when configured as a pty or a USB adapter with its own FIFO', async () => {
		const {pair} = await openPair({paced: true, latencyMs: 16, drainWaitsForLine: false});
		await pair.host.write(Buffer.from('\x06050\r\n'));
		await pair.host.drain();
		expect(Date.now()).toBe(0);
	});

	it('resolves drain only when the bytes have left the line', async () => {
		const {pair} = await openPair({paced: true});
		// An ACK with option select, 6 characters: 200 ms at 300 Bd.
		await pair.host.write(Buffer.from('\x06050\r\n'));
		let drained = false;
		const draining = pair.host.drain().then(() => {
			drained = true;
		});
		await vi.advanceTimersByTimeAsync(199);
		expect(drained).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		await draining;
		expect(drained).toBe(true);
		expect(Date.now()).toBe(200);
	});

	it('resolves drain at once when nothing is queued', async () => {
		const {pair} = await openPair({paced: true});
		await pair.host.drain();
		expect(Date.now()).toBe(0);
	});

	it('tells the other side of a hang-up with a disconnected LinkError', async () => {
		const {pair} = await openPair();
		const hostClosed = vi.fn();
		const meterClosed = vi.fn();
		pair.host.onClose(hostClosed);
		pair.meter.onClose(meterClosed);
		pair.hangUp('meter');
		expect(meterClosed).toHaveBeenCalledExactlyOnceWith(undefined);
		expect(hostClosed).toHaveBeenCalledOnce();
		const error = hostClosed.mock.calls[0]?.[0] as LinkError;
		expect(error).toBeInstanceOf(LinkError);
		expect(error.failure).toBe('disconnected');
		expect(error.place).toBe('memory:host');
		expect(pair.host.isOpen).toBe(false);
		expect(pair.meter.isOpen).toBe(false);
	});

	it('drops bytes still on the line when a side hangs up', async () => {
		const {pair, atMeter} = await openPair({paced: true});
		await pair.host.write(signOn);
		pair.hangUp('host');
		await vi.advanceTimersByTimeAsync(1000);
		expect(atMeter).toEqual([]);
	});

	it('logs every event on the line in order, with times', async () => {
		const pair = createMemoryLinkPair({paced: true});
		await pair.host.open(SIGN_ON_SETTINGS);
		await pair.meter.open(SIGN_ON_SETTINGS);
		await pair.host.write(Buffer.from('\x06050\r\n'));
		const draining = pair.host.drain();
		await vi.advanceTimersByTimeAsync(200);
		await draining;
		await pair.host.setBaudRate(9600);
		await pair.host.close();
		expect(pair.events.map(({timeMs, side, kind}) => `${timeMs} ${side} ${kind}`)).toEqual([
			'0 host open',
			'0 meter open',
			'0 host write',
			'200 host sent',
			'200 host baud',
			'200 host close',
		]);
		expect(pair.events[4]).toMatchObject({kind: 'baud', baudRate: 9600});
		expect(pair.events[3]).toMatchObject({kind: 'sent', bytes: Buffer.from('\x06050\r\n')});
	});

	it('uses the place names given', () => {
		const pair = createMemoryLinkPair({hostPlace: '/dev/ttyUSB0', meterPlace: 'simulator'});
		expect(pair.host.place).toBe('/dev/ttyUSB0');
		expect(pair.meter.place).toBe('simulator');
		expect(pair.host.canSetBaudRate).toBe(true);
	});
});
