import {MalformedMessageError} from './protocol-errors.ts';

/** The sign-on request `/?[address]!CR LF` sent by the reader. */
export interface RequestMessage {
	/** Usually `?`; some meters want `2` or `#` (extra data on the Siemens 2WR5, L+G UH50 wake-up). */
	readonly queryChar: string;
	/** Optional device address (serial number or owner number); empty for "any meter". */
	readonly address: string;
}

/** smartmeter-obis and the EMH manuals agree on 32 characters as the practical cap. */
export const MAX_ADDRESS_LENGTH = 32;

/** Encodes a request to the bytes sent on the wire. Throws TypeError on an address the meter could not parse. */
export function encodeRequest(request: Partial<RequestMessage> = {}): Buffer {
	const queryChar = request.queryChar ?? '?';
	const address = request.address ?? '';
	if (queryChar.length !== 1 || /[/!\r\n]/.test(queryChar)) {
		throw new TypeError(
			`queryChar must be one character other than / ! CR LF, received ${JSON.stringify(queryChar)}`,
		);
	}
	if (address.length > MAX_ADDRESS_LENGTH || !/^[\x20-\x7e]*$/.test(address) || /[/!]/.test(address)) {
		throw new TypeError(
			`address must be at most ${MAX_ADDRESS_LENGTH} printable characters without / or !, received ${JSON.stringify(address)}`,
		);
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
