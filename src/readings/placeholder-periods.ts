import type {DataSet} from '../iec62056/data-set.ts';
import {billingResetTimes} from './billing-reset-times.ts';
import {resetDatePlaceholders} from './reset-stamp.ts';

/**
 * The periods (`*NN`, `&NN`) whose reset stamp is a placeholder (`0.1.2*99(0000000000)`,
 * `0.1.3*99(000000)`: a period before the meter was installed) and that have no real one: their history
 * is "no data", not a value that could not be dated (docs/backfill.md, Times). A time of day beside a
 * placeholder date (`0.1.2*99(0000)`) is no real stamp.
 */
export function placeholderPeriods(dataSets: readonly DataSet[]): Set<string> {
	const placeholders = resetDatePlaceholders(dataSets);
	placeholders.delete('');
	for (const period of billingResetTimes(dataSets).keys()) placeholders.delete(period);
	return placeholders;
}

/** The period of a data set's address as written (`1-1:1.8.0*99` → `*99`), undefined for a current value. */
export function periodOfAddress(address: string): string | undefined {
	const match = /([*&])(\d+)$/.exec(address);
	if (match === null || (match[1] === '*' && Number(match[2]) === 255)) return undefined;
	return `${match[1]}${match[2]}`;
}
