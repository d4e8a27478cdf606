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
const TRIM = /^[\s\0]+|[\s\0]+$/g;

/** Interprets the content of one bracket. Never throws: anything that is not number+unit stays text. */
export function parseDataValue(raw: string): DataValue {
	if (raw.includes('&')) {
		const parts = raw.split('&').map(parseValuePart);
		return {raw, ...(parts[0] as ValuePart), parts};
	}
	return {raw, ...parseValuePart(raw)};
}

function parseValuePart(raw: string): ValuePart {
	const star = raw.indexOf('*');
	if (star >= 0) {
		const text = raw.slice(0, star).replace(TRIM, '');
		const afterStar = raw.slice(star + 1).replace(TRIM, '');
		const space = afterStar.search(/\s/);
		if (space < 0) return {text, unit: afterStar};
		const trailer = afterStar.slice(space).replace(TRIM, '');
		return {text, unit: afterStar.slice(0, space), ...(trailer ? {trailer} : {})};
	}
	const text = raw.replace(TRIM, '');
	// `(0000000 kWh)`: a number, spaces, a unit word (Iskra MT171).
	const space = text.search(/\s/);
	if (space > 0) {
		const head = text.slice(0, space);
		const tail = text.slice(space).replace(TRIM, '');
		if (isDecimal(head) && UNIT_WORD.test(tail)) return {text: head, unit: tail};
	}
	return {text};
}

/** Formats a value back to bracket content (used by the encoder and the simulator). */
export function formatValuePart(part: ValuePart): string {
	const unit = part.unit === undefined ? '' : `*${part.unit}`;
	const trailer = part.trailer === undefined ? '' : ` ${part.trailer}`;
	return `${part.text}${unit}${trailer}`;
}
