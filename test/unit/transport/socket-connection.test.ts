import {connect, createServer, type Server, type Socket} from 'node:net';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {LinkError} from '../../../src/transport/link-errors.ts';
import {SocketConnection} from '../../../src/transport/socket-connection.ts';

/** A real peer on a free port: keeps what it receives and the sockets it accepted. */
let server: Server;
let peers: Socket[];
let received: Buffer[];
let client: Socket;

beforeEach(async () => {
	peers = [];
	received = [];
	// allowHalfOpen: the peer does not answer our FIN by itself, so a test decides when it does.
	server = createServer({allowHalfOpen: true}, (socket) => {
		peers.push(socket);
		socket.on('data', (chunk) => received.push(chunk));
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	client = connect({host: '127.0.0.1', port});
	await new Promise<void>((resolve) => client.once('connect', resolve));
	await vi.waitFor(() => expect(peers).toHaveLength(1));
});

afterEach(async () => {
	vi.useRealTimers();
	client.destroy();
	for (const peer of peers) peer.destroy();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

function peer(): Socket {
	return peers[0] as Socket;
}

function connection(closeTimeoutMs = 1000) {
	const data: Buffer[] = [];
	const lost: LinkError[] = [];
	const connected = new SocketConnection(client, 'tcp://bridge:8888', closeTimeoutMs, {
		onData: (chunk) => data.push(chunk),
		onLost: (error) => lost.push(error),
	});
	return {connected, data, lost};
}

describe('SocketConnection', () => {
	it('turns Nagle off so small writes go out at once', () => {
		const setNoDelay = vi.spyOn(client, 'setNoDelay');
		connection();
		expect(setNoDelay).toHaveBeenCalledWith(true);
	});

	it('is open on a connected socket', () => {
		expect(connection().connected.isOpen).toBe(true);
	});

	it('sends written bytes to the peer in order', async () => {
		const {connected} = connection();
		await connected.write(Buffer.from('/?!\r\n'));
		await connected.write(Buffer.from('\x06050\r\n'));
		await vi.waitFor(() => expect(Buffer.concat(received).toString('latin1')).toBe('/?!\r\n\x06050\r\n'));
	});

	it('passes bytes from the peer to onData', async () => {
		const {data} = connection();
		peer().write('/LGZ52ZMD120APt.G03\r\n');
		await vi.waitFor(() => expect(Buffer.concat(data).toString('latin1')).toBe('/LGZ52ZMD120APt.G03\r\n'));
	});

	it('drains once every write reached the kernel', async () => {
		const {connected} = connection();
		void connected.write(Buffer.alloc(64 * 1024, 0x41));
		await connected.drain();
		expect(client.writableLength).toBe(0);
	});

	it('reports a peer hang-up as disconnected through onLost', async () => {
		const {connected, lost} = connection();
		peer().end();
		await vi.waitFor(() => expect(lost).toHaveLength(1));
		expect(lost[0]).toBeInstanceOf(LinkError);
		expect(lost[0]).toMatchObject({place: 'tcp://bridge:8888', failure: 'disconnected'});
		expect(connected.isOpen).toBe(false);
	});

	it('wraps the socket error that broke the connection as the cause', async () => {
		const {lost} = connection();
		peer().resetAndDestroy();
		await vi.waitFor(() => expect(lost).toHaveLength(1));
		expect((lost[0]?.cause as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNRESET');
	});

	it('does not call onLost for its own close', async () => {
		const {connected, lost} = connection();
		peer().on('end', () => peer().end());
		await connected.close();
		expect(connected.isOpen).toBe(false);
		expect(lost).toEqual([]);
	});

	it('sends what is queued before the FIN', async () => {
		const {connected} = connection();
		const ended = new Promise<void>((resolve) => peer().once('end', resolve));
		peer().on('end', () => peer().end());
		void connected.write(Buffer.from('B0\x03q'));
		await connected.close();
		await ended;
		expect(Buffer.concat(received).toString('latin1')).toBe('B0\x03q');
	});

	it('may be closed twice', async () => {
		const {connected} = connection();
		peer().on('end', () => peer().end());
		await connected.close();
		await expect(connected.close()).resolves.toBeUndefined();
	});

	it('cuts off a peer that never answers the FIN after closeTimeoutMs', async () => {
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
		const {connected} = connection(5000);
		const ended = new Promise<void>((resolve) => peer().once('end', resolve));
		let closed = false;
		const closing = connected.close().then(() => {
			closed = true;
		});
		await ended;
		await vi.advanceTimersByTimeAsync(4999);
		expect(closed).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		await closing;
		expect(client.destroyed).toBe(true);
	});

	it('refuses to write once closed', async () => {
		const {connected} = connection();
		peer().on('end', () => peer().end());
		await connected.close();
		await expect(connected.write(Buffer.from('x'))).rejects.toMatchObject({
			name: 'LinkError',
			failure: 'not-open',
		});
	});

	it('refuses to drain once closed', async () => {
		const {connected} = connection();
		peer().on('end', () => peer().end());
		await connected.close();
		await expect(connected.drain()).rejects.toMatchObject({name: 'LinkError', failure: 'not-open'});
	});

	it('refuses to write after the peer hung up', async () => {
		const {connected, lost} = connection();
		peer().destroy();
		await vi.waitFor(() => expect(lost).toHaveLength(1));
		await expect(connected.write(Buffer.from('x'))).rejects.toBeInstanceOf(LinkError);
	});
});
