import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {type Link, SIGN_ON_SETTINGS} from '../../src/transport/link.ts';
import {LinkError} from '../../src/transport/link-errors.ts';

/** One Link under test and what sits at the other end of its line. */
export interface LinkUnderTest {
	readonly link: Link;
	/** Opens the link and its far end (a listener's link opens only once a client connects). */
	open(): Promise<void>;
	/** Sends bytes from the far end to the link. */
	sendFromFarEnd(bytes: Buffer): Promise<void>;
	/** Everything the far end has received so far. */
	receivedAtFarEnd(): Buffer;
	/** The far end goes away without the link's close(): unplugged reader, hung-up bridge. */
	hangUpFarEnd(): Promise<void>;
	/** Frees everything (far end, servers, ptys); safe after any test. */
	dispose(): Promise<void>;
}

/**
 * The behaviour every Link promises (src/transport/link.ts), run against each implementation with
 * its real far end: the in-memory pair, serialport on a pty, the TCP client, the TCP listener's side.
 * What is particular to one Link (error mapping, low latency, bridge quirks) stays in its own tests.
 */
export function describeLinkContract(name: string, create: () => Promise<LinkUnderTest>): void {
	describe(`Link contract: ${name}`, () => {
		let subject: LinkUnderTest;

		beforeEach(async () => {
			subject = await create();
		});
		afterEach(async () => {
			await subject.link.close();
			await subject.dispose();
		});

		it('is closed until opened, open after open()', async () => {
			expect(subject.link.isOpen).toBe(false);
			await subject.open();
			expect(subject.link.isOpen).toBe(true);
		});

		it('carries bytes both ways, in order, whatever the chunking', async () => {
			const received: Buffer[] = [];
			subject.link.onData((chunk) => received.push(chunk));
			await subject.open();
			await subject.link.write(Buffer.from('/?!\r\n'));
			await subject.link.drain();
			await vi.waitFor(() => expect(subject.receivedAtFarEnd().toString('latin1')).toBe('/?!\r\n'));
			await subject.sendFromFarEnd(Buffer.from('/LGZ52ZMD120APt.G03\r\n'));
			await vi.waitFor(() =>
				expect(Buffer.concat(received).toString('latin1')).toBe('/LGZ52ZMD120APt.G03\r\n'),
			);
		});

		it('copies written bytes, so the caller may reuse its buffer', async () => {
			await subject.open();
			const buffer = Buffer.from('ABC');
			await subject.link.write(buffer);
			buffer.fill(0x5a);
			await subject.link.drain();
			await vi.waitFor(() => expect(subject.receivedAtFarEnd().toString('latin1')).toBe('ABC'));
		});

		it('stops calling a data listener once it unsubscribed, and keeps calling the others', async () => {
			const first: Buffer[] = [];
			const second: Buffer[] = [];
			const stop = subject.link.onData((chunk) => first.push(chunk));
			subject.link.onData((chunk) => second.push(chunk));
			await subject.open();
			stop();
			await subject.sendFromFarEnd(Buffer.from('x'));
			await vi.waitFor(() => expect(Buffer.concat(second).toString()).toBe('x'));
			expect(first).toEqual([]);
		});

		it('switches the rate of an open line (or records it, where the line cannot)', async () => {
			await subject.open();
			await subject.link.setBaudRate(9600);
			await subject.link.write(Buffer.from('ok'));
			await subject.link.drain();
			expect(subject.link.isOpen).toBe(true);
		});

		it('refuses write, drain and setBaudRate with not-open before open', async () => {
			await expect(subject.link.write(Buffer.from('x'))).rejects.toMatchObject({failure: 'not-open'});
			await expect(subject.link.drain()).rejects.toMatchObject({failure: 'not-open'});
			await expect(subject.link.setBaudRate(9600)).rejects.toMatchObject({failure: 'not-open'});
		});

		it('closes twice safely, without calling onClose, and refuses writes afterwards', async () => {
			const closed = vi.fn();
			subject.link.onClose(closed);
			await subject.open();
			await subject.link.close();
			await subject.link.close();
			expect(subject.link.isOpen).toBe(false);
			await expect(subject.link.write(Buffer.from('x'))).rejects.toMatchObject({failure: 'not-open'});
			expect(closed).not.toHaveBeenCalled();
		});

		it('opens again after close, for the next readout', async () => {
			await subject.open();
			await subject.link.close();
			await subject.open();
			expect(subject.link.isOpen).toBe(true);
		});

		it('calls onClose once with a disconnected LinkError when the far end goes away', async () => {
			const closed = vi.fn();
			subject.link.onClose(closed);
			await subject.open();
			await subject.hangUpFarEnd();
			await vi.waitFor(() => expect(closed).toHaveBeenCalledOnce());
			const error = closed.mock.calls[0]?.[0] as LinkError;
			expect(error).toBeInstanceOf(LinkError);
			expect(error.failure).toBe('disconnected');
			expect(error.place).toBe(subject.link.place);
			await vi.waitFor(() => expect(subject.link.isOpen).toBe(false));
		});

		it('rejects open at once when the signal is already aborted, and stays closed', async () => {
			const controller = new AbortController();
			controller.abort(new Error('stopping'));
			await expect(subject.link.open(SIGN_ON_SETTINGS, controller.signal)).rejects.toMatchObject({
				failure: 'aborted',
			});
			expect(subject.link.isOpen).toBe(false);
		});
	});
}
