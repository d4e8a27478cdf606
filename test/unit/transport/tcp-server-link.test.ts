import {connect, type Socket} from 'node:net';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {TcpLink} from '../../../src/transport/tcp-link.ts';
import {listenTcpLink, type TcpLinkListener} from '../../../src/transport/tcp-server-link.ts';

const listeners: TcpLinkListener[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.destroy();
	await Promise.all(listeners.splice(0).map((listener) => listener.close()));
});

async function listen() {
	const listener = await listenTcpLink({host: '127.0.0.1', port: 0});
	listeners.push(listener);
	return listener;
}

function rawClient(port: number): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const socket = connect({host: '127.0.0.1', port}, () => resolve(socket));
		socket.on('error', reject);
		sockets.push(socket);
	});
}

describe('listenTcpLink', () => {
	it('listens on a free port when asked for port 0', async () => {
		const {address, link} = await listen();
		expect(address.host).toBe('127.0.0.1');
		expect(address.port).toBeGreaterThan(0);
		expect(link.place).toBe(`tcp://127.0.0.1:${address.port}`);
		expect(link.canSetBaudRate).toBe(false);
		expect(link.isOpen).toBe(false);
	});

	it('keeps bytes a client sent before open() asked for it', async () => {
		const {address, link: meter} = await listen();
		const client = await rawClient(address.port);
		client.write('/?!\r\n');
		await new Promise((resolve) => setTimeout(resolve, 20));
		const atMeter: Buffer[] = [];
		meter.onData((chunk) => atMeter.push(chunk));
		await meter.open(SIGN_ON_SETTINGS);
		await vi.waitFor(() => expect(Buffer.concat(atMeter).toString()).toBe('/?!\r\n'));
	});

	it("tells the meter end when the host hangs up, and accepts the next readout's connection", async () => {
		const {address, link: meter} = await listen();
		const closed = vi.fn();
		meter.onClose(closed);
		const host = new TcpLink({host: address.host, port: address.port});
		await Promise.all([meter.open(SIGN_ON_SETTINGS), host.open(SIGN_ON_SETTINGS)]);
		await host.close();
		await vi.waitFor(() => expect(closed).toHaveBeenCalledOnce());
		expect(closed.mock.calls[0]?.[0]).toMatchObject({failure: 'disconnected'});
		expect(meter.isOpen).toBe(false);
		await Promise.all([meter.open(SIGN_ON_SETTINGS), host.open(SIGN_ON_SETTINGS)]);
		expect(meter.isOpen).toBe(true);
		await host.close();
	});

	it('tells the host when the meter end closes', async () => {
		const {address, link: meter} = await listen();
		const host = new TcpLink({host: address.host, port: address.port});
		const closed = vi.fn();
		host.onClose(closed);
		await Promise.all([meter.open(SIGN_ON_SETTINGS), host.open(SIGN_ON_SETTINGS)]);
		await meter.close();
		await meter.close();
		await vi.waitFor(() => expect(closed).toHaveBeenCalledOnce());
		expect(closed.mock.calls[0]?.[0]).toMatchObject({failure: 'disconnected'});
	});

	it('turns a second client away while one is connected, as ser2net does', async () => {
		const {address, link: meter} = await listen();
		const first = await rawClient(address.port);
		await meter.open(SIGN_ON_SETTINGS);
		const second = await rawClient(address.port);
		await new Promise<void>((resolve) => second.once('close', () => resolve()));
		expect(first.destroyed).toBe(false);
	});

	it('records a rate switch only', async () => {
		const {address, link: meter} = await listen();
		await rawClient(address.port);
		await meter.open(SIGN_ON_SETTINGS);
		await meter.setBaudRate(9600);
		expect(meter.isOpen).toBe(true);
	});

	it('fails a waiting open when aborted or when the listener closes', async () => {
		const {link} = await listen();
		const controller = new AbortController();
		const opening = link.open(SIGN_ON_SETTINGS, controller.signal);
		controller.abort();
		await expect(opening).rejects.toMatchObject({failure: 'aborted'});
		const listener = await listen();
		const waiting = listener.link.open(SIGN_ON_SETTINGS);
		await listener.close();
		await expect(waiting).rejects.toMatchObject({failure: 'not-open'});
	});

	it('refuses write before a client connected', async () => {
		const {link} = await listen();
		await expect(link.write(Buffer.from('x'))).rejects.toMatchObject({failure: 'not-open'});
	});

	it.each([
		[{port: -1}, /"port" must be an integer from 0 to 65535, got -1/],
		[{host: ''}, /"host" must be an address to listen on/],
		[{closeTimeoutMs: 0}, /"closeTimeoutMs" must be a positive number of ms, got 0/],
	])('fails fast on a bad option %o', async (options, message) => {
		await expect(listenTcpLink(options)).rejects.toThrow(message);
	});
});
