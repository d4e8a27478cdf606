/**
 * A rate for people, the same in the backfill's progress line, its bar and its summary: whole
 * numbers from 10 on, two significant digits below (a readout every 3.2 s is 0.31/s, not 0).
 */
export function perSecond(rate: number): string {
	if (rate >= 10 || rate === 0) return `${Math.round(rate)}`;
	return `${Number(rate.toPrecision(2))}`;
}
