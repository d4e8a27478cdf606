import {STX} from '../iec62056/control-characters.ts';

/**
 * Whether bytes a meter sent after a sign-on look like a push telegram (mode D, DSMR P1) rather than
 * an answer to it: no STX anywhere, and either an identification line followed at once by an empty
 * line (`/ESY5Q3DA1004 V3.04` CR LF CR LF: IEC 62056-21 mode D, DSMR P1), or a push end `)` CR LF `!`
 * CR LF (DSMR: `!` and a CRC16 in four hex digits) followed by the next telegram's `/` or by nothing,
 * never by the ETX and BCC of an answer. A mode A/B/C answer
 * is an identification line alone, then STX after the option select; a data message that lost its
 * STX has no empty line after the identification and ends `!` CR LF ETX. Parity bits are ignored
 * (7E1 bytes read as 8N1). Pure: reads `raw`, nothing else.
 */
export function looksLikePushTelegram(raw: Uint8Array): boolean {
	if (raw.length === 0) return false;
	let text = '';
	for (const byte of raw) {
		const char = byte & 0x7f;
		if (char === STX) return false;
		text += String.fromCharCode(char);
	}
	if (/\/[A-Za-z]{2}[A-Za-z\d][\dA-I][^\r\n/!]*\r\n\r\n/.test(text)) return true;
	// A telegram's end after a data set, then the next one's start (a meter that sends again unasked) or
	// nothing more: a push telegram joined mid-way. An answer in mode A/B/C has ETX and its BCC there.
	return /\)\r\n![\dA-Fa-f]{0,4}\r\n(\/|$)/.test(text);
}
