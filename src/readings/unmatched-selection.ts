import type {SelectionShortOfValues} from './obis-selection.ts';

/** `selected code 9.9.9 is not in the meter's telegram (a typo?)`: for selections that matched nothing. */
export function describeUnmatchedSelection(codes: readonly string[]): string {
	const what = codes.length === 1 ? `selected code ${codes[0]} is` : `selected codes ${codes.join(', ')} are`;
	return `${what} not in the meter's telegram, so nothing is written for ${codes.length === 1 ? 'it' : 'them'} (a typo? "dlms-logger read" lists the codes the meter sends)`;
}

/** `selected 1.6.2*03~2 but its data set has only 2 values (~0 to ~1)`: a value index beyond the data set. */
export function describeShortSelection(entries: readonly SelectionShortOfValues[]): string {
	return entries
		.map(
			({code, values}) =>
				`selected ${code} but its data set has only ${values === 1 ? '1 value (~0)' : `${values} values (~0 to ~${values - 1})`}, so nothing is written for it`,
		)
		.join('; ');
}
