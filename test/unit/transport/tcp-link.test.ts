import {createServer, type Server, type Socket} from 'node:net';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {LinkError} from '../../../src/transport/link-errors.ts';
import {TcpLink} from '../../../src/transport/tcp-link.ts';

/** A stand-in for ser2net: a real server on a free port, keeping what it receives. */
let server: Server;
let port: number;
let clients: Socket[];
let received: Buffer[];

beforeEach(async () => {
	clients = [];
	received = [];
	server = createServer((socket) => {
		clients.push(socket);
		socket.on('data', (chunk) => received.push(chunk));
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as {port: number}).port;
});

afterEach(async () => {
	for (const client of clients) client.destroy();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

function bridge(options: Partial<ConstructorParameters<typeof TcpLink>[0]> = {}) {
	return new TcpLink({host: '127.0.0.1', port, ...options});
}

describe('TcpLink', () => {
	it('is placed at tcp://host:port and cannot change the bridge rate', () => {
		const link = bridge();
		expect(link.place).toBe(`tcp://127.0.0.1:${port}`);
		expect(link.canSetBaudRate).toBe(false);
		expect(new TcpLink({host: '::1', port: 2000}).place).toBe('tcp://[::1]:2000');
	});

	it('resolves drain once every write reached the kernel', async () => {
		const link = bridge();
		await link.open(SIGN_ON_SETTINGS);
		const big = Buffer.alloc(4 * 1024 * 1024, 0x41);
		let written = false;
		const writing = link.write(big).then(() => {
			written = true;
		});
		await link.drain();
		expect(written).toBe(true);
		await writing;
		await vi.waitFor(() => expect(Buffer.concat(received)).toHaveLength(big.length), {timeout: 5000});
		await link.close();
	});

	it('records a rate switch without touching the bridge', async () => {
		const link = bridge();
		await link.open(SIGN_ON_SETTINGS);
		expect(link.requestedBaudRate).toBe(300);
		await link.setBaudRate(9600);
		expect(link.requestedBaudRate).toBe(9600);
		expect(received).toEqual([]);
		await expect(link.setBaudRate(-1)).rejects.toThrow(TypeError);
		await link.close();
	});

	it('maps a refused connection to refused, with advice about the bridge', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const freePort = (closed.address() as {port: number}).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const error = await new TcpLink({host: '127.0.0.1', port: freePort})
			.open(SIGN_ON_SETTINGS)
			.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(LinkError);
		expect(error).toMatchObject({failure: 'refused', retryable: true});
		expect((error as Error).message).toContain(
			'is the bridge (ser2net, ESP-Link, Tasmota) listening on that port?',
		);
	});

	it('maps an unknown host to not-found naming the host', async () => {
		const error = await new TcpLink({host: 'no-such-bridge.invalid', port: 2000})
			.open(SIGN_ON_SETTINGS)
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({failure: 'not-found'});
		expect((error as Error).message).toContain('no such host "no-such-bridge.invalid"');
	});

	it('keeps the reset as the cause when the connection breaks', async () => {
		const link = bridge();
		const closed = vi.fn();
		link.onClose(closed);
		await link.open(SIGN_ON_SETTINGS);
		await vi.waitFor(() => expect(clients).toHaveLength(1));
		clients[0]?.resetAndDestroy();
		await vi.waitFor(() => expect(closed).toHaveBeenCalled());
		expect(closed.mock.calls[0]?.[0]).toMatchObject({failure: 'disconnected', cause: {code: 'ECONNRESET'}});
	});

	it('closes idempotently, without onClose, and the bridge sees the hang-up', async () => {
		const link = bridge();
		const closed = vi.fn();
		link.onClose(closed);
		await link.open(SIGN_ON_SETTINGS);
		await vi.waitFor(() => expect(clients).toHaveLength(1));
		const ended = new Promise<void>((resolve) => clients[0]?.once('end', resolve));
		await Promise.all([link.close(), link.close()]);
		await link.close();
		await ended;
		expect(closed).not.toHaveBeenCalled();
		expect(link.isOpen).toBe(false);
	});

	it('cuts off a bridge that does not answer the FIN within closeTimeoutMs', async () => {
		// allowHalfOpen: the server never ends its side after our FIN.
		const halfOpen = createServer({allowHalfOpen: true}, (socket) => {
			clients.push(socket);
			socket.on('error', () => undefined);
		});
		await new Promise<void>((resolve) => halfOpen.listen(0, '127.0.0.1', resolve));
		const link = new TcpLink({
			host: '127.0.0.1',
			port: (halfOpen.address() as {port: number}).port,
			closeTimeoutMs: 50,
		});
		await link.open(SIGN_ON_SETTINGS);
		const started = Date.now();
		await link.close();
		expect(Date.now() - started).toBeLessThan(1000);
		for (const client of clients) client.destroy();
		await new Promise<void>((resolve) => halfOpen.close(() => resolve()));
	});

	it('refuses a second open while open', async () => {
		const link = bridge();
		await link.open(SIGN_ON_SETTINGS);
		await expect(link.open(SIGN_ON_SETTINGS)).rejects.toThrow(/already open/);
		await link.close();
	});

	it.each([
		[{host: '', port: 2000}, /"host" must be a host name or address/],
		[{host: 'bridge', port: 0}, /"port" must be an integer from 1 to 65535, got 0/],
		[{host: 'bridge', port: 70_000}, /"port" must be an integer from 1 to 65535, got 70000/],
		[
			{host: 'bridge', port: 2000, connectTimeoutMs: -1},
			/"connectTimeoutMs" must be a positive number of ms, got -1/,
		],
		[{host: 'bridge', port: 2000, closeTimeoutMs: Number.NaN}, /"closeTimeoutMs" must be a positive number/],
	])('fails fast on a bad option %o', (options, message) => {
		expect(() => new TcpLink(options)).toThrow(TypeError);
		expect(() => new TcpLink(options)).toThrow(message);
	});
});
