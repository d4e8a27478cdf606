import {isDecimal} from './decimal-text.ts';
import {knownUnit, unitText, unitTextOf} from './unit-table.ts';

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

const STAR = 0x2a;
const AMPERSAND = 0x26;

/** Interprets the content of one bracket. Never throws: anything that is not number+unit stays text. */
export function parseDataValue(raw: string): DataValue {
	return parseDataValueAt(raw, 0, raw.length, raw);
}

/**
 * The value in `source[start, end)` for a caller that has already scanned it: `star` is the first `*`
 * (or -1) and `special` says whether an `&` or padding (space, tab, NUL, CR) occurs. Most values
 * (`000783.16*kWh`, `1605041345`) have neither, and need no trimming nor a second look. `codes`, when
 * given, are the Latin-1 bytes of `source` from `codesOffset` on (see unitTextOf); `unitPacked` is then
 * the unit's last four bytes packed as knownUnit takes them (the caller read them while scanning).
 */
export function parseScannedValue(
	source: string,
	start: number,
	end: number,
	star: number,
	special: boolean,
	codes?: Uint8Array,
	codesOffset = 0,
	unitPacked = 0,
): DataValue {
	const raw = source.slice(start, end);
	if (special) return parseDataValueAt(source, start, end, raw);
	if (star < 0) return {raw, text: raw};
	const unit =
		codes === undefined
			? unitText(source, star + 1, end)
			: (knownUnit(unitPacked, end - star - 1) ?? unitTextOf(source, codes, codesOffset, star + 1, end));
	return {raw, text: source.slice(start, star), unit};
}

/**
 * parseDataValue for the bracket content `source[start, end)`, read in place; `raw` is that content,
 * already sliced by the caller. The result has one of a few fixed shapes, keys in the order
 * `{raw, text, unit, trailer, parts}`.
 */
function parseDataValueAt(source: string, start: number, end: number, raw: string): DataValue {
	for (let index = start; index < end; index++) {
		if (source.charCodeAt(index) === AMPERSAND) return withParts(source, start, end, raw);
	}
	return withRaw(raw, parseValuePart(source, start, end));
}

/** A bracket with `&`-separated sub-values: the first part's fields are repeated at the top level. */
function withParts(source: string, start: number, end: number, raw: string): DataValue {
	const parts: ValuePart[] = [];
	let partStart = start;
	for (let index = start; index <= end; index++) {
		if (index === end || source.charCodeAt(index) === AMPERSAND) {
			parts.push(parseValuePart(source, partStart, index));
			partStart = index + 1;
		}
	}
	const {text, unit, trailer} = parts[0] as ValuePart;
	if (unit === undefined) return {raw, text, parts};
	if (trailer === undefined) return {raw, text, unit, parts};
	return {raw, text, unit, trailer, parts};
}

function withRaw(raw: string, {text, unit, trailer}: ValuePart): DataValue {
	if (unit === undefined) return {raw, text};
	if (trailer === undefined) return {raw, text, unit};
	return {raw, text, unit, trailer};
}

/** One `&`-separated piece of `source[start, end)`, same rules as a whole bracket. */
function parseValuePart(source: string, start: number, end: number): ValuePart {
	let star = -1;
	for (let index = start; index < end; index++) {
		if (source.charCodeAt(index) === STAR) {
			star = index;
			break;
		}
	}
	if (star >= 0) {
		const textEnd = trimEnd(source, start, star);
		const text = source.slice(trimStart(source, start, textEnd), textEnd);
		const unitStart = trimStart(source, star + 1, end);
		const unitEnd = trimEnd(source, unitStart, end);
		const space = firstSpace(source, unitStart, unitEnd);
		if (space < 0) return {text, unit: source.slice(unitStart, unitEnd)};
		const unit = source.slice(unitStart, space);
		const trailerStart = trimStart(source, space, unitEnd);
		return trailerStart === unitEnd
			? {text, unit}
			: {text, unit, trailer: source.slice(trailerStart, unitEnd)};
	}
	const textEnd = trimEnd(source, start, end);
	const textStart = trimStart(source, start, textEnd);
	return spacedUnit(source, textStart, textEnd) ?? {text: source.slice(textStart, textEnd)};
}

/** `(0000000 kWh)`: a number, spaces, a unit word (Iskra MT171). Undefined for any other text. */
function spacedUnit(source: string, start: number, end: number): ValuePart | undefined {
	const space = firstSpace(source, start, end);
	if (space <= start) return undefined;
	const head = source.slice(start, space);
	const tail = source.slice(trimStart(source, space, end), end);
	return isDecimal(head) && UNIT_WORD.test(tail) ? {text: head, unit: tail} : undefined;
}

/** Whitespace as meters pad values: space, tab, CR, LF, NUL. */
function isPadding(code: number): boolean {
	return code === 0x20 || code === 0x09 || code === 0x00 || code === 0x0d || code === 0x0a;
}

function trimStart(source: string, start: number, end: number): number {
	while (start < end && isPadding(source.charCodeAt(start))) start++;
	return start;
}

function trimEnd(source: string, start: number, end: number): number {
	while (end > start && isPadding(source.charCodeAt(end - 1))) end--;
	return end;
}

function firstSpace(source: string, start: number, end: number): number {
	for (let index = start; index < end; index++) {
		const code = source.charCodeAt(index);
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
