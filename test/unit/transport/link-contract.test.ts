import {connect, createServer, type Socket} from 'node:net';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {createMemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';
import {TcpLink} from '../../../src/transport/tcp-link.ts';
import {listenTcpLink} from '../../../src/transport/tcp-server-link.ts';
import {describeLinkContract} from '../../helpers/link-contract.ts';

// The pty run (serialport's native binding on socat) is in test/integration/serial-link-pty.test.ts.

describeLinkContract('in-memory pair (host side)', async () => {
	const pair = createMemoryLinkPair();
	const received: Buffer[] = [];
	pair.meter.onData((chunk) => received.push(chunk));
	return {
		link: pair.host,
		async open() {
			if (!pair.meter.isOpen) await pair.meter.open(SIGN_ON_SETTINGS);
			await pair.host.open(SIGN_ON_SETTINGS);
		},
		sendFromFarEnd: (bytes) => pair.meter.write(bytes),
		receivedAtFarEnd: () => Buffer.concat(received),
		async hangUpFarEnd() {
			pair.hangUp('meter');
		},
		dispose: () => pair.meter.close(),
	};
});

describeLinkContract('TCP client (a ser2net-style bridge at the far end)', async () => {
	const sockets: Socket[] = [];
	const received: Buffer[] = [];
	const server = createServer((socket) => {
		sockets.push(socket);
		socket.on('data', (chunk) => received.push(chunk));
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	const link = new TcpLink({host: '127.0.0.1', port});
	const connected = async () => {
		while (sockets.at(-1)?.destroyed !== false) await new Promise((resolve) => setTimeout(resolve, 5));
		return sockets.at(-1) as Socket;
	};
	return {
		link,
		open: () => link.open(SIGN_ON_SETTINGS),
		async sendFromFarEnd(bytes) {
			(await connected()).write(bytes);
		},
		receivedAtFarEnd: () => Buffer.concat(received),
		async hangUpFarEnd() {
			(await connected()).destroy();
		},
		async dispose() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
});

describeLinkContract('TCP listener side (the simulator behind a bridge port)', async () => {
	const listener = await listenTcpLink({host: '127.0.0.1', port: 0});
	const sockets: Socket[] = [];
	const received: Buffer[] = [];
	const current = () => sockets.at(-1) as Socket;
	return {
		link: listener.link,
		async open() {
			const client = new Promise<Socket>((resolve, reject) => {
				const socket = connect({host: '127.0.0.1', port: listener.address.port}, () => resolve(socket));
				socket.on('data', (chunk) => received.push(chunk));
				socket.on('error', reject);
				sockets.push(socket);
			});
			await Promise.all([listener.link.open(SIGN_ON_SETTINGS), client]);
		},
		async sendFromFarEnd(bytes) {
			current().write(bytes);
		},
		receivedAtFarEnd: () => Buffer.concat(received),
		async hangUpFarEnd() {
			current().destroy();
		},
		async dispose() {
			for (const socket of sockets) socket.destroy();
			await listener.close();
		},
	};
});
