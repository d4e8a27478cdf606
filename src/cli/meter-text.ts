import {isUtf8} from 'node:buffer';
import type {Identification} from '../iec62056/identification.ts';

// C0 controls, DEL and C1 controls: what a terminal acts on instead of showing (a tab moves the
// columns, an ESC starts a sequence). Latin-1 letters (0xA0–0xFF) are printable and stay.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NON_PRINTABLE = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Meter text as printed: every control and non-printable character as JSON writes it inside a string
 * (`\t`, `\r`, `\u0018`, `\u007f`), the way messages about malformed data sets show them; everything
 * else as received. E.g. `uqO\t=yw` → `uqO\\t=yw`. Text read byte by byte (Latin-1) whose bytes are
 * valid UTF-8 with characters beyond ASCII (a capture pasted from an editor: `Zähler`) is shown as
 * UTF-8, not as `ZÃ¤hler`; meters themselves send ASCII.
 */
export function printableMeterText(text: string): string {
	return asUtf8(text).replace(NON_PRINTABLE, (char) =>
		char < '\u007f'
			? JSON.stringify(char).slice(1, -1)
			: `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
	);
}

/** `text` (one char per byte) read as UTF-8 when its bytes are valid UTF-8 beyond ASCII; else as it is. */
function asUtf8(text: string): string {
	// A UTF-8 lead byte followed by a continuation byte, and nothing that is not a byte already.
	if (!/[\u00c2-\u00f4][\u0080-\u00bf]/.test(text) || /[\u0100-\uffff]/.test(text)) return text;
	const bytes = Buffer.from(text, 'latin1');
	return isUtf8(bytes) ? bytes.toString('utf8') : text;
}

/**
 * True for an identification of the standard's form (IEC 62056-21 §6.3.2): a manufacturer id of three
 * letters, upper case but for the third (a 20 ms meter), and printable characters after it. Random
 * bytes that happen to start with `/` and end with CR LF seldom pass.
 */
export function isStandardIdentification(identification: Identification): boolean {
	return (
		/^[A-Z]{2}[A-Za-z]$/.test(identification.manufacturer) &&
		!/[^\u0020-\u007e]/.test(
			identification.baudChar + identification.enhanced.join('') + identification.ident,
		)
	);
}
