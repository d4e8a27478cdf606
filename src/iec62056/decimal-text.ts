/**
 * Numbers as meters print them: leading zeros, `+`/`-` signs, a decimal comma (Kamstrup, some
 * Easymeter variants) and long fractions (`00014869.2594317`). The exact text is kept by the caller;
 * this gives the float a field stores.
 */
const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/** The value as a finite number, or undefined when the text is not a plain decimal (hex, ids, dates). */
export function parseDecimal(text: string): number | undefined {
	if (!DECIMAL.test(text)) return undefined;
	const value = Number(text.replace(',', '.'));
	return Number.isFinite(value) ? value : undefined;
}

export function isDecimal(text: string): boolean {
	return DECIMAL.test(text);
}
