import {createServer, type IncomingHttpHeaders, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {gunzipSync} from 'node:zlib';
import {HttpError} from '@influxdata/influxdb-client';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	DEFAULT_INFLUX_LINE_WRITER_OPTIONS,
	InfluxLineWriter,
	networkFailureWords,
} from '../../../src/output/influx-line-writer.ts';
import type {InfluxTarget} from '../../../src/output/influx-target.ts';
import {InfluxWriteError} from '../../../src/output/influx-write-error.ts';
import {freePort} from '../../helpers/free-port.ts';

/** One request as the stand-in server saw it; the body is gunzipped when it came compressed. */
interface Received {
	readonly method: string;
	readonly path: string;
	readonly query: Readonly<Record<string, string>>;
	readonly headers: IncomingHttpHeaders;
	readonly body: string;
}

type Answer = (request: Received, response: ServerResponse) => void;

const noContent: Answer = (_request, response) => {
	response.writeHead(204).end();
};

let server: Server;
let url: string;
let answer: Answer;
let received: Received[];

beforeEach(async () => {
	answer = noContent;
	received = [];
	server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const raw = Buffer.concat(chunks);
			const target = new URL(request.url ?? '/', 'http://stand-in.invalid');
			const entry = {
				method: request.method ?? '',
				path: target.pathname,
				query: Object.fromEntries(target.searchParams),
				headers: request.headers,
				body: (request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
			};
			received.push(entry);
			answer(entry, response);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const LINES = [
	'meter,meter=50871031,obis=1.8.1,unit=kWh value=21271 1462363200',
	'meter,meter=50871031,obis=1.8.2,unit=kWh value=4713.5 1462363200',
];

const v2 = (): InfluxTarget => ({kind: 'v2', url, org: 'home', bucket: 'meters', token: 'the-token'});

function answerWith(status: number, body = '', headers: Record<string, string> = {}): Answer {
	return (_request, response) => {
		response.writeHead(status, headers).end(body);
	};
}

/** The InfluxWriteError a send fails with. */
async function failure(
	writer: InfluxLineWriter,
	lines: readonly string[] = LINES,
): Promise<InfluxWriteError> {
	const error: unknown = await writer.send(lines).then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(InfluxWriteError);
	return error as InfluxWriteError;
}

describe('InfluxLineWriter', () => {
	describe('on success', () => {
		it('resolves when the server answers 204', async () => {
			await expect(new InfluxLineWriter(v2()).send(LINES)).resolves.toBeUndefined();
		});

		it('sends the lines as one POST body, one line each', async () => {
			await new InfluxLineWriter(v2()).send(LINES);
			expect(received).toHaveLength(1);
			expect(received[0]?.method).toBe('POST');
			expect(received[0]?.body).toBe(LINES.join('\n'));
		});

		it('sends nothing for no lines', async () => {
			await new InfluxLineWriter(v2()).send([]);
			expect(received).toEqual([]);
		});

		it('sends lines already in one UTF-8 buffer (sendText) as send() sends them, without the last line end', async () => {
			const text = Buffer.from(`${LINES.join('\n')}\nmeter,obis=C.1.0 text="Zähler" 1\n`, 'utf8');
			await new InfluxLineWriter(v2()).sendText(text);
			expect(received).toHaveLength(1);
			expect(received[0]?.path).toBe('/api/v2/write');
			expect(received[0]?.query).toEqual({org: 'home', bucket: 'meters', precision: 's'});
			expect(received[0]?.body).toBe(text.toString('utf8').slice(0, -1));
		});

		it('sends nothing for an empty buffer', async () => {
			await new InfluxLineWriter(v2()).sendText(new Uint8Array(0));
			expect(received).toEqual([]);
		});

		it("fails sendText as it fails send: a 400 is a dead letter with the server's words", async () => {
			answer = answerWith(400, '{"error":"unable to parse"}', {'content-type': 'application/json'});
			const error: unknown = await new InfluxLineWriter(v2())
				.sendText(Buffer.from('bad line\n'))
				.catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(InfluxWriteError);
			expect((error as InfluxWriteError).disposition).toBe('dead-letter');
			expect((error as InfluxWriteError).message).toContain('unable to parse');
		});

		it('resolves when the server answers another 2xx, such as 200 from a proxy', async () => {
			answer = answerWith(200, 'ok');
			await expect(new InfluxLineWriter(v2()).send(LINES)).resolves.toBeUndefined();
		});
	});

	describe('requests by target kind', () => {
		it('writes v2 to /api/v2/write with org, bucket, seconds precision and a Token header', async () => {
			await new InfluxLineWriter(v2()).send(LINES);
			expect(received[0]?.path).toBe('/api/v2/write');
			expect(received[0]?.query).toEqual({org: 'home', bucket: 'meters', precision: 's'});
			expect(received[0]?.headers.authorization).toBe('Token the-token');
		});

		it('escapes org and bucket in the v2 query', async () => {
			await new InfluxLineWriter({kind: 'v2', url, org: 'my home', bucket: 'a&b=c', token: 't'}).send(LINES);
			expect(received[0]?.query).toEqual({org: 'my home', bucket: 'a&b=c', precision: 's'});
		});

		it('writes v1-compat to /api/v2/write with bucket database/rp and token username:password', async () => {
			const target: InfluxTarget = {
				kind: 'v1-compat',
				url,
				database: 'meters',
				retentionPolicy: 'autogen',
				username: 'logger',
				password: 'secret',
			};
			await new InfluxLineWriter(target).send(LINES);
			expect(received[0]?.path).toBe('/api/v2/write');
			expect(received[0]?.query).toEqual({org: '', bucket: 'meters/autogen', precision: 's'});
			expect(received[0]?.headers.authorization).toBe('Token logger:secret');
		});

		it('names only the database as v1-compat bucket when no retention policy is set', async () => {
			await new InfluxLineWriter({kind: 'v1-compat', url, database: 'meters'}).send(LINES);
			expect(received[0]?.query).toEqual({org: '', bucket: 'meters', precision: 's'});
		});

		it('sends no Authorization header for v1-compat without a username', async () => {
			await new InfluxLineWriter({kind: 'v1-compat', url, database: 'meters'}).send(LINES);
			expect(received[0]?.headers.authorization).toBeUndefined();
		});

		it('writes v1 to the legacy /write with db, rp, seconds precision and u/p in the query', async () => {
			const target: InfluxTarget = {
				kind: 'v1',
				url,
				database: 'meters',
				retentionPolicy: 'forever',
				username: 'logger',
				password: 'p@ss word',
			};
			await new InfluxLineWriter(target).send(LINES);
			expect(received[0]?.path).toBe('/write');
			expect(received[0]?.query).toEqual({
				db: 'meters',
				rp: 'forever',
				precision: 's',
				u: 'logger',
				p: 'p@ss word',
			});
		});

		it('sends no Authorization header for v1 (1.x before 1.8 does not know Token)', async () => {
			const target: InfluxTarget = {kind: 'v1', url, database: 'meters', username: 'u', password: 'p'};
			await new InfluxLineWriter(target).send(LINES);
			expect(received[0]?.headers.authorization).toBeUndefined();
		});

		it('keeps a path prefix of the url (InfluxDB behind a reverse proxy)', async () => {
			await new InfluxLineWriter({kind: 'v1', url: `${url}/influx`, database: 'meters'}).send(LINES);
			expect(received[0]?.path).toBe('/influx/write');
		});
	});

	describe('compression', () => {
		it('gzips a body larger than the threshold, which the server gunzips to the lines', async () => {
			const lines = Array.from(
				{length: 100},
				(_, index) => `meter,obis=1.8.1 value=${index} ${1_700_000_000 + index}`,
			);
			await new InfluxLineWriter(v2(), {gzipThresholdBytes: 1000}).send(lines);
			expect(received[0]?.headers['content-encoding']).toBe('gzip');
			expect(received[0]?.body).toBe(lines.join('\n'));
		});

		it('gzips a buffer (sendText) larger than the threshold as it gzips lines', async () => {
			const text = Buffer.from(`${'meter,obis=1.8.1 text="Zähler" 1\n'.repeat(50)}`, 'utf8');
			await new InfluxLineWriter(v2(), {gzipThresholdBytes: 1000}).sendText(text);
			expect(received[0]?.headers['content-encoding']).toBe('gzip');
			expect(received[0]?.body).toBe(text.toString('utf8').slice(0, -1));
		});

		it('sends a body of exactly the threshold uncompressed', async () => {
			const line = 'x'.repeat(DEFAULT_INFLUX_LINE_WRITER_OPTIONS.gzipThresholdBytes);
			await new InfluxLineWriter(v2()).send([line]);
			expect(received[0]?.headers['content-encoding']).toBeUndefined();
			expect(received[0]?.body).toBe(line);
		});

		it('gzips a body one byte over the default threshold of 1000 bytes', async () => {
			await new InfluxLineWriter(v2()).send(['x'.repeat(1001)]);
			expect(received[0]?.headers['content-encoding']).toBe('gzip');
		});
	});

	describe('failures', () => {
		it('dead-letters a 400, with the server body in the message', async () => {
			answer = answerWith(
				400,
				'{"code":"invalid","message":"unable to parse \'meter value=\': missing field"}',
				{
					'content-type': 'application/json',
				},
			);
			const error = await failure(new InfluxLineWriter(v2()));
			expect([error.disposition, error.status]).toEqual(['dead-letter', 400]);
			expect(error.message).toMatch(
				/^http:\/\/127\.0\.0\.1:\d+ \(bucket meters\): HTTP 400: .*unable to parse/,
			);
		});

		it('dead-letters a 1.x field type conflict, with its error text in the message', async () => {
			answer = answerWith(400, '{"error":"partial write: field type conflict: input field \\"value\\""}', {
				'content-type': 'application/json',
				'x-influxdb-error': 'partial write: field type conflict',
			});
			const error = await failure(new InfluxLineWriter({kind: 'v1', url, database: 'meters'}));
			expect(error.disposition).toBe('dead-letter');
			expect(error.message).toContain('field type conflict');
		});

		it.each([401, 403])('holds a %i and advises checking the credentials', async (status) => {
			answer = answerWith(status, '{"code":"unauthorized","message":"unauthorized access"}');
			const error = await failure(new InfluxLineWriter(v2()));
			expect([error.disposition, error.status]).toEqual(['hold', status]);
			expect(error.message).toContain('(check the token or username/password)');
		});

		it('holds a 404 and asks whether the bucket exists when the server is a 2.x', async () => {
			answer = (request, response) => {
				if (request.path === '/ping') response.writeHead(204, {'X-Influxdb-Version': 'v2.7.11'}).end();
				else response.writeHead(404).end('{"code":"not found","message":"bucket \\"meters\\" not found"}');
			};
			const error = await failure(new InfluxLineWriter(v2()));
			expect([error.disposition, error.status]).toEqual(['hold', 404]);
			expect(error.message).toContain('(does bucket "meters" in org "home" exist?)');
		});

		it('says which version to set when version 2 is configured and the server is a 1.x', async () => {
			let version = '1.6.7';
			answer = (request, response) => {
				if (request.path === '/ping') response.writeHead(204, {'X-Influxdb-Version': version}).end();
				else response.writeHead(404).end('404 page not found');
			};
			const error = await failure(new InfluxLineWriter(v2()));
			expect(error.message).toContain(
				'(the server is InfluxDB 1.6.7: set influxdb.version to "1" and name the database in influxdb.database)',
			);
			expect(error.message).not.toContain('exist');
			version = '1.8.10';
			const later = await failure(new InfluxLineWriter(v2()));
			expect(later.message).toContain('set influxdb.version to "1.8"');
		});

		it('asks /ping once per writer, not on every failed write', async () => {
			answer = (request, response) => {
				if (request.path === '/ping') response.writeHead(204, {'X-Influxdb-Version': '1.6.7'}).end();
				else response.writeHead(404).end();
			};
			const writer = new InfluxLineWriter(v2());
			await failure(writer);
			await failure(writer);
			expect(received.filter((request) => request.path === '/ping')).toHaveLength(1);
		});

		it('falls back to asking about the bucket when the server does not say its version', async () => {
			answer = answerWith(404, 'not found');
			const error = await failure(new InfluxLineWriter(v2()));
			expect(error.message).toContain('(does bucket "meters" in org "home" exist?)');
		});

		it('holds a 413 (the body is larger than the server takes)', async () => {
			answer = answerWith(413, 'Request Entity Too Large');
			const error = await failure(new InfluxLineWriter(v2()));
			expect([error.disposition, error.status]).toEqual(['hold', 413]);
		});

		it('holds a redirect, which the writer does not follow, with the advice to use its target', async () => {
			answer = answerWith(308, '', {location: 'https://influx.example/api/v2/write'});
			const error = await failure(new InfluxLineWriter(v2()));
			expect([error.disposition, error.status]).toEqual(['hold', 308]);
			expect(error.message).toContain('https://influx.example/');
		});

		it.each([429, 503])('retries a %i after its Retry-After: 30, read as seconds', async (status) => {
			answer = answerWith(status, 'busy', {'retry-after': '30'});
			const error = await failure(new InfluxLineWriter(v2()));
			expect([error.disposition, error.status, error.retryAfterMs]).toEqual(['retry', status, 30_000]);
		});

		it("does not take the client library's Retry-After reading, which counts milliseconds", async () => {
			answer = answerWith(429, 'busy', {'retry-after': '30'});
			const error = await failure(new InfluxLineWriter(v2()));
			expect(error.cause).toBeInstanceOf(HttpError);
			expect((error.cause as HttpError).retryAfter()).toBe(30);
			expect(error.retryAfterMs).toBe(30_000);
		});

		it('reads a Retry-After given as an HTTP date', async () => {
			const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
			answer = answerWith(503, 'maintenance', {'retry-after': inOneMinute});
			const error = await failure(new InfluxLineWriter(v2()));
			expect(error.retryAfterMs).toBeGreaterThan(55_000);
			expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
		});

		it('retries a 500 without Retry-After, leaving the delay to the backoff', async () => {
			answer = answerWith(500, 'internal error');
			const error = await failure(new InfluxLineWriter(v2()));
			expect([error.disposition, error.status, error.retryAfterMs]).toEqual(['retry', 500, undefined]);
		});

		it('retries when the connection is refused, saying so in words with the address once', async () => {
			const closedPort = await freePort();
			const writer = new InfluxLineWriter({...v2(), url: `http://127.0.0.1:${closedPort}`} as InfluxTarget);
			const error = await failure(writer);
			expect([error.disposition, error.status]).toEqual(['retry', undefined]);
			expect(error.message).toBe(
				`http://127.0.0.1:${closedPort} (bucket meters): connection refused (is the server running, on this port?)`,
			);
			expect(error.cause).toBeInstanceOf(Error);
		});

		it('retries when the server does not answer within timeoutMs', async () => {
			answer = () => undefined;
			const error = await failure(new InfluxLineWriter(v2(), {timeoutMs: 100}));
			expect(error.disposition).toBe('retry');
			expect(error.message).toMatch(/timed out/i);
		});

		it('makes only one attempt per send: the spool owns the retries', async () => {
			answer = answerWith(503, 'busy');
			await failure(new InfluxLineWriter(v2()));
			expect(received).toHaveLength(1);
		});

		it('keeps a long server answer out of the message beyond 300 characters', async () => {
			answer = answerWith(400, `unable to parse: ${'x'.repeat(2000)}`);
			const error = await failure(new InfluxLineWriter(v2()));
			expect(error.message.length).toBeLessThan(400);
		});
	});

	describe('construction', () => {
		it.each(['nas:8086', 'ftp://nas:8086', '', 'http://'])('refuses the url %j with a TypeError', (bad) => {
			expect(() => new InfluxLineWriter({...v2(), url: bad} as InfluxTarget)).toThrow(TypeError);
		});

		it('names the option and the received value in the url TypeError', () => {
			expect(() => new InfluxLineWriter({kind: 'v1', url: 'nas:8086', database: 'm'})).toThrow(
				'InfluxDB url must start with http:// or https://, received "nas:8086"',
			);
		});

		it('describes its target without credentials', () => {
			expect(new InfluxLineWriter(v2()).description).toBe(`${url} (bucket meters)`);
		});
	});
});

describe('networkFailureWords', () => {
	it('words the common codes and keeps other messages, with the code once', () => {
		expect(networkFailureWords('ENOTFOUND', 'getaddrinfo ENOTFOUND db')).toBe(
			'no such host (check the name in influxdb.url)',
		);
		expect(networkFailureWords('EPROTO', 'write EPROTO x')).toBe('write EPROTO x');
		expect(networkFailureWords('EWEIRD', 'socket broke')).toBe('EWEIRD socket broke');
		expect(networkFailureWords(undefined, 'Request timed out')).toBe('Request timed out');
	});
});
