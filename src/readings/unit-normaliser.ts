/**
 * One canonical unit per quantity, so a dashboard can sum meters that print `Wh` and `kWh` alike:
 * energy kWh, power kW, reactive energy kvarh, reactive power kvar, apparent kVAh / kVA.
 * Anything not in the table passes through unchanged and is flagged `known: false`: the mapper still
 * writes it as the `unit` tag, exactly as sent, and reports it.
 */
export interface NormalisedValue {
	readonly value: number;
	readonly unit: string;
	/** False when the unit was not recognised and was passed through as sent. */
	readonly known: boolean;
}

const CONVERSIONS: Readonly<Record<string, readonly [unit: string, factor: number]>> = {
	wh: ['kWh', 1e-3],
	kwh: ['kWh', 1],
	w: ['kW', 1e-3],
	kw: ['kW', 1],
	varh: ['kvarh', 1e-3],
	kvarh: ['kvarh', 1],
	var: ['kvar', 1e-3],
	kvar: ['kvar', 1],
	vah: ['kVAh', 1e-3],
	kvah: ['kVAh', 1],
	va: ['kVA', 1e-3],
	kva: ['kVA', 1],
	v: ['V', 1],
	kv: ['V', 1e3],
	a: ['A', 1],
	hz: ['Hz', 1],
	m3: ['m3', 1],
	'm³': ['m3', 1],
	// Water and gas meters send litres as well: one canonical volume, as for energy.
	l: ['m3', 1e-3],
	dm3: ['m3', 1e-3],
	m3ph: ['m3/h', 1],
	'm3/h': ['m3/h', 1],
	'l/h': ['m3/h', 1e-3],
	// Heat meters: GJ (kept, the unit their registers count in) and MJ; MWh is handled as a prefixed Wh.
	gj: ['GJ', 1],
	mj: ['GJ', 1e-3],
	c: ['°C', 1],
	'°c': ['°C', 1],
	k: ['K', 1],
	s: ['s', 1],
	sec: ['s', 1],
	secs: ['s', 1],
	min: ['s', 60],
	h: ['h', 1],
	'%': ['%', 1],
	deg: ['°', 1],
	'°': ['°', 1],
};

/** Energy, power and the like scaled to the canonical unit; the exact text stays with the data set. */
export function normaliseUnit(value: number, unit: string | undefined): NormalisedValue {
	if (unit === undefined || unit === '') return {value, unit: '', known: true};
	const conversion = CONVERSIONS[unit.toLowerCase()] ?? prefixed(unit);
	if (conversion === undefined) return {value, unit, known: false};
	const [canonical, factor] = conversion;
	// Scale through a decimal string so 1234 Wh gives exactly 1.234 kWh, not 1.2340000000000002.
	return {
		value: factor === 1 ? value : Number((value * factor).toPrecision(15)),
		unit: canonical,
		known: true,
	};
}

// Electrical units whose SI prefix is case-sensitive: `mW` is milliwatt, `MW` megawatt.
const PREFIXABLE = new Set(['wh', 'w', 'varh', 'var', 'vah', 'va', 'a', 'v']);
const PREFIXES: Readonly<Record<string, number>> = {m: 1e-3, M: 1e6};

function prefixed(unit: string): readonly [unit: string, factor: number] | undefined {
	const factor = PREFIXES[unit.charAt(0)];
	const base = CONVERSIONS[unit.slice(1).toLowerCase()];
	if (factor === undefined || base === undefined || !PREFIXABLE.has(unit.slice(1).toLowerCase()))
		return undefined;
	return [base[0], base[1] * factor];
}
