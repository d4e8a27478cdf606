import {describe, expect, it} from 'vitest';
import {
	encodeDataBlock,
	encodeDataMessage,
	encodeIdentification,
	encodeTelegram,
	type TelegramContent,
} from '../../../src/iec62056/telegram-encoder.ts';
import {referenceBcc, referenceCrc16Arc} from '../../helpers/reference-checks.ts';

const bcc = referenceBcc;

const crc16Arc = referenceCrc16Arc;

const CONTENT: TelegramContent = {
	identification: {manufacturer: 'LGZ', baudChar: '5', enhanced: ['2'], ident: 'ZMD3104407.B32'},
	lines: [
		[{address: '1-1:0.0.0', values: [{text: '50871031'}]}],
		[{address: '1-1:1.6.1', values: [{text: '27.19', unit: 'kW'}, {text: '1702090945'}]}],
	],
};
const BLOCK = '1-1:0.0.0(50871031)\r\n1-1:1.6.1(27.19*kW)(1702090945)\r\n!\r\n';

describe('encodeDataBlock', () => {
	it('writes one line per entry, then `!` and the line end', () => {
		expect(encodeDataBlock(CONTENT.lines)).toBe(BLOCK);
	});

	it('writes several sets of one line without separators', () => {
		expect(
			encodeDataBlock([
				[
					{address: '6.8', values: [{text: '0029.055', unit: 'MWh'}]},
					{address: '9.21', values: [{text: '00010213'}]},
				],
			]),
		).toBe('6.8(0029.055*MWh)9.21(00010213)\r\n!\r\n');
	});

	it('joins the parts of one value with `&`', () => {
		expect(
			encodeDataBlock([
				[
					{
						address: '9.4',
						values: [
							[
								{text: '088', unit: 'C'},
								{text: '082', unit: 'C'},
							],
						],
					},
				],
			]),
		).toBe('9.4(088*C&082*C)\r\n!\r\n');
	});

	it('writes an empty unit as `*` and a trailer after a space', () => {
		expect(
			encodeDataBlock([
				[{address: '1.8.0', values: [{text: '013925.5', unit: ''}]}],
				[{address: '1.6.0*5', values: [{text: '1.124', unit: 'kW', trailer: '1250625171500'}]}],
			]),
		).toBe('1.8.0(013925.5*)\r\n1.6.0*5(1.124*kW 1250625171500)\r\n!\r\n');
	});

	it('uses the given line end (LF LF for the L+G E350)', () => {
		expect(encodeDataBlock([[{address: 'F.F', values: [{text: '00'}]}]], '\n\n')).toBe('F.F(00)\n\n!\n\n');
	});

	it('writes an empty block as `!` alone', () => {
		expect(encodeDataBlock([])).toBe('!\r\n');
	});
});

describe('encodeIdentification', () => {
	it('writes `/XXXZ\\W ident` and CR LF', () => {
		expect(encodeIdentification(CONTENT.identification).toString('latin1')).toBe(
			'/LGZ5\\2ZMD3104407.B32\r\n',
		);
	});

	it('writes several enhanced characters and keeps a trailing space', () => {
		expect(
			encodeIdentification({
				manufacturer: 'ELS',
				baudChar: '5',
				enhanced: ['@', '2'],
				ident: 'V9.30 ',
			}).toString('latin1'),
		).toBe('/ELS5\\@\\2V9.30 \r\n');
	});
});

describe('encodeDataMessage', () => {
	it('frames the block as STX block ETX BCC with the XOR of everything after STX up to ETX', () => {
		expect(encodeDataMessage(CONTENT).toString('latin1')).toBe(
			`\x02${BLOCK}\x03${String.fromCharCode(bcc(`${BLOCK}\x03`))}`,
		);
	});

	it('writes the BCC the fault injection asks for', () => {
		const message = encodeDataMessage(CONTENT, {corruptCheckTo: 0x00});
		expect(message.at(-1)).toBe(0x00);
		expect(message.at(-2)).toBe(0x03);
	});

	it('writes a push data message as a blank line and the block, without STX, ETX or BCC', () => {
		expect(encodeDataMessage(CONTENT, {framing: 'push'}).toString('latin1')).toBe(`\r\n${BLOCK}`);
	});
});

describe('encodeTelegram', () => {
	it('writes the identification immediately followed by the STX data message', () => {
		expect(encodeTelegram(CONTENT).toString('latin1')).toBe(
			`/LGZ5\\2ZMD3104407.B32\r\n\x02${BLOCK}\x03${String.fromCharCode(bcc(`${BLOCK}\x03`))}`,
		);
	});

	it('writes a mode D push telegram: identification, blank line, block', () => {
		expect(encodeTelegram(CONTENT, {framing: 'push'}).toString('latin1')).toBe(
			`/LGZ5\\2ZMD3104407.B32\r\n\r\n${BLOCK}`,
		);
	});

	it('ends a DSMR telegram with `!` and the CRC16 over `/` … `!` as four upper-case hex digits', () => {
		const checked = `/LGZ5\\2ZMD3104407.B32\r\n\r\n${BLOCK.slice(0, BLOCK.lastIndexOf('!') + 1)}`;
		const crc = crc16Arc(checked).toString(16).toUpperCase().padStart(4, '0');
		expect(encodeTelegram(CONTENT, {framing: 'dsmr'}).toString('latin1')).toBe(`${checked}${crc}\r\n`);
	});

	it('pads a small DSMR check value to four hex digits', () => {
		expect(encodeTelegram(CONTENT, {framing: 'dsmr', corruptCheckTo: 0xab}).toString('latin1')).toMatch(
			/!00AB\r\n$/,
		);
	});

	it('uses a CRC-16/ARC oracle whose check value for "123456789" is 0xBB3D', () => {
		expect(crc16Arc('123456789')).toBe(0xbb3d);
	});
});
