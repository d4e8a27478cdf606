import type {DataSet} from '../iec62056/data-set.ts';
import {NO_TIME} from '../iec62056/meter-time.ts';
import {isCurrentValue} from '../iec62056/obis-code.ts';
import {billingResetTimes} from './billing-reset-times.ts';
import {isResetStampCode, parseResetStamp} from './reset-stamp.ts';

/**
 * The periods (`*NN`, `&NN`) whose reset stamp is a placeholder (`0.1.2*99(0000000000)`: a period
 * before the meter was installed) and that have no real one: their history is "no data", not a value
 * that could not be dated (docs/backfill.md, Times).
 */
export function placeholderPeriods(dataSets: readonly DataSet[]): Set<string> {
	const placeholders = new Set<string>();
	const real = new Set<string>();
	for (const set of dataSets) {
		const code = set.obis;
		if (code === undefined || code.separator === undefined || !isResetStampCode(code) || isCurrentValue(code))
			continue;
		const time = parseResetStamp(code, set.values[0]?.text ?? '');
		const period = `${code.separator}${code.f}`;
		if (time === NO_TIME) placeholders.add(period);
		else if (time !== undefined) real.add(period);
	}
	for (const period of billingResetTimes(dataSets).keys()) real.add(period);
	for (const period of real) placeholders.delete(period);
	return placeholders;
}

/** The period of a data set's address as written (`1-1:1.8.0*99` → `*99`), undefined for a current value. */
export function periodOfAddress(address: string): string | undefined {
	const match = /([*&])(\d+)$/.exec(address);
	if (match === null || (match[1] === '*' && Number(match[2]) === 255)) return undefined;
	return `${match[1]}${match[2]}`;
}
