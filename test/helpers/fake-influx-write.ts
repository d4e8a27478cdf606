import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {gunzipSync} from 'node:zlib';

/** How the stand-in answers a write: 204, or a status and the JSON error InfluxDB 1.x would send. */
export interface FakeWriteAnswer {
	readonly status: number;
	readonly error?: string;
}

export interface FakeInfluxWrite {
	/** `http://127.0.0.1:<port>`. */
	readonly url: string;
	/** Lines the stand-in took (answered 204). */
	readonly stored: string[];
	/** Requests to /write so far. */
	readonly requests: () => number;
	close(): Promise<void>;
}

/**
 * A stand-in for the InfluxDB 1.x `/write` endpoint on a free loopback port, for unit tests of what the
 * write path says: `answer` decides per request (its lines) what the server replies. Integration tests
 * use the real influxd (influxd-server.ts).
 */
export async function startFakeInfluxWrite(
	answer: (lines: readonly string[]) => FakeWriteAnswer = () => ({status: 204}),
	port = 0,
): Promise<FakeInfluxWrite> {
	const stored: string[] = [];
	let requests = 0;
	const server = createServer((request: IncomingMessage, response: ServerResponse) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			if (!request.url?.startsWith('/write')) {
				response.writeHead(request.url?.startsWith('/ping') ? 204 : 404).end();
				return;
			}
			requests++;
			const body = Buffer.concat(chunks);
			const lines = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body)
				.toString('utf8')
				.split('\n')
				.filter((line) => line !== '');
			const {status, error} = answer(lines);
			if (status === 204) stored.push(...lines);
			response
				.writeHead(status, {'content-type': 'application/json'})
				.end(error === undefined ? undefined : JSON.stringify({error}));
		});
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		stored,
		requests: () => requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** InfluxDB 1.6's answer to a float `value` on a measurement where `value` is a string. */
export function fieldTypeConflict(dropped: number): FakeWriteAnswer {
	return {
		status: 400,
		error: `partial write: field type conflict: input field "value" on measurement "meter" is type float, already exists as type string dropped=${dropped}`,
	};
}
