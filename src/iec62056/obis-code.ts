/**
 * OBIS / EDIS codes as meters print them: the full `A-B:C.D.E*F` and every reduced form
 * (`1-1:1.8.0`, `1.8.0`, `1.8`, `F.F`, `C.1`, `0.0`, `C.51.2*01`, `1.8.0&03`).
 * Letters stand for values in groups C and D: C=96 (service), F=97 (error), L=98 (list), P=99 (profile).
 */
export interface ObisCode {
	/** Group A (medium: 0 abstract, 1 electricity …), when sent. */
	readonly a?: number;
	/** Group B (channel), when sent. */
	readonly b?: number;
	/** Groups C, D, E as written but normalised: numbers without leading zeros, letters upper case. */
	readonly c: string;
	readonly d?: string;
	readonly e?: string;
	/** Group F (billing period) as written, e.g. `01`, `18`, `101`, `255`. */
	readonly f?: string;
	/** `*` (billing period, first scheme) or `&` (second scheme): never merged. */
	readonly separator?: '*' | '&';
}

const LETTER_VALUES: Readonly<Record<string, number>> = {C: 96, F: 97, L: 98, P: 99};

// Groups C–E: a number 0–255 or one of the letters C F L P. Group F: digits.
const OBIS_PATTERN =
	/^(?:(\d{1,3})-(\d{1,3}):)?(\d{1,3}|[CFLPcflp])(?:\.(\d{1,3}|[CFLPcflp])(?:\.(\d{1,3}|[CFLPcflp]))?)?(?:([*&])(\d{1,3}))?$/;

/** Parses an address as an OBIS code; undefined when it is not one (e.g. `1-1:30D`, kept opaque by callers). */
export function parseObisCode(address: string): ObisCode | undefined {
	const match = OBIS_PATTERN.exec(address.trim());
	if (!match) return undefined;
	const [, a, b, c, d, e, separator, f] = match;
	const groups = [a, b, f].map((group) => (group === undefined ? undefined : Number(group)));
	if (groups.some((value) => value !== undefined && value > 255)) return undefined;
	const normalised = [c, d, e].map(normaliseGroup);
	if (normalised.some((value) => value === null)) return undefined;
	// A bare number such as `5` is not a code: require at least C.D.
	if (d === undefined) return undefined;
	return {
		...(a === undefined ? {} : {a: Number(a), b: Number(b)}),
		c: normalised[0] as string,
		...(normalised[1] === undefined ? {} : {d: normalised[1] as string}),
		...(normalised[2] === undefined ? {} : {e: normalised[2] as string}),
		...(separator === undefined ? {} : {separator: separator as '*' | '&', f}),
	};
}

function normaliseGroup(group: string | undefined): string | undefined | null {
	if (group === undefined) return undefined;
	if (/^[A-Za-z]$/.test(group)) return group.toUpperCase();
	const value = Number(group);
	return value > 255 ? null : String(value);
}

/** The numeric value of a C, D or E group (letters mapped to 96–99). */
export function groupValue(group: string): number {
	// Most groups are one digit: no table lookup and no number parsing (asked for each data set of each readout).
	if (group.length === 1) {
		const digit = group.charCodeAt(0) - 0x30;
		if (digit >= 0 && digit <= 9) return digit;
	}
	return LETTER_VALUES[group] ?? Number(group);
}

/** `C.D.E` as the standard names the quantity, e.g. `1.8.1`, `F.F`, `C.3.1`, `1.8`. */
export function reducedCode(code: ObisCode): string {
	// Concatenated, not joined from an array: every data set of every readout asks for it.
	let reduced = code.c;
	if (code.d !== undefined) reduced += `.${code.d}`;
	if (code.e !== undefined) reduced += `.${code.e}`;
	return reduced;
}

/** True when F is absent or 255 ("current value"): the current register, not a billing period. */
export function isCurrentValue(code: ObisCode): boolean {
	return code.f === undefined || (code.separator === '*' && Number(code.f) === 255);
}

/**
 * The key a reading is known by: `C.D.E`, plus `*F` or `&F` as written for billing periods.
 * `*255` is the current value and is dropped, so `1-0:1.8.0*255` and `1.8.0` share the key `1.8.0`.
 */
export function obisKey(code: ObisCode): string {
	const reduced = reducedCode(code);
	return isCurrentValue(code) ? reduced : `${reduced}${code.separator}${code.f}`;
}

/** `A-B` when the meter sent a channel prefix, e.g. `1-1`. */
export function channelOf(code: ObisCode): string | undefined {
	return code.a === undefined ? undefined : `${code.a}-${code.b}`;
}

/** The full text form `A-B:C.D.E*F`, each group only when present. */
export function formatObisCode(code: ObisCode): string {
	const prefix = code.a === undefined ? '' : `${code.a}-${code.b}:`;
	const suffix = code.f === undefined ? '' : `${code.separator}${code.f}`;
	return `${prefix}${reducedCode(code)}${suffix}`;
}

/** Manufacturer specific when any of groups C to F holds 128–254 (the smarthomeNG dlms plugin's rule). */
export function isManufacturerSpecific(code: ObisCode): boolean {
	const values = [code.c, code.d, code.e].filter((group) => group !== undefined).map(groupValue);
	if (code.f !== undefined) values.push(Number(code.f));
	return values.some((value) => value >= 128 && value <= 254);
}
