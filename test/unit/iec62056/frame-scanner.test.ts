import {describe, expect, it} from 'vitest';
import type {DataBlockFrame, Frame} from '../../../src/iec62056/frame.ts';
import {FrameScanner, scanFrames} from '../../../src/iec62056/frame-scanner.ts';
import {FrameOverflowError, TruncatedBlockError} from '../../../src/iec62056/protocol-errors.ts';
import {everyChunking} from '../../helpers/chunkings.ts';
import {referenceBcc, referenceCrc16Arc} from '../../helpers/reference-checks.ts';

const STX = '\x02';
const ETX = '\x03';
const EOT = '\x04';
const SOH = '\x01';
const ACK = '\x06';
const NAK = '\x15';

/** XOR of every byte after STX/SOH up to and including ETX/EOT (IEC 62056-21, §5.4 of the notes). */
function bcc(text: string): string {
	return String.fromCharCode(referenceBcc(text));
}

/** STX block ETX BCC around `block`, with a correct BCC unless `check` overrides it. */
function stxBlock(block: string, check?: string): string {
	return `${STX}${block}${ETX}${check ?? bcc(`${block}${ETX}`)}`;
}

const crc16Arc = referenceCrc16Arc;

function bytes(text: string): Buffer {
	return Buffer.from(text, 'latin1');
}

function scan(text: string, options?: ConstructorParameters<typeof FrameScanner>[0]): Frame[] {
	return scanFrames(bytes(text), options);
}

function kinds(frames: readonly Frame[]): string[] {
	return frames.map((frame) => frame.kind);
}

function dataBlocks(frames: readonly Frame[]): DataBlockFrame[] {
	return frames.filter((frame): frame is DataBlockFrame => frame.kind === 'data-block');
}

/** A frame as plain JSON: raw bytes as latin1 text, errors as class name and message. */
function comparable(frame: Frame): unknown {
	const {bytes: raw, ...rest} = frame;
	const error = 'error' in frame ? {error: `${frame.error.name}: ${frame.error.message}`} : {};
	return JSON.parse(JSON.stringify({...rest, ...error, bytes: raw.toString('latin1')}));
}

const IDENT_ZMD = '/LGZ5\\2ZMD3104407.B32\r\n';
const ZMD_BLOCK = '1-1:0.0.0(50871031)\r\n1-1:1.8.1(000783.16*kWh)\r\n!\r\n';
const EASYMETER =
	'/ESY5Q3DA1004 V3.04\r\n\r\n1-0:0.0.0*255(0273033000044)\r\n1-0:1.8.0*255(00014869.2594317*kWh)\r\n!\r\n';

describe('FrameScanner construction', () => {
	it('rejects a maxMessageBytes below 64 with a TypeError naming the option and the value', () => {
		expect(() => new FrameScanner({maxMessageBytes: 10})).toThrow(TypeError);
		expect(() => new FrameScanner({maxMessageBytes: 10})).toThrow(/maxMessageBytes.*10/);
	});

	it('rejects a fractional maxMessageBytes', () => {
		expect(() => new FrameScanner({maxMessageBytes: 100.5})).toThrow(/maxMessageBytes.*100\.5/);
	});

	it('rejects an unknown parity mode with a TypeError naming it', () => {
		// @ts-expect-error: an invalid value as it may come from an untyped config file
		expect(() => new FrameScanner({parity: 'odd'})).toThrow(/parity.*"odd"/);
	});
});

