import {Buffer} from 'node:buffer';

// Scanning a string with charCodeAt costs about twice as much per character as reading a byte array,
// and a data block's text is scanned character by character. One scratch buffer, reused by every
// call (parsing is synchronous) and grown by doubling, holds the codes; it starts at 4 KiB.
let scratch = Buffer.allocUnsafe(4096);

// Characters beyond Latin-1 only reach the parser through its string API (a capture is Latin-1).
const WIDE = /[\u0100-\uffff]/;

/** True when every character of `text` is at most U+00FF, so that charCodes gives it exactly. */
export function isLatin1(text: string): boolean {
	return !WIDE.test(text);
}

/**
 * The character codes of `text` as bytes, in a buffer that the next call overwrites; only indexes
 * below `text.length` are meaningful. `latin1` is what isLatin1 said of the text. Otherwise a
 * character above U+00FF reads as 0xFF, so it can never pass for one of the ASCII delimiters, and
 * whoever needs the exact character reads it from the string.
 */
export function charCodes(text: string, latin1: boolean): Uint8Array {
	const length = text.length;
	if (scratch.length < length) {
		let capacity = scratch.length * 2;
		while (capacity < length) capacity *= 2;
		scratch = Buffer.allocUnsafe(capacity);
	}
	if (latin1) {
		scratch.write(text, 0, 'latin1');
		return scratch;
	}
	for (let index = 0; index < length; index++) {
		const code = text.charCodeAt(index);
		scratch[index] = Math.min(code, 0xff);
	}
	return scratch;
}
