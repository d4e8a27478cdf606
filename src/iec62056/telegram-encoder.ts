import {blockCheckCharacter} from './block-check.ts';
import {STX} from './control-characters.ts';
import {crc16} from './crc16.ts';
import {formatValuePart, type ValuePart} from './data-value.ts';
import {formatIdentification, type Identification} from './identification.ts';

/** What a meter says in one readout, before framing. */
export interface TelegramContent {
	readonly identification: Pick<Identification, 'manufacturer' | 'baudChar' | 'enhanced' | 'ident'>;
	/** Data lines: each holds one or more sets; each set has an address and its bracket values. */
	readonly lines: readonly (readonly EncodedDataSet[])[];
}

export interface EncodedDataSet {
	readonly address: string;
	/** One entry per bracket; an entry with several parts is written joined by `&`. */
	readonly values: readonly (ValuePart | readonly ValuePart[])[];
}

export interface TelegramFraming {
	/** `stx`: modes A/B/C (STX block ETX BCC); `push`: mode D; `dsmr`: push with `!XXXX` CRC16. Default `stx`. */
	readonly framing?: 'stx' | 'push' | 'dsmr';
	/** Line end inside the data block, default CR LF (L+G E350 uses LF LF). */
	readonly lineEnd?: string;
	/** Replace the correct BCC/CRC by this value, for fault injection. */
	readonly corruptCheckTo?: number;
}

/** The data block text: lines, then `!` and the line end. */
export function encodeDataBlock(lines: TelegramContent['lines'], lineEnd = '\r\n'): string {
	const body = lines
		.map((sets) =>
			sets
				.map(
					(set) =>
						`${set.address}${set.values
							.map((value) => `(${(Array.isArray(value) ? value : [value]).map(formatValuePart).join('&')})`)
							.join('')}`,
				)
				.join(''),
		)
		.map((line) => `${line}${lineEnd}`)
		.join('');
	return `${body}!${lineEnd}`;
}

/** The identification line as the meter sends it, CR LF included. */
export function encodeIdentification(identification: TelegramContent['identification']): Buffer {
	return Buffer.from(`${formatIdentification(identification)}\r\n`, 'latin1');
}

/** The data message: STX block ETX BCC for modes A–C, or the block alone for push framings. */
export function encodeDataMessage(content: TelegramContent, framing: TelegramFraming = {}): Buffer {
	const block = encodeDataBlock(content.lines, framing.lineEnd);
	const kind = framing.framing ?? 'stx';
	if (kind === 'stx') {
		const body = Buffer.from(`${block}\x03`, 'latin1');
		const bcc = framing.corruptCheckTo ?? blockCheckCharacter(body);
		return Buffer.concat([Buffer.of(STX), body, Buffer.of(bcc)]);
	}
	return Buffer.from(`\r\n${block}`, 'latin1');
}

/** A whole readout as the meter sends it: identification, then (immediately, as a capture shows it) the data message. */
export function encodeTelegram(content: TelegramContent, framing: TelegramFraming = {}): Buffer {
	const identification = encodeIdentification(content.identification);
	const kind = framing.framing ?? 'stx';
	if (kind !== 'dsmr') return Buffer.concat([identification, encodeDataMessage(content, framing)]);
	const block = encodeDataBlock(content.lines, framing.lineEnd);
	const checked = Buffer.concat([
		identification,
		Buffer.from(`\r\n${block.slice(0, block.lastIndexOf('!') + 1)}`, 'latin1'),
	]);
	const crc = framing.corruptCheckTo ?? crc16(checked);
	return Buffer.concat([
		checked,
		Buffer.from(`${crc.toString(16).toUpperCase().padStart(4, '0')}\r\n`, 'latin1'),
	]);
}
