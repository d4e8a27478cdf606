import type {Link} from './link.ts';
import {type SerialBinding, SerialLink} from './serial-link.ts';
import {TcpLink} from './tcp-link.ts';

export interface CreateLinkOptions {
	/** Serial ports only; default: the native binding. MockBinding in tests. */
	readonly binding?: SerialBinding;
	/** Serial ports only; see SerialLinkOptions.lowLatency. Default false. */
	readonly lowLatency?: boolean;
	/** TCP bridges only, ms; see TcpLinkOptions. Default 10 000. */
	readonly connectTimeoutMs?: number;
	/** TCP bridges only, ms; see TcpLinkOptions. Default 1000. */
	readonly closeTimeoutMs?: number;
}

/**
 * The Link for a configured `port`: `tcp://host:port` is a serial-over-TCP bridge, anything else a
 * serial device path (`/dev/ttyUSB0`, `/dev/serial/by-id/…`, `COM3`). Other URL schemes are refused
 * rather than tried as a device path, which would only say "no such port".
 */
export function createLink(port: string, options: CreateLinkOptions = {}): Link {
	if (typeof port !== 'string' || port.trim() === '') {
		throw new TypeError(
			`port: expected a serial device such as /dev/ttyUSB0 or tcp://host:port, got ${show(port)}`,
		);
	}
	const scheme = /^([a-z][a-z\d+.-]*):\/\//i.exec(port)?.[1]?.toLowerCase();
	if (scheme === undefined) {
		return new SerialLink({
			path: port,
			...(options.binding === undefined ? {} : {binding: options.binding}),
			...(options.lowLatency === undefined ? {} : {lowLatency: options.lowLatency}),
		});
	}
	if (scheme !== 'tcp') {
		throw new TypeError(
			`port: ${show(port)} uses "${scheme}://"; only tcp://host:port bridges are supported`,
		);
	}
	const {host, portNumber} = parseTcpAddress(port);
	return new TcpLink({
		host,
		port: portNumber,
		...(options.connectTimeoutMs === undefined ? {} : {connectTimeoutMs: options.connectTimeoutMs}),
		...(options.closeTimeoutMs === undefined ? {} : {closeTimeoutMs: options.closeTimeoutMs}),
	});
}

function parseTcpAddress(port: string): {host: string; portNumber: number} {
	const invalid = (why: string, cause?: unknown) =>
		new TypeError(
			`port: ${show(port)} is not a valid tcp://host:port address (${why})`,
			cause === undefined ? undefined : {cause},
		);
	let url: URL;
	try {
		url = new URL(port);
	} catch (error) {
		throw invalid('cannot be parsed', error);
	}
	// URL drops a port equal to the scheme's default; tcp has none, so an empty port means none given.
	if (url.port === '') throw invalid('the port number is missing');
	if (url.hostname === '') throw invalid('the host is missing');
	if (url.username !== '' || url.password !== '') throw invalid('credentials are not supported');
	if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
		throw invalid('nothing may follow the port');
	}
	const portNumber = Number(url.port);
	if (portNumber < 1) throw invalid('the port must be 1 to 65535');
	// IPv6 literals come back in brackets: tcp://[::1]:2000.
	const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
	return {host, portNumber};
}

function show(value: unknown): string {
	return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
