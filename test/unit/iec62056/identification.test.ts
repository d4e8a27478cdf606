import {describe, expect, it} from 'vitest';
import {
	formatIdentification,
	MAX_IDENT_LENGTH,
	parseIdentification,
} from '../../../src/iec62056/identification.ts';
import {MalformedMessageError, ProtocolError} from '../../../src/iec62056/protocol-errors.ts';

describe('parseIdentification', () => {
	describe('manufacturer, mode and rate', () => {
		it('reads /LGZ52ZMD120APt.G03 as Landis+Gyr, mode C at 9600 Bd', () => {
			const id = parseIdentification('/LGZ52ZMD120APt.G03');
			expect(id.manufacturer).toBe('LGZ');
			expect(id.baudChar).toBe('5');
			expect(id.mode).toBe('C');
			expect(id.baudRate).toBe(9600);
		});

		it('keeps everything after the baud character as the ident when no backslash follows', () => {
			const id = parseIdentification('/LGZ52ZMD120APt.G03');
			expect(id.enhanced).toEqual([]);
			expect(id.ident).toBe('2ZMD120APt.G03');
		});

		it('reads /KAM 685-382-QR-10 (space as baud character) as mode A at 300 Bd', () => {
			const id = parseIdentification('/KAM 685-382-QR-10');
			expect(id.manufacturer).toBe('KAM');
			expect(id.baudChar).toBe(' ');
			expect(id.mode).toBe('A');
			expect(id.baudRate).toBe(300);
			expect(id.ident).toBe('685-382-QR-10');
		});

		it('reads /SIEC2WR5 as Siemens, mode B at 2400 Bd', () => {
			const id = parseIdentification('/SIEC2WR5');
			expect(id.manufacturer).toBe('SIE');
			expect(id.mode).toBe('B');
			expect(id.baudRate).toBe(2400);
			expect(id.ident).toBe('2WR5');
		});

		it('keeps spaces inside the ident, as in the Easymeter /ESY5Q3DA1004 V3.04', () => {
			expect(parseIdentification('/ESY5Q3DA1004 V3.04').ident).toBe('Q3DA1004 V3.04');
		});
	});

	describe('reaction time', () => {
		it('treats a lower-case third letter as a 20 ms meter', () => {
			expect(parseIdentification('/ISk5MT174-0001').reactionTimeMs).toBe(20);
		});

		it('treats an upper-case third letter as a 200 ms meter', () => {
			expect(parseIdentification('/ISK5MT174-0001').reactionTimeMs).toBe(200);
		});

		it('looks only at the third letter, so /HAg5 is a 20 ms meter', () => {
			expect(parseIdentification('/HAg5eHZ010C3A0').reactionTimeMs).toBe(20);
		});

		it('ignores lower case in the first two letters when the third is upper case', () => {
			expect(parseIdentification('/isK5MT174').reactionTimeMs).toBe(200);
		});

		it('keeps the manufacturer id exactly as sent, lower case included', () => {
			expect(parseIdentification('/ISk5MT174-0001').manufacturer).toBe('ISk');
		});
	});

	describe('enhanced identification', () => {
		it('reads \\2 as an enhanced id announcing binary mode', () => {
			const id = parseIdentification('/LGZ5\\2ZMD120AP');
			expect(id.enhanced).toEqual(['2']);
			expect(id.binaryModeCapable).toBe(true);
			expect(id.ident).toBe('ZMD120AP');
		});

		it('does not treat a missing backslash as mode E: /ISk5MT174-0001 has no enhanced id', () => {
			const id = parseIdentification('/ISk5MT174-0001');
			expect(id.enhanced).toEqual([]);
			expect(id.binaryModeCapable).toBe(false);
			expect(id.ident).toBe('MT174-0001');
		});

		it('reads a vendor-specific \\@ without announcing binary mode', () => {
			const id = parseIdentification('/ELS5\\@V9.30 ');
			expect(id.enhanced).toEqual(['@']);
			expect(id.binaryModeCapable).toBe(false);
		});

		it('keeps the trailing space of /ELS5\\@V9.30 in the ident', () => {
			expect(parseIdentification('/ELS5\\@V9.30 ').ident).toBe('V9.30 ');
		});

		it('treats the reserved \\3 as an enhanced id but not as binary mode', () => {
			const id = parseIdentification('/ABC5\\3METER');
			expect(id.enhanced).toEqual(['3']);
			expect(id.binaryModeCapable).toBe(false);
		});

		it('reads several \\W pairs in order', () => {
			const id = parseIdentification('/ABC5\\@\\2\\3METER');
			expect(id.enhanced).toEqual(['@', '2', '3']);
			expect(id.ident).toBe('METER');
		});

		it('announces binary mode when \\2 is any of several pairs', () => {
			expect(parseIdentification('/ABC5\\@\\2METER').binaryModeCapable).toBe(true);
		});

		it('keeps a backslash that does not follow the baud character as part of the ident', () => {
			const id = parseIdentification('/ABC5MT\\2X');
			expect(id.enhanced).toEqual([]);
			expect(id.ident).toBe('MT\\2X');
			expect(id.binaryModeCapable).toBe(false);
		});
	});

	describe('length', () => {
		it('allows an ident of exactly 16 characters', () => {
			const ident = 'A'.repeat(16);
			const id = parseIdentification(`/LGZ5${ident}`);
			expect(id.ident).toBe(ident);
			expect(id.overlong).toBe(false);
		});

		it('flags, but keeps, an ident longer than 16 characters', () => {
			const ident = 'A'.repeat(17);
			const id = parseIdentification(`/LGZ5${ident}`);
			expect(id.ident).toBe(ident);
			expect(id.overlong).toBe(true);
		});

		it('does not count the enhanced \\W pairs towards the 16 characters', () => {
			expect(parseIdentification(`/LGZ5\\2\\@${'A'.repeat(16)}`).overlong).toBe(false);
		});

		it('publishes the limit of 16 characters', () => {
			expect(MAX_IDENT_LENGTH).toBe(16);
		});

		it('accepts an identification with an empty ident', () => {
			const id = parseIdentification('/LGZ5');
			expect(id.ident).toBe('');
			expect(id.enhanced).toEqual([]);
		});
	});

	describe('errors', () => {
		it('rejects a line that does not start with "/" with a MalformedMessageError', () => {
			expect(() => parseIdentification('LGZ5ZMD')).toThrow(MalformedMessageError);
		});

		it('says why a line without "/" is not an identification and quotes it', () => {
			expect(() => parseIdentification('LGZ5ZMD')).toThrow(/identification.*"\/".*LGZ5ZMD/);
		});

		it('rejects a line too short to hold a manufacturer and a baud character', () => {
			expect(() => parseIdentification('/LGZ')).toThrow(/shorter/);
		});

		it('rejects a manufacturer id that is not three letters', () => {
			expect(() => parseIdentification('/L1Z5ZMD')).toThrow(/manufacturer/);
		});

		it('throws a non-retryable ProtocolError', () => {
			let caught: unknown;
			try {
				parseIdentification('/??');
			} catch (error) {
				caught = error;
			}
			expect(caught).toBeInstanceOf(ProtocolError);
			expect((caught as ProtocolError).retryable).toBe(false);
		});
	});
});

describe('formatIdentification', () => {
	it('writes the manufacturer, baud character, each \\W pair and the ident', () => {
		expect(
			formatIdentification({manufacturer: 'LGZ', baudChar: '5', enhanced: ['2', '@'], ident: 'ZMD120AP'}),
		).toBe('/LGZ5\\2\\@ZMD120AP');
	});

	it.each(['/LGZ52ZMD120APt.G03', '/ISk5MT174-0001', '/KAM 685-382-QR-10', '/ELS5\\@V9.30 ', '/ABC5\\@\\2X'])(
		'round-trips %j through parse and format',
		(line) => {
			expect(formatIdentification(parseIdentification(line))).toBe(line);
		},
	);
});
