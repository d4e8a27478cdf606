import {plural} from './plural.ts';

/**
 * A size as every message shows it: `1 byte`, `999 bytes`, then one decimal in powers of 1000,
 * `1.2 kB`, `5.6 MB`, `2.0 GB`. Decimal units, because `spool.max_size: 100MB` reads MB as 10^6
 * bytes (parseSize) and so do file managers and `ls -h --si`; a limit kept in powers of two is
 * shown rounded (1 MiB is `1.0 MB`), so limits the user compares against are set in powers of 1000.
 */
export function byteSize(bytes: number): string {
	if (bytes < 1000) return plural(bytes, 'byte');
	let unit = 0;
	let value = bytes / 1000;
	// 999 950 bytes round to `1000.0 kB`: that is `1.0 MB`.
	while (Number(value.toFixed(1)) >= 1000 && unit < UNITS.length - 1) {
		value /= 1000;
		unit++;
	}
	return `${value.toFixed(1)} ${UNITS[unit]}`;
}

const UNITS = ['kB', 'MB', 'GB', 'TB'];