describe('FrameScanner messages', () => {
	it('reports a mode C readout as an identification followed by a data block with a good BCC', () => {
		const frames = scan(`${IDENT_ZMD}${stxBlock(ZMD_BLOCK)}`);
		expect(kinds(frames)).toEqual(['identification', 'data-block']);
		expect(frames[0]).toMatchObject({
			kind: 'identification',
			identification: {manufacturer: 'LGZ', baudChar: '5', enhanced: ['2'], ident: 'ZMD3104407.B32'},
		});
		const [block] = dataBlocks(frames);
		expect(block).toMatchObject({framing: 'stx', terminator: 'etx', text: ZMD_BLOCK});
		expect(block?.check).toEqual({
			algorithm: 'bcc',
			ok: true,
			expected: bcc(`${ZMD_BLOCK}${ETX}`).charCodeAt(0),
			received: bcc(`${ZMD_BLOCK}${ETX}`).charCodeAt(0),
		});
	});

	it('keeps the raw bytes of a data block from STX to the BCC', () => {
		const message = stxBlock(ZMD_BLOCK);
		const [block] = dataBlocks(scan(message));
		expect(block?.bytes.toString('latin1')).toBe(message);
	});

	it('verifies the BCC of the EM4TII manual example `STX 0.9.2(130103) ETX 9`', () => {
		const [block] = dataBlocks(scan(`${STX}0.9.2(130103)${ETX}9`));
		expect(block?.check).toMatchObject({algorithm: 'bcc', ok: true, received: 0x39});
	});

	it('marks a block whose BCC does not match as failed, with the computed and the received value', () => {
		const good = bcc(`${ZMD_BLOCK}${ETX}`).charCodeAt(0);
		const [block] = dataBlocks(scan(stxBlock(ZMD_BLOCK, String.fromCharCode(good ^ 0x01))));
		expect(block?.check).toEqual({algorithm: 'bcc', ok: false, expected: good, received: good ^ 0x01});
	});

	it('ends a partial block at EOT and checks its BCC over the EOT', () => {
		const text = '1.8.0(1*kWh)\r\n';
		const [block] = dataBlocks(scan(`${STX}${text}${EOT}${bcc(`${text}${EOT}`)}`));
		expect(block).toMatchObject({terminator: 'eot', text, check: {ok: true}});
	});

	it('reports an echoed request before the identification as a request frame', () => {
		const frames = scan(`/?!\r\n${IDENT_ZMD}`);
		expect(kinds(frames)).toEqual(['request', 'identification']);
		expect(frames[0]).toMatchObject({request: {queryChar: '?', address: ''}});
	});

	it('reads the device address of an echoed request', () => {
		expect(scan('/?12345678!\r\n')[0]).toMatchObject({kind: 'request', request: {address: '12345678'}});
	});

	it('reports an echoed option select `ACK 0 5 0 CR LF` with its three characters', () => {
		const frames = scan(`${ACK}050\r\n`);
		expect(frames).toHaveLength(1);
		expect(frames[0]).toMatchObject({
			kind: 'option-select',
			optionSelect: {protocolControl: '0', baudChar: '5', modeControl: '0'},
		});
	});

	it('reads an echoed option select followed at once by the data block', () => {
		expect(kinds(scan(`${ACK}050\r\n${stxBlock(ZMD_BLOCK)}`))).toEqual(['option-select', 'data-block']);
	});

	it('reports a lone ACK followed by a data block as an ack frame, then the block', () => {
		expect(kinds(scan(`${ACK}${stxBlock(ZMD_BLOCK)}`))).toEqual(['ack', 'data-block']);
	});

	it('reports a lone ACK at the end of the input as an ack frame', () => {
		expect(kinds(scan(ACK))).toEqual(['ack']);
	});

	it('reports NAK as a nak frame', () => {
		expect(scan(NAK)).toEqual([{kind: 'nak', bytes: Buffer.of(0x15)}]);
	});

	it('reads the break command `SOH B0 ETX q` with its BCC', () => {
		const [frame] = scan(`${SOH}B0${ETX}q`);
		expect(frame).toMatchObject({
			kind: 'command',
			command: 'B0',
			text: '',
			check: {algorithm: 'bcc', ok: true},
		});
	});

	it('reads the password challenge `SOH P0 STX () ETX` with its data and BCC', () => {
		const [frame] = scan(`${SOH}P0${STX}()${ETX}\``);
		expect(frame).toMatchObject({kind: 'command', command: 'P0', text: '()', check: {ok: true}});
	});

	it('reads a read command `SOH R5 STX 0.9.2() ETX \\`', () => {
		const [frame] = scan(`${SOH}R5${STX}0.9.2()${ETX}\\`);
		expect(frame).toMatchObject({kind: 'command', command: 'R5', text: '0.9.2()', check: {ok: true}});
	});
});

