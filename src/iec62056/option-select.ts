import {MalformedMessageError} from './protocol-errors.ts';

/**
 * The acknowledgement / option select message `ACK V Z Y CR LF` (modes C and E).
 * V: protocol control (`0` normal, `1` secondary, `2` HDLC/mode E).
 * Z: baud character of the rate to switch to. Y: `0` data readout, `1` programming, `2` binary.
 */
export interface OptionSelect {
	readonly protocolControl: string;
	readonly baudChar: string;
	readonly modeControl: string;
}

export function encodeOptionSelect(option: OptionSelect): Buffer {
	for (const [name, value] of Object.entries(option)) {
		if (typeof value !== 'string' || !/^[0-9A-Za-z]$/.test(value)) {
			throw new TypeError(
				`option select ${name} must be one letter or digit, received ${JSON.stringify(value)}`,
			);
		}
	}
	return Buffer.from(`\x06${option.protocolControl}${option.baudChar}${option.modeControl}\r\n`, 'latin1');
}

/** Parses `ACK V Z Y` (without CR LF), e.g. the echo of our own ACK from a half-duplex IR head. */
export function parseOptionSelect(line: string): OptionSelect {
	if (line.length !== 4 || line.charCodeAt(0) !== 0x06) {
		throw new MalformedMessageError('option select', 'not of the form ACK V Z Y', line);
	}
	return {protocolControl: line.charAt(1), baudChar: line.charAt(2), modeControl: line.charAt(3)};
}
