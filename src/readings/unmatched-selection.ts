/** `selected code 9.9.9 is not in the meter's telegram (a typo?)`: for selections that matched nothing. */
export function describeUnmatchedSelection(codes: readonly string[]): string {
	const what = codes.length === 1 ? `selected code ${codes[0]} is` : `selected codes ${codes.join(', ')} are`;
	return `${what} not in the meter's telegram, so nothing is written for ${codes.length === 1 ? 'it' : 'them'} (a typo? "dlms-logger read" lists the codes the meter sends)`;
}
