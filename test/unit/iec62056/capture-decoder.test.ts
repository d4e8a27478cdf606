import {describe, expect, it} from 'vitest';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {BlockCheckError, ProtocolError, TruncatedBlockError} from '../../../src/iec62056/protocol-errors.ts';
import {referenceCrc16Arc} from '../../helpers/reference-checks.ts';

/** XOR of every byte after STX up to and including ETX. */
function bcc(text: string): string {
	let value = 0;
	for (const byte of Buffer.from(text, 'latin1')) value ^= byte;
	return String.fromCharCode(value);
}

function stxBlock(block: string, check?: string): string {
	return `\x02${block}\x03${check ?? bcc(`${block}\x03`)}`;
}

function decode(text: string, options?: Parameters<typeof decodeCapture>[1]) {
	return decodeCapture(Buffer.from(text, 'latin1'), options);
}

const crc16Arc = referenceCrc16Arc;

const IDENT = '/ISk5MT174-0001\r\n';
const BLOCK = '1-0:0.9.2*255(0170318)\r\n1-0:1.8.0*255(0008048.375*kWh)\r\n!\r\n';
const READOUT = `${IDENT}${stxBlock(BLOCK)}`;
const PUSH = '/EMH5----eHZ-E0018E\r\n\r\n1-0:1.8.1*255(032942.0231)\r\n1-0:96.5.5*255(80)\r\n!\r\n';

