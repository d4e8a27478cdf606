/**
 * Whether bytes with bit 7 set look like 7E1 text captured as 8N1 (the parity bit kept as bit 7):
 * with bit 7 cleared, nearly all of them (95 %) are printable ASCII, CR, LF, STX or ETX, and the text
 * has the shapes of a readout: an identification `/XXX` or a data set `(…)`. Random bytes fail the
 * first test (about 76 % of them land on those after clearing bit 7), so noise gets no parity hint.
 */
export function looksLike7E1Text(bytes: Uint8Array): boolean {
	if (bytes.length === 0) return false;
	let textual = 0;
	let highBits = 0;
	let text = '';
	for (const byte of bytes) {
		if (byte & 0x80) highBits++;
		const low = byte & 0x7f;
		if ((low >= 0x20 && low < 0x7f) || low === 0x0d || low === 0x0a || low === 0x02 || low === 0x03)
			textual++;
		text += String.fromCharCode(low);
	}
	if (highBits === 0 || textual < bytes.length * MIN_TEXT_SHARE) return false;
	return /\/[A-Za-z]{3}/.test(text) || /\([^()\r\n]{0,64}\)/.test(text);
}

/** Share of bytes that must be text after clearing bit 7. */
const MIN_TEXT_SHARE = 0.95;
