import {isDecimal} from './decimal-text.ts';

/** One `&`-separated piece of a bracket, e.g. `082*C` in `9.4(088*C&082*C)`. */
export interface ValuePart {
	/** The value text, surrounding spaces and NULs trimmed; exact digits kept (`000783.16`, `000007,4`). */
	readonly text: string;
	/** Text after `*`; `''` for a `*` with nothing after it; absent when no unit was sent. */
	readonly unit?: string;
	/** Anything after the unit and a space, e.g. the stamp in the AUX SX330's `(1.124*kW 1250625171500)`. */
	readonly trailer?: string;
}

/** The content of one bracket pair `(…)`. */
export interface DataValue extends ValuePart {
	/** The bracket's content exactly as received. */
	readonly raw: string;
	/** The pieces when the bracket holds `&`-separated sub-values; absent otherwise. */
	readonly parts?: readonly ValuePart[];
}

// Unit words: letters, digits, `/`, `°`, `%` (`kWh`, `m3ph`, `Imp/kWh`, `°C`), starting with a non-digit.
const UNIT_WORD = /^[A-Za-z°%][A-Za-z0-9°%/]*$/;

/** Interprets the content of one bracket. Never throws: anything that is not number+unit stays text. */
export function parseDataValue(raw: string): DataValue {
	if (raw.includes('&')) {
		const parts = raw.split('&').map(parseValuePart);
		return {raw, ...(parts[0] as ValuePart), parts};
	}
	const part = parseValuePart(raw);
	if (part.unit === undefined) return part.trailer === undefined ? {raw, text: part.text} : {raw, ...part};
	return part.trailer === undefined ? {raw, text: part.text, unit: part.unit} : {raw, ...part};
}

function parseValuePart(raw: string): ValuePart {
	const star = raw.indexOf('*');
	if (star >= 0) {
		const text = trim(raw, 0, star);
		const afterStar = trim(raw, star + 1, raw.length);
		const space = firstSpace(afterStar);
		if (space < 0) return {text, unit: afterStar};
		const trailer = trim(afterStar, space, afterStar.length);
		const unit = afterStar.slice(0, space);
		return trailer ? {text, unit, trailer} : {text, unit};
	}
	const text = trim(raw, 0, raw.length);
	// `(0000000 kWh)`: a number, spaces, a unit word (Iskra MT171).
	const space = firstSpace(text);
	if (space > 0) {
		const head = text.slice(0, space);
		const tail = trim(text, space, text.length);
		if (isDecimal(head) && UNIT_WORD.test(tail)) return {text: head, unit: tail};
	}
	return {text};
}

/** Whitespace as meters pad values: space, tab, CR, LF, NUL. */
function isPadding(code: number): boolean {
	return code === 0x20 || code === 0x09 || code === 0x00 || code === 0x0d || code === 0x0a;
}

/** `text[start, end)` without surrounding padding; returns `text` itself when there is nothing to cut. */
function trim(text: string, start: number, end: number): string {
	while (start < end && isPadding(text.charCodeAt(start))) start++;
	while (end > start && isPadding(text.charCodeAt(end - 1))) end--;
	return start === 0 && end === text.length ? text : text.slice(start, end);
}

function firstSpace(text: string): number {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === 0x20 || code === 0x09) return index;
	}
	return -1;
}

/** Formats a value back to bracket content (used by the encoder and the simulator). */
export function formatValuePart(part: ValuePart): string {
	const unit = part.unit === undefined ? '' : `*${part.unit}`;
	const trailer = part.trailer === undefined ? '' : ` ${part.trailer}`;
	return `${part.text}${unit}${trailer}`;
}