describe('decodeCapture', () => {
	it('decodes a mode C readout into one telegram with its identification and data sets', () => {
		const {telegrams, errors} = decode(READOUT);
		expect(errors).toEqual([]);
		expect(telegrams).toHaveLength(1);
		expect(telegrams[0]).toMatchObject({
			identification: {manufacturer: 'ISk', ident: 'MT174-0001', reactionTimeMs: 20},
			framing: 'stx',
			check: {algorithm: 'bcc', ok: true},
			complete: true,
			malformed: [],
		});
		expect(telegrams[0]?.dataSets.map((set) => set.key)).toEqual(['0.9.2', '1.8.0']);
	});

	it("gives a telegram's bytes as a view of a Buffer capture, and as a copy of any other", () => {
		for (const asBuffer of [true, false]) {
			const capture = Buffer.from(READOUT, 'latin1');
			const input = asBuffer ? capture : new Uint8Array(capture);
			const [telegram] = decodeCapture(input).telegrams;
			expect(telegram?.bytes.toString('latin1')).toBe(stxBlock(BLOCK));
			input.fill(0x20);
			const changed = telegram?.bytes.toString('latin1') !== stxBlock(BLOCK);
			expect(changed).toBe(asBuffer);
		}
	});

	it('rejects a block with a bad BCC: no telegram, one retryable BlockCheckError', () => {
		const good = bcc(`${BLOCK}\x03`).charCodeAt(0);
		const {telegrams, errors} = decode(`${IDENT}${stxBlock(BLOCK, String.fromCharCode(good ^ 0x20))}`);
		expect(telegrams).toEqual([]);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toBeInstanceOf(BlockCheckError);
		expect(errors[0]).toMatchObject({
			algorithm: 'bcc',
			expected: good,
			received: good ^ 0x20,
			retryable: true,
		});
	});

	it('accepts a block with a bad BCC when told to ignore the block check', () => {
		const {telegrams, errors} = decode(`${IDENT}${stxBlock(BLOCK, '\x00')}`, {ignoreBlockCheck: true});
		expect(errors).toEqual([]);
		expect(telegrams[0]?.dataSets).toHaveLength(2);
		expect(telegrams[0]?.check.ok).toBe(false);
	});

	it('still requires ETX when the block check is ignored', () => {
		const {telegrams, errors} = decode(`${IDENT}\x02${BLOCK}`, {ignoreBlockCheck: true});
		expect(telegrams).toEqual([]);
		expect(errors[0]).toBeInstanceOf(TruncatedBlockError);
	});

	it('still requires the end mark `!` when the block check is ignored', () => {
		const noBang = '1-0:1.8.0*255(0008048.375*kWh)\r\n';
		const {telegrams, errors} = decode(`${IDENT}${stxBlock(noBang, '\x00')}`, {ignoreBlockCheck: true});
		expect(telegrams).toEqual([]);
		expect(errors[0]).toBeInstanceOf(TruncatedBlockError);
	});

	it('takes a block with a good BCC but no `!` as a whole answer (a register read), with a note', () => {
		const {telegrams, errors} = decode(stxBlock('3:171.0(0)'));
		expect(errors).toEqual([]);
		expect(telegrams).toHaveLength(1);
		expect(telegrams[0]?.complete).toBe(false);
		expect(telegrams[0]?.dataSets.map((set) => set.address)).toEqual(['3:171.0']);
		expect(telegrams[0]?.notes?.[0]).toMatch(/without "!" end mark .*register read/);
	});

	it('calls STX…ETX spans of random bytes noise, not a checksum error', () => {
		let seed = 7;
		const random = Buffer.from(
			Array.from({length: 4096}, () => {
				seed = (seed * 1103515245 + 12345) % 2147483648;
				return (seed >> 16) & 0xff;
			}),
		);
		const {telegrams, errors, garbledBlocks} = decodeCapture(random);
		expect(telegrams).toEqual([]);
		expect(errors.filter((error) => error instanceof BlockCheckError)).toEqual([]);
		expect(garbledBlocks).toBeGreaterThan(0);
	});

	it('never uses the values of a block cut off before ETX', () => {
		const {telegrams, errors} = decode(`${IDENT}\x02${BLOCK.slice(0, 30)}`);
		expect(telegrams).toEqual([]);
		expect(errors.map((error) => error.constructor)).toEqual([TruncatedBlockError]);
	});

	it('decodes a mode D push telegram without a check', () => {
		const {telegrams, errors} = decode(PUSH);
		expect(errors).toEqual([]);
		expect(telegrams[0]).toMatchObject({
			identification: {manufacturer: 'EMH', ident: '----eHZ-E0018E'},
			framing: 'push',
			check: {algorithm: 'none', ok: true},
		});
		expect(telegrams[0]?.dataSets.map((set) => set.values[0]?.text)).toEqual(['032942.0231', '80']);
	});

	it('decodes a DSMR telegram whose CRC16 matches', () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n0-0:1.0.0(161113205757W)\r\n!';
		const crc = crc16Arc(body).toString(16).toUpperCase().padStart(4, '0');
		const {telegrams, errors} = decode(`${body}${crc}\r\n`);
		expect(errors).toEqual([]);
		expect(telegrams[0]?.check).toMatchObject({algorithm: 'crc16', ok: true});
		expect(telegrams[0]?.dataSets.map((set) => set.key)).toEqual(['0.2.8', '1.0.0']);
	});

	it('rejects a DSMR telegram whose CRC16 does not match with a crc16 BlockCheckError', () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n!';
		const wrong = (crc16Arc(body) ^ 0xffff).toString(16).padStart(4, '0');
		const {telegrams, errors} = decode(`${body}${wrong}\r\n`);
		expect(telegrams).toEqual([]);
		expect(errors[0]).toBeInstanceOf(BlockCheckError);
		expect(errors[0]).toMatchObject({algorithm: 'crc16'});
	});

	it('decodes the identification of the meter, not the echoed request before it', () => {
		const {telegrams} = decode(`/?!\r\n${READOUT}`);
		expect(telegrams[0]?.identification?.manufacturer).toBe('ISk');
	});

	it('decodes a readout behind DEL/NUL noise, an echoed ACK and garbage after the BCC', () => {
		const {telegrams, errors} = decode(`\x7f\x00\x7f${IDENT}\x06050\r\n${stxBlock(BLOCK)}F\x7f`);
		expect(errors).toEqual([]);
		expect(telegrams).toHaveLength(1);
		expect(telegrams[0]?.dataSets).toHaveLength(2);
	});

	it('decodes two concatenated readouts as two telegrams, each with its own identification', () => {
		const second = `/LGZ5\\2ZMD3104407.B32\r\n${stxBlock('1-1:0.0.0(50871031)\r\n!\r\n')}`;
		const {telegrams} = decode(`${READOUT}${second}`);
		expect(telegrams.map((telegram) => telegram.identification?.manufacturer)).toEqual(['ISk', 'LGZ']);
	});

	it('does not hand one identification to a second block that came without one', () => {
		const {telegrams} = decode(`${READOUT}${stxBlock(BLOCK)}`);
		expect(telegrams).toHaveLength(2);
		expect(telegrams[1]?.identification).toBeUndefined();
	});

	it('reports malformed lines beside the good data sets', () => {
		const block = 'F.F(00)\r\n1.8.0(013925.5*)Y\x02\x02\x01\x00!\r\n';
		const {telegrams} = decode(stxBlock(block));
		expect(telegrams[0]?.dataSets.map((set) => set.key)).toEqual(['F.F', '1.8.0']);
		expect(telegrams[0]?.malformed.map(({line}) => line)).toEqual([2]);
	});

	it('decodes pasted data lines without any framing as a text telegram', () => {
		const {telegrams, errors} = decode('1.8.0(000123.4*kWh)\r\n2.8.0(000000.0*kWh)\r\n');
		expect(errors).toEqual([]);
		expect(telegrams[0]).toMatchObject({framing: 'text', check: {algorithm: 'none', ok: true}});
		expect(telegrams[0]?.dataSets.map((set) => set.key)).toEqual(['1.8.0', '2.8.0']);
	});

	it('finds nothing in pure noise', () => {
		expect(decode('\x7f\x7f\x00\x00')).toEqual({
			telegrams: [],
			errors: [],
			highBitBytes: 0,
			garbledBlocks: 0,
		});
	});

	it('counts bytes with bit 7 set and finds no telegram when 7E1 data is read as 8N1', () => {
		const parity = (byte: number) => (byte.toString(2).split('1').length % 2 === 0 ? byte | 0x80 : byte);
		const sevenE1 = Buffer.from(Array.from(Buffer.from(READOUT, 'latin1'), parity));
		const expected = sevenE1.filter((byte) => byte > 0x7f).length;
		const plain = decodeCapture(sevenE1);
		expect(plain.telegrams).toEqual([]);
		expect(plain.highBitBytes).toBe(expected);
		const stripped = decodeCapture(sevenE1, {parity: 'strip-even'});
		expect(stripped.telegrams[0]?.dataSets).toHaveLength(2);
	});

	it('reports every error as a ProtocolError', () => {
		const {errors} = decode(`${stxBlock(BLOCK, '\x00')}\x02${BLOCK}`);
		expect(errors.length).toBe(2);
		for (const error of errors) expect(error).toBeInstanceOf(ProtocolError);
	});

	// `p` of `Imp/kWh` received as LF makes `/kWh)` a line start: it must not become an unchecked push
	// telegram (§8c items 15 and 16).
	it('takes no values from a BCC-protected block cut short by a corrupted byte', () => {
		const block = '1-0:0.3.0*255(6.00*Imp/kWh)\r\n1-0:0.2.1*1(121120??)\r\n!\r\n';
		const corrupted = block.replace('Imp/', 'Im\n/');
		const {telegrams, errors} = decode(
			`/EMH5\\@D4EM4TIIW001--\r\n${stxBlock(corrupted, bcc(`${block}\x03`))}`,
		);
		expect(errors.length).toBeGreaterThan(0);
		expect(telegrams).toEqual([]);
	});

	it('does not read an STX block whose STX was changed as plain text', () => {
		const {telegrams} = decode(`${IDENT}\x12${BLOCK}\x03${bcc(`${BLOCK}\x03`)}`);
		expect(telegrams).toEqual([]);
		// Its `!` changed into SOH too: what follows is a command message, and the rest is no text either.
		const twice = decode(`${IDENT}\x12${BLOCK.replace('!\r\n', '\x01\r\n')}\x03M`);
		expect(twice.telegrams).toEqual([]);
	});

	it('does not read a DSMR telegram whose identification line was changed as plain text', () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n1-0:1.8.1(001581.123*kWh)\r\n!';
		const telegram = `${body}${crc16Arc(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
		for (const damaged of [
			telegram.replace('/KFM5', '/KF;5'),
			telegram.replace('METER\r', 'METER!'),
			`x${telegram.slice(1)}`,
			`x${telegram.slice(1, -2)}-\n`,
			`x${telegram.slice(1).replace('\r\n!', '\r\x8a!')}`,
		]) {
			expect(decode(damaged).telegrams, JSON.stringify(damaged)).toEqual([]);
		}
	});

	it('still reads pasted data lines that end with a bare "!" as plain text', () => {
		const {telegrams} = decode('1.8.0(000123.4*kWh)\r\n2.8.0(000000.0*kWh)\r\n!\r\n');
		expect(telegrams[0]?.dataSets.map((set) => set.key)).toEqual(['1.8.0', '2.8.0']);
	});

	it('takes no empty push telegram from a line end right after the identification changed into "!"', () => {
		const body = '/ISK5\\2M550T-1012\r\n\r\n0-1:24.2.1(700101010000W)(00000000)\r\n!';
		const telegram = `${body}${crc16Arc(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
		const {telegrams} = decode(telegram.replace('1012\r\n\r', '1012\r\n!'));
		expect(telegrams).toEqual([]);
	});

	it.each([['z'], ['\n'], ['1']])(
		'refuses an STX block whose STX was changed into %j, read as a push telegram',
		(byte) => {
			const {telegrams, errors} = decode(`${IDENT}${stxBlock(BLOCK).replace('\x02', byte)}`);
			expect(telegrams).toEqual([]);
			expect(errors).toEqual([expect.any(TruncatedBlockError)]);
			expect(errors[0]?.message).toContain('STX missing');
		},
	);

	it('hands on a push telegram followed by anything but ETX or EOT', () => {
		const {telegrams} = decode(`${PUSH}\x7f\x7f${PUSH}`);
		expect(telegrams).toHaveLength(2);
	});

	it('keeps the raw bytes of each telegram', () => {
		const {telegrams} = decode(`\x7f${READOUT}`);
		expect(telegrams[0]?.bytes.toString('latin1')).toBe(stxBlock(BLOCK));
	});
});
