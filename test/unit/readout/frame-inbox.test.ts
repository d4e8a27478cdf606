import {type AddressInfo, createServer, type Socket} from 'node:net';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import type {Frame} from '../../../src/iec62056/frame.ts';
import {TruncatedBlockError} from '../../../src/iec62056/protocol-errors.ts';
import {FrameInbox, type InboxTimeout, type InboxWait} from '../../../src/readout/frame-inbox.ts';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {LinkError} from '../../../src/transport/link-errors.ts';
import {createMemoryLinkPair, type MemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';
import {TcpLink} from '../../../src/transport/tcp-link.ts';

const IDENTIFICATION = Buffer.from('/LGZ52ZMD120APt.G03\r\n', 'latin1');
const STX = 0x02;
const ETX = 0x03;

/** STX text ETX BCC, the BCC being the XOR of every byte after STX up to and including ETX (IEC 62056-21). */
function dataMessage(text: string): Buffer {
	const body = Buffer.concat([Buffer.from(text, 'latin1'), Buffer.of(ETX)]);
	const bcc = body.reduce((xor, byte) => xor ^ byte, 0);
	return Buffer.concat([Buffer.of(STX), body, Buffer.of(bcc)]);
}

let pair: MemoryLinkPair;
let inbox: FrameInbox;

beforeEach(async () => {
	vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
	pair = createMemoryLinkPair();
	await pair.host.open(SIGN_ON_SETTINGS);
	await pair.meter.open(SIGN_ON_SETTINGS);
	inbox = new FrameInbox(pair.host);
});
afterEach(() => {
	inbox.dispose();
	vi.useRealTimers();
});

function wait(overrides: Partial<InboxWait> = {}): InboxWait {
	return {firstByteMs: 1500, interCharacterMs: 200, deadline: Date.now() + 60_000, ...overrides};
}

/** Sends bytes from the meter and lets them arrive (the unpaced pair delivers on the next tick). */
async function meterSends(bytes: Buffer | string): Promise<void> {
	await pair.meter.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
	await vi.advanceTimersByTimeAsync(0);
}

/** Starts next() and records when it settles, so tests can step the clock and look. */
function waitFor(accept: (frame: Frame) => boolean, inboxWait: InboxWait, signal?: AbortSignal) {
	const skipped: Frame[] = [];
	const state: {outcome: Frame | InboxTimeout | undefined} = {outcome: undefined};
	const done = inbox
		.next(accept, inboxWait, signal, (frame) => skipped.push(frame))
		.then((outcome) => {
			state.outcome = outcome;
			return outcome;
		});
	return {state, skipped, done};
}

const isIdentification = (frame: Frame) => frame.kind === 'identification';
const isDataBlock = (frame: Frame) => frame.kind === 'data-block';

describe('FrameInbox.next', () => {
	it('returns the frame it accepts', async () => {
		const waiting = waitFor(isIdentification, wait());
		await meterSends(IDENTIFICATION);
		const frame = await waiting.done;
		expect(frame).toMatchObject({kind: 'identification', bytes: IDENTIFICATION});
	});

	it('returns a frame that arrived before it was called', async () => {
		await meterSends(IDENTIFICATION);
		expect(await inbox.next(isIdentification, wait(), undefined)).toMatchObject({kind: 'identification'});
	});

	it('passes the frames it does not accept to skipped, in order', async () => {
		const waiting = waitFor(isDataBlock, wait());
		await meterSends(IDENTIFICATION);
		await meterSends(dataMessage('1.8.1(00021271*kWh)\r\n!\r\n'));
		const frame = await waiting.done;
		expect(frame).toMatchObject({kind: 'data-block', terminator: 'etx', check: {algorithm: 'bcc', ok: true}});
		expect(waiting.skipped.map((skipped) => skipped.kind)).toEqual(['identification']);
	});

	it('waits firstByteMs for the first byte, then reports silence', async () => {
		const waiting = waitFor(isIdentification, wait({firstByteMs: 1500}));
		await vi.advanceTimersByTimeAsync(1499);
		expect(waiting.state.outcome).toBeUndefined();
		await vi.advanceTimersByTimeAsync(1);
		expect(waiting.state.outcome).toEqual({kind: 'silence', bytesInPhase: 0, pending: []});
	});

	it('switches to the inter-character timeout once bytes flow', async () => {
		const waiting = waitFor(isIdentification, wait({firstByteMs: 1500, interCharacterMs: 200}));
		await vi.advanceTimersByTimeAsync(100);
		await meterSends('/LGZ');
		await vi.advanceTimersByTimeAsync(199);
		expect(waiting.state.outcome).toBeUndefined();
		await vi.advanceTimersByTimeAsync(1);
		expect(waiting.state.outcome).toMatchObject({kind: 'silence', bytesInPhase: 4});
	});

	it('re-arms the inter-character timeout with every byte, so a slow steady line never times out', async () => {
		const waiting = waitFor(isIdentification, wait({firstByteMs: 1500, interCharacterMs: 200}));
		for (const byte of IDENTIFICATION) {
			await vi.advanceTimersByTimeAsync(150);
			expect(waiting.state.outcome).toBeUndefined();
			await meterSends(Buffer.of(byte));
		}
		// 21 bytes 150 ms apart: over 3 s in all, far beyond firstByteMs and interCharacterMs.
		expect(await waiting.done).toMatchObject({kind: 'identification'});
	});

	it('stops at the deadline even while bytes flow', async () => {
		const waiting = waitFor(isIdentification, wait({interCharacterMs: 200, deadline: Date.now() + 1000}));
		for (let step = 0; step < 9; step++) {
			await vi.advanceTimersByTimeAsync(100);
			await meterSends('x');
		}
		expect(waiting.state.outcome).toBeUndefined();
		await vi.advanceTimersByTimeAsync(100);
		expect(waiting.state.outcome).toMatchObject({kind: 'deadline', bytesInPhase: 9});
	});

	it('reports a deadline that passed before the first byte as a deadline, not silence', async () => {
		const waiting = waitFor(isIdentification, wait({firstByteMs: 1500, deadline: Date.now() + 500}));
		await vi.advanceTimersByTimeAsync(500);
		expect(waiting.state.outcome).toMatchObject({kind: 'deadline', bytesInPhase: 0});
	});

	it('turns a block cut off by the timeout into a TruncatedBlockError in pending', async () => {
		const waiting = waitFor(isDataBlock, wait({interCharacterMs: 200}));
		await vi.advanceTimersByTimeAsync(100);
		await meterSends('\x021.8.1(00021271*kWh)\r\n');
		await vi.advanceTimersByTimeAsync(200);
		const outcome = (await waiting.done) as Extract<InboxTimeout, {kind: 'silence'}>;
		expect(outcome.kind).toBe('silence');
		const errors = outcome.pending.filter((frame) => frame.kind === 'error');
		expect(errors).toHaveLength(1);
		expect(errors[0]?.kind === 'error' && errors[0].error).toBeInstanceOf(TruncatedBlockError);
	});

	it('reports a link closed by the other side', async () => {
		const waiting = waitFor(isIdentification, wait());
		pair.hangUp('meter');
		const outcome = await waiting.done;
		expect(outcome).toMatchObject({kind: 'closed'});
		const error = (outcome as Extract<InboxTimeout, {kind: 'closed'}>).error;
		expect(error).toBeInstanceOf(LinkError);
		expect(error?.failure).toBe('disconnected');
	});

	it('still returns frames that arrived before the link closed', async () => {
		await meterSends(IDENTIFICATION);
		pair.hangUp('meter');
		expect(await inbox.next(isIdentification, wait(), undefined)).toMatchObject({kind: 'identification'});
	});

	it('stops waiting when the signal aborts, with its reason', async () => {
		const controller = new AbortController();
		const waiting = waitFor(isIdentification, wait(), controller.signal);
		await vi.advanceTimersByTimeAsync(100);
		controller.abort('shutdown');
		expect(await waiting.done).toEqual({kind: 'aborted', reason: 'shutdown'});
	});

	it('returns at once for a signal already aborted', async () => {
		const controller = new AbortController();
		controller.abort('shutdown');
		expect(await inbox.next(isIdentification, wait(), controller.signal)).toEqual({
			kind: 'aborted',
			reason: 'shutdown',
		});
	});
});

describe('FrameInbox bytes', () => {
	it('keeps every byte received, noise included', async () => {
		await meterSends('\x7f\x7f');
		await meterSends(IDENTIFICATION);
		expect(inbox.raw).toEqual(Buffer.concat([Buffer.from('\x7f\x7f', 'latin1'), IDENTIFICATION]));
	});

	it('counts the bytes of a phase from mark()', async () => {
		await meterSends('abc');
		expect(inbox.bytesSinceMark).toBe(3);
		inbox.mark();
		await meterSends('de');
		expect(inbox.bytesSinceMark).toBe(2);
	});

	it('keeps the raw bytes across mark()', async () => {
		await meterSends('abc');
		inbox.mark();
		await meterSends('de');
		expect(inbox.raw.toString('latin1')).toBe('abcde');
	});

	it('drops queued frames on discard and returns them', async () => {
		await meterSends(IDENTIFICATION);
		expect(inbox.discard().map((frame) => frame.kind)).toEqual(['identification']);
		const waiting = waitFor(isIdentification, wait({firstByteMs: 100}));
		await vi.advanceTimersByTimeAsync(100);
		expect(waiting.state.outcome).toMatchObject({kind: 'silence'});
	});

	it('stops keeping bytes once maxMessageBytes × 4 are kept', async () => {
		inbox.dispose();
		inbox = new FrameInbox(pair.host, {maxMessageBytes: 64});
		for (let chunk = 0; chunk < 5; chunk++) await meterSends(Buffer.alloc(64, 0x7f));
		expect(inbox.raw).toHaveLength(256);
	});

	it('stops listening after dispose', async () => {
		inbox.dispose();
		await meterSends('abc');
		expect(inbox.raw).toHaveLength(0);
	});
});

describe('FrameInbox block start', () => {
	it('says no block started before an STX arrives', async () => {
		inbox.watchForBlockStart();
		await meterSends(IDENTIFICATION);
		expect(inbox.blockStarted).toBe(false);
	});

	it('notes an STX arriving after watchForBlockStart', async () => {
		inbox.watchForBlockStart();
		await meterSends('\x021.8.1(');
		expect(inbox.blockStarted).toBe(true);
	});

	it('ignores an STX that arrived before watching started', async () => {
		await meterSends('\x021.8.1(');
		inbox.watchForBlockStart();
		expect(inbox.blockStarted).toBe(false);
	});

	it('forgets an earlier block start when watching starts again', async () => {
		inbox.watchForBlockStart();
		await meterSends('\x02');
		inbox.watchForBlockStart();
		expect(inbox.blockStarted).toBe(false);
	});
});

describe('FrameInbox missing STX', () => {
	const TEXT = '0.0.0(50871031)\r\n1.8.1(00021271*kWh)\r\n!\r\n';

	it('ends a wait with without-stx once the BCC of a data message without STX is in', async () => {
		inbox.watchForMissingStx();
		const waiting = waitFor(isDataBlock, wait());
		await meterSends(dataMessage(TEXT).subarray(1, -1));
		expect(waiting.state.outcome).toBeUndefined();
		await meterSends(dataMessage(TEXT).subarray(-1));
		expect(await waiting.done).toEqual({
			kind: 'without-stx',
			message: {bytes: dataMessage(TEXT).length - 1, dataLines: 2, complete: true},
		});
	});

	it('scans what follows afresh, even when the BCC was a byte that opens a block', async () => {
		// `C.1.0(x)` with x chosen so that the BCC is STX: the scanner alone would take the repetition's
		// STX as data inside a block opened by it.
		const padded = (value: string) => `C.1.0(${value})\r\n${TEXT}`;
		const value = String.fromCharCode((dataMessage(padded('')).at(-1) as number) ^ STX);
		const message = dataMessage(padded(value));
		expect(message.at(-1)).toBe(STX);
		inbox.watchForMissingStx();
		await meterSends(message.subarray(1));
		expect(await inbox.next(isDataBlock, wait(), undefined)).toMatchObject({kind: 'without-stx'});
		await meterSends(message);
		expect(await inbox.next(isDataBlock, wait(), undefined)).toMatchObject({
			kind: 'data-block',
			check: {ok: true},
		});
	});

	it('tells how far a message without STX came when the bytes stop before its end', async () => {
		inbox.watchForMissingStx();
		const waiting = waitFor(isDataBlock, wait());
		await meterSends(Buffer.from(TEXT.slice(0, 30), 'latin1'));
		await vi.advanceTimersByTimeAsync(300);
		expect(await waiting.done).toMatchObject({kind: 'silence'});
		expect(inbox.unfinishedWithoutStx()).toEqual({bytes: 30, dataLines: 1, complete: false});
	});

	it('does not watch unless asked, nor after it was told to stop', async () => {
		const stop = inbox.watchForMissingStx();
		stop();
		const waiting = waitFor(isDataBlock, wait());
		await meterSends(dataMessage(TEXT).subarray(1));
		await vi.advanceTimersByTimeAsync(300);
		expect(await waiting.done).toMatchObject({kind: 'silence'});
		expect(inbox.unfinishedWithoutStx()).toBeUndefined();
	});
});

describe('FrameInbox on a busy host', () => {
	it('reads bytes that arrived while the event loop was blocked before calling the silence a timeout', async () => {
		vi.useRealTimers();
		const server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const {port} = server.address() as AddressInfo;
		const meterSide = new Promise<Socket>((resolve) => server.once('connection', resolve));
		const link = new TcpLink({host: '127.0.0.1', port});
		await link.open(SIGN_ON_SETTINGS);
		const socket = await meterSide;
		const busy = new FrameInbox(link);
		try {
			socket.write(IDENTIFICATION.subarray(0, 5));
			const frame = busy.next(
				(candidate) => candidate.kind === 'identification',
				{
					firstByteMs: 1000,
					interCharacterMs: 100,
					deadline: Date.now() + 10_000,
				},
				undefined,
			);
			setTimeout(() => {
				// After the poll phase (setImmediate): the next bytes go on the wire, then the host is too
				// busy to run its event loop for three inter-character times. When it is back, the loop
				// runs the overdue timer before it reads the bytes that wait in the socket.
				// The rest of the line goes out during the block too: a busy test machine could otherwise
				// delay a later write past the inter-character time and fail the test for the wrong reason.
				setImmediate(() => {
					socket.write(IDENTIFICATION.subarray(5, 10));
					socket.write(IDENTIFICATION.subarray(10));
					const until = Date.now() + 300;
					while (Date.now() < until) {
						// Blocking on purpose.
					}
				});
			}, 50);
			expect(await frame).toMatchObject({kind: 'identification'});
		} finally {
			busy.dispose();
			socket.destroy();
			await link.close();
			await new Promise((resolve) => server.close(resolve));
		}
	});
});