describe('FrameScanner data block text', () => {
	it('says where the text lies in the bytes, for STX blocks and push telegrams', () => {
		const push = `/EBZ5DD32R06ETA_107\r\n\r\n1-0:1.8.0*255(000123.4*kWh)\r\n!\r\n`;
		const dsmr = `/ISk5\\2MT382-1003\r\n\r\n1-0:1.8.1(000123.456*kWh)\r\n!`;
		const input = `/LGZ4ZMD120\r\n${stxBlock('1.8.1(000783.16*kWh)\r\n!\r\n')}${push}${dsmr}${crc16Arc(dsmr).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
		const blocks = dataBlocks(scan(input));
		expect(blocks.map((block) => block.framing)).toEqual(['stx', 'push', 'push']);
		expect(blocks[2]?.check).toMatchObject({algorithm: 'crc16', ok: true});
		for (const block of blocks) {
			const offset = block.textOffset ?? -1;
			expect(block.bytes.toString('latin1', offset, offset + block.text.length)).toBe(block.text);
		}
	});

	it('parses an identification line sent again to the same identification, and a new one anew', () => {
		const first = '/LGZ4ZMD120\r\n';
		const other = '/ISk5\\2MT174-0001\r\n';
		const ids = scan(
			`${first}${stxBlock('1.8.1(1)\r\n!\r\n')}${first}${stxBlock('1.8.1(2)\r\n!\r\n')}${other}`,
		)
			.filter((frame) => frame.kind === 'identification')
			.map((frame) => frame.identification);
		expect(ids.map((id) => `${id.manufacturer}${id.baudChar}${id.ident}`)).toEqual([
			'LGZ4ZMD120',
			'LGZ4ZMD120',
			'ISk5MT174-0001',
		]);
		expect(ids[1]).toEqual(ids[0]);
		expect(ids[2]?.enhanced).toEqual(['2']);
		// A line that only begins like the known one is not taken for it.
		const [longer] = scan('/LGZ4ZMD120X\r\n').filter((frame) => frame.kind === 'identification');
		expect(longer?.kind === 'identification' && longer.identification.ident).toBe('ZMD120X');
	});
});

describe('FrameScanner noise and resynchronisation', () => {
	it('takes a `/` right after text for data, not for an identification', () => {
		// The remains of a block that failed its check: `Imp/kWh)` must not open a push telegram.
		const frames = scan('x(6.00*Imp/kWh)\r\n1.8.0(1)\r\n!\r\n');
		expect(kinds(frames)).toEqual(['noise']);
	});

	it('recognises an identification straight after the BCC of a previous telegram', () => {
		const frames = scan(`${IDENT_ZMD}${stxBlock(ZMD_BLOCK)}${IDENT_ZMD}${stxBlock(ZMD_BLOCK)}`);
		expect(kinds(frames)).toEqual(['identification', 'data-block', 'identification', 'data-block']);
	});

	it('recognises an identification after DEL noise', () => {
		expect(kinds(scan(`\x7f\x7f${IDENT_ZMD}`))).toEqual(['noise', 'identification']);
	});

	it('reports DEL and NUL noise before the identification as one noise frame', () => {
		const frames = scan(`\x7f\x7f\x00\x00\x7f${IDENT_ZMD}`);
		expect(kinds(frames)).toEqual(['noise', 'identification']);
		expect(frames[0]?.bytes).toEqual(Buffer.of(0x7f, 0x7f, 0x00, 0x00, 0x7f));
	});

	it('keeps garbage after the BCC apart from the block (ACE3000 `ETX F DEL`)', () => {
		const frames = scan(`${stxBlock(ZMD_BLOCK)}\x7f\x7f`);
		expect(kinds(frames)).toEqual(['data-block', 'noise']);
		expect(dataBlocks(frames)[0]?.check.ok).toBe(true);
		expect(frames[1]?.bytes).toEqual(Buffer.of(0x7f, 0x7f));
	});

	it('treats `Y STX STX SOH NUL` before `!` as block data counted in the BCC (Itron ACE3000)', () => {
		const block = '1.8.0(013925.5*)Y\x02\x02\x01\x00!\r\n';
		const frames = scan(stxBlock(block));
		expect(kinds(frames)).toEqual(['data-block']);
		expect(dataBlocks(frames)[0]).toMatchObject({text: block, check: {ok: true}});
	});

	it('keeps `/` inside a bracket at the start of a block as data (`(/SX330)`)', () => {
		const block = '(/SX330)\r\n1.8.0(00001191*kWh)\r\n!\r\n';
		const frames = scan(`/AUX5\\2SX330RIFOMN\r\n${stxBlock(block)}`);
		expect(kinds(frames)).toEqual(['identification', 'data-block']);
		expect(dataBlocks(frames)[0]?.text).toBe(block);
	});

	it('reads two concatenated readouts as two identifications and two blocks', () => {
		const readout = `${IDENT_ZMD}${stxBlock(ZMD_BLOCK)}`;
		const frames = scan(`${readout}${readout}`);
		expect(kinds(frames)).toEqual(['identification', 'data-block', 'identification', 'data-block']);
		expect(dataBlocks(frames).map((block) => block.check.ok)).toEqual([true, true]);
		expect(dataBlocks(frames)[0]?.bytes.toString('latin1')).toBe(stxBlock(ZMD_BLOCK));
	});

	it('cuts an open block at an identification line: the cut block is an error, the next readout is whole', () => {
		const frames = scan(`${STX}1.8.0(1*kWh)\r\n${IDENT_ZMD}${stxBlock(ZMD_BLOCK)}`);
		expect(kinds(frames)).toEqual(['error', 'identification', 'data-block']);
		const block = frames[2];
		expect(block?.kind === 'data-block' && block.check.ok).toBe(true);
	});

	it('cuts an open block at an identification inside an unclosed bracket (noise ate the rest)', () => {
		const frames = scan(`${STX}1.8.0(0001x/LGZ52ZMD120APt.G03\r\n${stxBlock(ZMD_BLOCK)}`);
		expect(kinds(frames)).toEqual(['error', 'identification', 'data-block']);
	});

	it('cuts an open block at a mode A identification, whose baud character is a space (`/KAM 685…`)', () => {
		const frames = scan(`${STX}1.8.0(0001/KAM 685-382-QR-10\r\n${stxBlock(ZMD_BLOCK)}`);
		expect(kinds(frames)).toEqual(['error', 'identification', 'data-block']);
		expect(frames[1]?.kind === 'identification' && frames[1].identification.mode).toBe('A');
	});

	it('starts a new push telegram at a mode A identification inside a cut one', () => {
		const frames = scan(`${EASYMETER.slice(0, 60)}/KAM 685-382-QR-10\r\n${stxBlock(ZMD_BLOCK)}`);
		expect(kinds(frames)).toEqual(['identification', 'error', 'identification', 'data-block']);
	});

	it('cuts an open block at an identification line that ends with LF alone (L+G E350)', () => {
		const frames = scan(`${STX}1-1:1.6/LGZ4ZMF100AC.M27\n\n${stxBlock(ZMD_BLOCK)}`);
		expect(kinds(frames)).toEqual(['error', 'identification', 'data-block']);
		expect(frames[1]?.kind === 'identification' && frames[1].identification.ident).toBe('ZMF100AC.M27');
	});

	it('starts over at an identification that cuts a shorter one in its line', () => {
		const frames = scan(`/ISk5MT${EASYMETER}`);
		expect(kinds(frames)).toEqual(['noise', 'identification', 'data-block']);
		expect(frames[0]?.bytes.toString('latin1')).toBe('/ISk5MT');
		expect(frames[1]?.kind === 'identification' && frames[1].identification.manufacturer).toBe('ESY');
		expect(dataBlocks(frames)[0]?.check.ok).toBe(true);
	});

	it('starts no push telegram at the remains of a block ended early by a byte changed into ETX', () => {
		// `m` of `Imp/kWh` changed into ETX: `p` is taken as the BCC, and `/kWh)` follows at once.
		const block = '1-0:0.3.0*255(6.00*Imp/kWh)\r\n1-0:1.8.0*255(000123.4*kWh)\r\n!\r\n';
		const frames = scan(stxBlock(block).replace('Imp/', 'I\x03p/'));
		expect(dataBlocks(frames).filter((frame) => frame.framing === 'push')).toEqual([]);
	});

	it('starts a new telegram at an identification right after a `/` of data (`Imp/kWh/KFM5…`)', () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n!';
		const telegram = `${body}${crc16Arc(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
		const pushFrames = scan(`/KFM5KAIFA-METER\r\n\r\n1-1:1.6.1(6.1*Imp/kWh${telegram}`);
		expect(kinds(pushFrames)).toEqual(['identification', 'error', 'identification', 'data-block']);
		expect(dataBlocks(pushFrames)[0]?.check).toMatchObject({algorithm: 'crc16', ok: true});
		const blockFrames = scan(`${STX}0.3.0(6.00*Imp/kWh${IDENT_ZMD}${stxBlock(ZMD_BLOCK)}`);
		expect(kinds(blockFrames)).toEqual(['error', 'identification', 'data-block']);
		expect(dataBlocks(blockFrames)[0]?.check.ok).toBe(true);
	});

	it.each([['(00012*Imp/kWh)'], ['(/SX330)'], ['(a/b)']])(
		'keeps the `/` of %s inside a block as data',
		(value) => {
			const frames = scan(stxBlock(`0.3.0${value}\r\n!\r\n`));
			expect(kinds(frames)).toEqual(['data-block']);
			const [block] = frames;
			expect(block?.kind === 'data-block' && block.check.ok).toBe(true);
		},
	);

	it('reports an identification line longer than 256 bytes as noise, not as a message', () => {
		const frames = scan(`/${'x'.repeat(300)}\r\n`);
		expect(kinds(frames)).not.toContain('identification');
		expect(frames.every((frame) => frame.kind === 'noise')).toBe(true);
	});

	it('reports a `/` line that is not a valid identification as noise with a reason', () => {
		const [frame] = scan('/12\r\n');
		expect(frame).toMatchObject({kind: 'noise'});
		expect(frame?.kind === 'noise' && frame.reason).toEqual(expect.any(String));
	});

	it('turns an unterminated identification line into noise at the end of the input', () => {
		expect(kinds(scan('/LGZ5ZMD'))).toEqual(['noise']);
	});

	it('can be used again after end()', () => {
		const scanner = new FrameScanner();
		scanner.push(bytes(`${STX}1.8.0(`));
		expect(kinds(scanner.end())).toEqual(['error']);
		expect(kinds([...scanner.push(bytes(stxBlock(ZMD_BLOCK))), ...scanner.end()])).toEqual(['data-block']);
	});
});

describe('FrameScanner truncated input', () => {
	it('reports a block cut off before ETX as a TruncatedBlockError frame missing ETX, never a data block', () => {
		const frames = scan(`${IDENT_ZMD}${STX}${ZMD_BLOCK}`);
		expect(kinds(frames)).toEqual(['identification', 'error']);
		const error = frames[1]?.kind === 'error' ? frames[1].error : undefined;
		expect(error).toBeInstanceOf(TruncatedBlockError);
		expect(error).toMatchObject({missing: 'ETX', receivedBytes: 1 + ZMD_BLOCK.length});
	});

	it('reports a block cut off between ETX and BCC as a TruncatedBlockError missing the BCC', () => {
		const frames = scan(`${STX}${ZMD_BLOCK}${ETX}`);
		expect(frames).toHaveLength(1);
		expect(frames[0]?.kind === 'error' && frames[0].error).toMatchObject({missing: 'BCC'});
	});

	it('reports a command cut off before ETX as truncated', () => {
		expect(kinds(scan(`${SOH}R5${STX}0.9.2(`))).toEqual(['error']);
	});

	it('reports a push telegram cut off before `!` as truncated, never as a data block', () => {
		const frames = scan(EASYMETER.slice(0, EASYMETER.indexOf('!')));
		expect(kinds(frames)).toEqual(['identification', 'error']);
		expect(frames[1]?.kind === 'error' && frames[1].error).toBeInstanceOf(TruncatedBlockError);
	});

	it('emits nothing for an open block until end() is called', () => {
		const scanner = new FrameScanner();
		expect(scanner.push(bytes(`${STX}${ZMD_BLOCK}`))).toEqual([]);
		expect(kinds(scanner.end())).toEqual(['error']);
	});
});

describe('FrameScanner push telegrams (mode D, DSMR)', () => {
	it('reads a mode D push telegram with its blank line as one data block without a check', () => {
		const frames = scan(EASYMETER);
		expect(kinds(frames)).toEqual(['identification', 'data-block']);
		const [block] = dataBlocks(frames);
		expect(block).toMatchObject({
			framing: 'push',
			terminator: 'bang',
			check: {algorithm: 'none', ok: true},
			identification: {manufacturer: 'ESY', ident: 'Q3DA1004 V3.04'},
		});
		expect(block?.text).toBe('1-0:0.0.0*255(0273033000044)\r\n1-0:1.8.0*255(00014869.2594317*kWh)\r\n!');
		expect(block?.bytes.toString('latin1')).toBe(EASYMETER);
	});

	it('reads a push telegram joined mid-way as noise up to the next identification', () => {
		const frames = scan(`.8.0*255(00014869.2594317*kWh)\r\n!\r\n${EASYMETER}`);
		expect(kinds(frames)).toEqual(['noise', 'identification', 'data-block']);
		expect(dataBlocks(frames)[0]?.check.ok).toBe(true);
	});

	it('starts over when a new identification line interrupts a push telegram', () => {
		const frames = scan(`${EASYMETER.slice(0, 60)}\r\n${EASYMETER}`);
		expect(kinds(frames)).toEqual(['identification', 'error', 'identification', 'data-block']);
	});

	it('accepts a push telegram with bare LF line ends', () => {
		const telegram = EASYMETER.replaceAll('\r\n', '\n');
		const [block] = dataBlocks(scan(telegram));
		expect(block?.text).toBe('1-0:0.0.0*255(0273033000044)\n1-0:1.8.0*255(00014869.2594317*kWh)\n!');
	});

	it('verifies a DSMR `!XXXX` trailer as CRC16 over `/` … `!`', () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n0-0:1.0.0(161113205757W)\r\n!';
		const crc = crc16Arc(body);
		const [block] = dataBlocks(scan(`${body}${crc.toString(16).toUpperCase().padStart(4, '0')}\r\n`));
		expect(block?.check).toEqual({algorithm: 'crc16', ok: true, expected: crc, received: crc});
	});

	it('marks a DSMR telegram with a wrong CRC16 as failed', () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n!';
		const wrong = crc16Arc(body) ^ 0x0100;
		const [block] = dataBlocks(scan(`${body}${wrong.toString(16).padStart(4, '0')}\r\n`));
		expect(block?.check).toEqual({algorithm: 'crc16', ok: false, expected: crc16Arc(body), received: wrong});
	});

	it('takes a `!` followed by text that is not a CRC of 1 to 4 hex digits for data, not the end', () => {
		// A CRC digit changed into another character must not turn a checked telegram into an unchecked one.
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n!';
		for (const trailer of ['12G4', '12345', ' 1234', '1\r2']) {
			const frames = scan(`${body}${trailer}\r\n`);
			expect(dataBlocks(frames), JSON.stringify(trailer)).toEqual([]);
			expect(frames.at(-1)?.kind, JSON.stringify(trailer)).toBe('error');
		}
		const [bare] = dataBlocks(scan(`${body}\r\n`));
		expect(bare?.check).toEqual({algorithm: 'none', ok: true});
	});

	it('ends a push telegram only at a `!` that starts its line', () => {
		// A line end changed into `!` would otherwise cut the telegram there, and its CRC would go unread.
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n0-0:96.14.0(0002)\r\n!';
		const telegram = `${body}${crc16Arc(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
		const damaged = telegram.replace('(42)\r', '(42)!');
		const [block] = dataBlocks(scan(damaged));
		expect(block?.check).toMatchObject({algorithm: 'crc16', ok: false});
		expect(block?.text).toBe('1-3:0.2.8(42)!\n0-0:96.14.0(0002)\r\n!');
	});

	it("takes a `!` between a line's CR and LF for data, not the end", () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n0-0:96.14.0(0002)\r\n!';
		const telegram = `${body}${crc16Arc(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
		for (const damaged of [telegram.replace('(42)\r\n', '(42)\r!\n'), `${telegram.slice(0, -1)}!\n`]) {
			const blocks = dataBlocks(scan(damaged));
			expect(
				blocks.filter((block) => block.check.algorithm === 'none'),
				JSON.stringify(damaged),
			).toEqual([]);
		}
	});

	it('reads the rest of the line after a `!` that starts it as data when it is no CRC', () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n0-0:96.14.0(0002)\r\n!';
		const telegram = `${body}${crc16Arc(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
		const damaged = telegram.replace('(42)\r\n', '(42)\r!');
		const [block] = dataBlocks(scan(damaged));
		expect(block?.check).toMatchObject({algorithm: 'crc16', ok: false});
	});

	it('checks a CRC sent without its leading zeros (`!247` is 0x0247)', () => {
		const body = '/NWA-WARMTELINK\r\n\r\n0-1:24.2.1(260215200523W)(000.013*GJ)\r\n!';
		expect(crc16Arc(body)).toBe(0x247);
		expect(dataBlocks(scan(`${body}247\r\n`))[0]?.check).toMatchObject({algorithm: 'crc16', ok: true});
		const corrupted = body.replace('000.013', '999.999');
		expect(dataBlocks(scan(`${corrupted}247\r\n`))[0]?.check).toMatchObject({algorithm: 'crc16', ok: false});
	});

	it('starts a new telegram at an identification inside an unclosed bracket of a push telegram', () => {
		const frames = scan(
			'/EBZ5DD32R06ETA_107\r\n\r\n1-0:16.7.0*255(000113.80*W)\r\n0-@P`R+*B*U-L(RLx/EBZ5DD32R06ETA_107\r\n\r\n1-0:16.7.0*255(000113.33*W)\r\n!\r\n',
		);
		expect(kinds(frames)).toEqual(['identification', 'error', 'identification', 'data-block']);
		expect(dataBlocks(frames)[0]?.text).toBe('1-0:16.7.0*255(000113.33*W)\r\n!');
	});

	it('reads a lower-case CRC16 trailer', () => {
		const body = '/KFM5KAIFA-METER\r\n\r\n1-3:0.2.8(42)\r\n!';
		const crc = crc16Arc(body);
		const [block] = dataBlocks(scan(`${body}${crc.toString(16).padStart(4, '0')}\r\n`));
		expect(block?.check).toEqual({algorithm: 'crc16', ok: true, expected: crc, received: crc});
	});

	it('uses a CRC-16/ARC whose check value for "123456789" is 0xBB3D (sanity of the test oracle)', () => {
		expect(crc16Arc('123456789')).toBe(0xbb3d);
	});
});

describe('FrameScanner parity', () => {
	/** The byte as a 7E1 character read on an 8N1 port: bit 7 is the even-parity bit. */
	const withParity = (byte: number) => {
		let ones = 0;
		for (let bits = byte; bits; bits &= bits - 1) ones++;
		return ones % 2 === 0 ? byte : byte | 0x80;
	};
	const readout = `${IDENT_ZMD}${stxBlock(ZMD_BLOCK)}`;
	const sevenE1 = Buffer.from(Array.from(bytes(readout), withParity));
	const highBits = sevenE1.filter((byte) => byte > 0x7f).length;

	it('counts every byte with bit 7 set when 7E1 data is read as 8N1', () => {
		const frames = scanFrames(sevenE1);
		expect(kinds(frames)).not.toContain('data-block');
		const counted = frames.reduce(
			(sum, frame) => sum + ('highBitBytes' in frame ? frame.highBitBytes : 0),
			0,
		);
		expect(counted).toBe(highBits);
		expect(highBits).toBeGreaterThan(0);
	});

	it("recovers the readout with parity 'strip-even' and reports no parity errors", () => {
		const frames = scanFrames(sevenE1, {parity: 'strip-even'});
		expect(kinds(frames)).toEqual(['identification', 'data-block']);
		expect(dataBlocks(frames)[0]).toMatchObject({text: ZMD_BLOCK, check: {ok: true}, parityErrors: 0});
	});

	it("counts a byte whose parity bit is wrong with parity 'strip-even'", () => {
		const corrupted = Buffer.from(sevenE1);
		// STX (0x02) has one bit set, so it arrives as 0x82; flip the parity bit of a byte inside the block.
		const index = corrupted.indexOf(0x82) + 5;
		corrupted[index] = (corrupted[index] as number) ^ 0x80;
		const [block] = dataBlocks(scanFrames(corrupted, {parity: 'strip-even'}));
		expect(block?.parityErrors).toBe(1);
	});
});

describe('FrameScanner memory bound', () => {
	it('drops a block that grows past maxMessageBytes with a FrameOverflowError frame', () => {
		const frames = scan(`${STX}${'1.8.0(1)\r\n'.repeat(20)}`, {maxMessageBytes: 64});
		const errors = frames.filter((frame) => frame.kind === 'error');
		expect(errors[0]?.error).toBeInstanceOf(FrameOverflowError);
		expect(errors[0]?.error).toMatchObject({limitBytes: 64});
	});

	it('finds the next readout after an overflow', () => {
		const frames = scan(`${STX}${'A'.repeat(500)}${IDENT_ZMD}${stxBlock(ZMD_BLOCK)}`, {maxMessageBytes: 64});
		expect(dataBlocks(frames).map((block) => block.text)).toEqual([ZMD_BLOCK]);
	});

	it('never holds more than maxMessageBytes of endless garbage in one frame', () => {
		const scanner = new FrameScanner({maxMessageBytes: 64});
		const frames: Frame[] = [];
		for (let round = 0; round < 100; round++) frames.push(...scanner.push(Buffer.alloc(100, 0x7f)));
		frames.push(...scanner.end());
		expect(frames.length).toBeGreaterThan(100);
		expect(Math.max(...frames.map((frame) => frame.bytes.length))).toBeLessThanOrEqual(64);
		expect(frames.reduce((sum, frame) => sum + frame.bytes.length, 0)).toBe(10_000);
	});

	it('accepts a line longer than 128 characters and a telegram of 250 lines', () => {
		const longLine = `${'6.8(0029.055*MWh)'.repeat(20)}\r\n`;
		const block = `${longLine}${'1-0:1.8.0*01(0007904.135*kWh)\r\n'.repeat(250)}!\r\n`;
		const [frame] = dataBlocks(scan(stxBlock(block)));
		expect(frame).toMatchObject({text: block, check: {ok: true}});
	});
});

describe('FrameScanner chunking', () => {
	const session = [
		'\x00\x7f',
		'/?!\r\n',
		IDENT_ZMD,
		`${ACK}050\r\n`,
		stxBlock('1.8.0(013925.5*)Y\x02\x02\x01\x00!\r\n'),
		'\x7f',
		EASYMETER,
		`${SOH}B0${ETX}q`,
		NAK,
		`${STX}1.8.0(1`,
	].join('');
	const whole = scan(session).map(comparable);

	it('finds every message kind in the reference session', () => {
		expect(kinds(scan(session))).toEqual([
			'noise',
			'request',
			'identification',
			'option-select',
			'data-block',
			'noise',
			'identification',
			'data-block',
			'command',
			'nak',
			'error',
		]);
	});

	it('emits the same frames for every two-way split and byte by byte', () => {
		for (const {name, chunks} of everyChunking(bytes(session))) {
			const scanner = new FrameScanner();
			const frames = [...chunks.flatMap((chunk) => scanner.push(chunk)), ...scanner.end()];
			expect(frames.map(comparable), name).toEqual(whole);
		}
	});

	it('keeps every frame intact when the caller reuses one buffer for all chunks', () => {
		const input = bytes(session);
		for (const size of [1, 3, 7, 16, 64, 200]) {
			const scanner = new FrameScanner();
			const reused = Buffer.alloc(size);
			const frames: Frame[] = [];
			for (let start = 0; start < input.length; start += size) {
				const length = input.copy(reused, 0, start, start + size);
				frames.push(...scanner.push(reused.subarray(0, length)));
				reused.fill(0xee);
			}
			frames.push(...scanner.end());
			expect(frames.map(comparable), `chunks of ${size}`).toEqual(whole);
		}
	});
});

describe('FrameScanner identification lines seen before', () => {
	it('cuts a line that holds a known identification after noise every time, not only the first', () => {
		const input = Buffer.from('/ISk5MT/EMH5\\2EHZ-REPEAT\r\n', 'latin1');
		for (let round = 0; round < 3; round++) {
			const frames = scanFrames(input);
			expect(frames.map((frame) => frame.kind)).toEqual(['noise', 'identification']);
			expect(frames[1]?.bytes.toString('latin1')).toBe('/EMH5\\2EHZ-REPEAT\r\n');
		}
		// The identification alone, now known, is still the whole line.
		const alone = scanFrames(Buffer.from('/EMH5\\2EHZ-REPEAT\r\n', 'latin1'));
		expect(alone.map((frame) => frame.kind)).toEqual(['identification']);
	});
});
