import {describe, expect, it} from 'vitest';
import {
	ACK,
	BACKSLASH,
	BANG,
	CR,
	DEL,
	EOT,
	ETX,
	LF,
	NAK,
	NUL,
	SLASH,
	SOH,
	STX,
} from '../../../src/iec62056/control-characters.ts';

// Expected values are the ASCII code points the standard names (IEC 62056-21 uses 7-bit ISO 646).
describe('control characters', () => {
	it('gives SOH, STX, ETX and EOT their ASCII codes 0x01 to 0x04', () => {
		expect([SOH, STX, ETX, EOT]).toEqual([0x01, 0x02, 0x03, 0x04]);
	});

	it('gives ACK the code 0x06 and NAK the code 0x15', () => {
		expect(ACK).toBe(0x06);
		expect(NAK).toBe(0x15);
	});

	it('gives CR the code 0x0D and LF the code 0x0A, so CR LF is the line end', () => {
		expect(String.fromCharCode(CR, LF)).toBe('\r\n');
	});

	it('gives NUL, the wake-up byte, the code 0x00', () => {
		expect(NUL).toBe(0);
	});

	it('matches the printable delimiters "/", "!" and "\\" to their characters', () => {
		expect(String.fromCharCode(SLASH, BANG, BACKSLASH)).toBe('/!\\');
	});

	it('gives DEL, the idle noise of some heads, the code 0x7F', () => {
		expect(DEL).toBe(0x7f);
	});

	it('keeps every control character inside the 7-bit range the 7E1 framing can carry', () => {
		for (const code of [SOH, STX, ETX, EOT, ACK, NAK, LF, CR, NUL, SLASH, BANG, BACKSLASH, DEL]) {
			expect(code).toBeGreaterThanOrEqual(0);
			expect(code).toBeLessThanOrEqual(0x7f);
		}
	});
});
