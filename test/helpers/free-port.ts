import {createServer} from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, chosen by the kernel. The port is released
 * before the caller binds it, so another process may take it in between: callers that start a server on it
 * report the server's log when it fails to bind, which makes that (rare) race visible.
 */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen({host: '127.0.0.1', port: 0, exclusive: true}, resolve);
	});
	const address = server.address();
	await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
	if (address === null || typeof address === 'string')
		throw new Error(`freePort: unexpected server address ${String(address)}`);
	return address.port;
}
