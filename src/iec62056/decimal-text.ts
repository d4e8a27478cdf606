/**
 * Numbers as meters print them: leading zeros, `+`/`-` signs, a decimal comma (Kamstrup, some
 * Easymeter variants) and long fractions (`00014869.2594317`). The exact text is kept by the caller;
 * this gives the float a field stores.
 */
const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/** The value as a finite number, or undefined when the text is not a plain decimal (hex, ids, dates). */
export function parseDecimal(text: string): number | undefined {
	// DECIMAL checked by hand: asked for nearly every value of every readout, the pattern cost more than
	// the number's parsing.
	const length = text.length;
	let index = length > 0 && (text.charCodeAt(0) === PLUS || text.charCodeAt(0) === MINUS) ? 1 : 0;
	let digits = 0;
	let separator = -1;
	for (; index < length; index++) {
		const code = text.charCodeAt(index);
		if (code >= ZERO && code <= NINE) digits++;
		else if ((code === DOT || code === COMMA) && separator < 0) separator = index;
		else return undefined;
	}
	if (digits === 0) return undefined;
	const value = Number(
		separator >= 0 && text.charCodeAt(separator) === COMMA ? text.replace(',', '.') : text,
	);
	return Number.isFinite(value) ? value : undefined;
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;

export function isDecimal(text: string): boolean {
	return DECIMAL.test(text);
}
