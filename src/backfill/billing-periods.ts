import type {DataSet} from '../iec62056/data-set.ts';
import {NO_TIME} from '../iec62056/meter-time.ts';
import {isCurrentValue} from '../iec62056/obis-code.ts';
import {billingResetTimes} from '../readings/billing-reset-times.ts';
import {meterTimeToInstant} from '../readings/meter-clock.ts';
import {datedValue} from '../readings/value-times.ts';

/**
 * The billing periods one readout holds history of, as keys that stay the same from readout to
 * readout of one meter (so a summary counts each period once however often it was read):
 * - a period with a reset time (`0.1.2*NN`, `0.1.3*NN`, the counter's last reset): meter, scheme and
 *   that instant;
 * - a period without one whose values carry their own dates (`1.6.2*14(26.60)(1609051415)`, the ZMD
 *   readout without reset stamps): meter, scheme and the latest of those dates. A period number alone
 *   would not do: `*01` names another period every month on meters that count back from the last.
 * Periods whose values have neither (placeholders, undated history) hold no data and are not counted.
 */
export function billingPeriodKeys(dataSets: readonly DataSet[], meterId: string, timeZone: string): string[] {
	const keys: string[] = [];
	const resets = billingResetTimes(dataSets);
	for (const [period, time] of resets) {
		const instant = meterTimeToInstant(time, timeZone);
		if (instant !== undefined) keys.push(`${meterId}\u0000${period[0]}\u0000${instant.getTime()}`);
	}
	const latest = new Map<string, number>();
	for (const set of dataSets) {
		const code = set.obis;
		if (code === undefined || code.separator === undefined || isCurrentValue(code)) continue;
		const period = `${code.separator}${code.f}`;
		if (resets.has(period)) continue;
		const stamp = datedValue(set)?.stamp;
		if (stamp === undefined || stamp === NO_TIME) continue;
		const instant = meterTimeToInstant(stamp, timeZone)?.getTime();
		if (instant !== undefined && instant > (latest.get(period) ?? Number.NEGATIVE_INFINITY))
			latest.set(period, instant);
	}
	for (const [period, instant] of latest) keys.push(`${meterId}\u0000${period[0]}\u0000d${instant}`);
	return keys;
}
