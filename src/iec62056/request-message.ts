import {MalformedMessageError} from './protocol-errors.ts';

/** The sign-on request `/?[address]!CR LF` sent by the reader. */
export interface RequestMessage {
	/** Usually `?`; some meters want `2` or `#` (extra data on the Siemens 2WR5, L+G UH50 wake-up). */
	readonly queryChar: string;
	/** Optional device address (serial number or owner number); empty for "any meter". */
	readonly address: string;
}

/** IEC 62056-21 (6.3.1): a device address has at most 32 characters; smartmeter-obis caps it there too. */
export const MAX_ADDRESS_LENGTH = 32;

/**
 * Why a device address cannot go into the request `/?address!`, or undefined when it can. IEC 62056-21
 * (6.3.1) allows 0-9, A-Z, a-z and space: anything else either breaks the message (`/` starts one, `!`
 * ends it, `?`, `(` and `)` are the protocol's own, CR LF end the line) or no meter expects it.
 */
export function deviceAddressProblem(address: string): string | undefined {
	if (address.length > MAX_ADDRESS_LENGTH) {
		return `must be at most ${MAX_ADDRESS_LENGTH} characters long (it has ${address.length})`;
	}
	const bad = /[^0-9A-Za-z ]/.exec(address)?.[0];
	if (bad === undefined) return undefined;
	// JSON.stringify shows a control character as \r or \u0000 rather than printing it.
	return `${JSON.stringify(bad)} cannot be sent: a device address holds only 0-9, A-Z, a-z and space (IEC 62056-21)`;
}

/** Encodes a request to the bytes sent on the wire. Throws TypeError on an address the meter could not parse. */
export function encodeRequest(request: Partial<RequestMessage> = {}): Buffer {
	const queryChar = request.queryChar ?? '?';
	const address = request.address ?? '';
	if (queryChar.length !== 1 || /[/!\r\n]/.test(queryChar)) {
		throw new TypeError(
			`queryChar must be one character other than / ! CR LF, received ${JSON.stringify(queryChar)}`,
		);
	}
	const problem = deviceAddressProblem(address);
	if (problem !== undefined) {
		throw new TypeError(`address ${problem}, received ${JSON.stringify(address)}`);
	}
	return Buffer.from(`/${queryChar}${address}!\r\n`, 'latin1');
}

/** Parses a request line (without CR LF), e.g. an echo of our own request. */
export function parseRequest(line: string): RequestMessage {
	if (!line.startsWith('/') || !line.endsWith('!') || line.length < 3) {
		throw new MalformedMessageError('request', 'not of the form "/?[address]!"', line);
	}
	return {queryChar: line.charAt(1), address: line.slice(2, -1)};
}
