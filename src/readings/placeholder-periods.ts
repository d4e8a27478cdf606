import type {DataSet} from '../iec62056/data-set.ts';
import {parseDecimal} from '../iec62056/decimal-text.ts';
import {billingResetTimes, counterPeriods} from './billing-reset-times.ts';
import {resetDatePlaceholders, resetPeriodOf} from './reset-stamp.ts';

/**
 * The periods (`*NN`, `&NN`) whose reset stamp is a placeholder (`0.1.2*99(0000000000)`,
 * `0.1.3*99(000000)`: a period before the meter was installed) and that have no real one: their history
 * is "no data", not a value that could not be dated (docs/backfill.md, Times). A time of day beside a
 * placeholder date (`0.1.2*99(0000)`) is no real stamp. The period the current counter names
 * (`0.1.0(05)` → `*05`) has the unstarred stamp as its own (billingResetTimes): a placeholder there
 * (`0.1.3(000000)`, a meter never reset) makes that period one too.
 */
export function placeholderPeriods(dataSets: readonly DataSet[]): Set<string> {
	const placeholders = resetDatePlaceholders(dataSets);
	const dated = billingResetTimes(dataSets);
	if (placeholders.delete('')) {
		const named = namedPeriods(dataSets);
		if (!named.some((period) => dated.has(period))) for (const period of named) placeholders.add(period);
	}
	for (const period of dated.keys()) placeholders.delete(period);
	return placeholders;
}

/** The period the current counter `0.1.0(NN)` names (see counterPeriods); none without a counter. */
function namedPeriods(dataSets: readonly DataSet[]): string[] {
	for (const set of dataSets) {
		const code = set.obis;
		if (code === undefined || code.c !== '0' || code.d !== '1' || code.e !== '0') continue;
		if (resetPeriodOf(code) !== '') continue;
		const text = set.values[0]?.text ?? '';
		const value = parseDecimal(text);
		if (value === undefined || !Number.isInteger(value)) return [];
		return counterPeriods(text, value);
	}
	return [];
}

/** The period of a data set's address as written (`1-1:1.8.0*99` → `*99`), undefined for a current value. */
export function periodOfAddress(address: string): string | undefined {
	const match = /([*&])(\d+)$/.exec(address);
	if (match === null || (match[1] === '*' && Number(match[2]) === 255)) return undefined;
	return `${match[1]}${match[2]}`;
}
