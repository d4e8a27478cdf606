import {plural} from '../observability/plural.ts';
import type {Config} from './config-schema.ts';
import {nextCronRun} from './cron-next-run.ts';

/** From how far away a cron meter's first readout is worth a warning, ms: 31 days, the longest wait of a monthly schedule. */
const FAR_FIRST_READOUT_MS = 31 * 86_400_000;

/** Something in a valid configuration that is most likely not meant: reported, never refused. */
export interface ConfigWarning {
	/** The YAML path, e.g. `['meters', 0, 'select', 1]`. */
	readonly path: readonly (string | number)[];
	readonly message: string;
}

/**
 * What a valid configuration holds that its writer most likely did not mean: an OBIS selection listed
 * twice in one meter (`select: [1.8.1, 1.8.1]`: a leftover of an edit, or one of two codes mistyped);
 * a cron `schedule` whose first run is more than 31 days after `now` (`0 0 29 2 *`, or a date of one
 * year: the meter would not be read until then). A cron that never fires is refused by the schema.
 * Pure but for `now` (default the current time): what depends on the machine (does the port exist
 * now?) is checked where the command runs. Cron times are the host's local time, as the collector's.
 */
export function configWarnings(config: Config, now: Date = new Date()): ConfigWarning[] {
	const warnings: ConfigWarning[] = [];
	for (const [meterIndex, meter] of config.meters.entries()) {
		if (meter.schedule !== undefined) {
			const warning = farFirstReadout(meter.schedule, now);
			if (warning !== undefined) warnings.push({path: ['meters', meterIndex, 'schedule'], message: warning});
		}
		const first = new Map<string, number>();
		for (const [index, entry] of (meter.select ?? []).entries()) {
			const code = entry.code.trim();
			const earlier = first.get(code);
			if (earlier === undefined) {
				first.set(code, index);
				continue;
			}
			warnings.push({
				path: ['meters', meterIndex, 'select', index],
				message: `${code} is selected twice (also select[${earlier}]): keep one`,
			});
		}
	}
	return warnings;
}

/** The warning for a cron pattern whose next run is more than 31 days after `now`, or undefined. */
function farFirstReadout(pattern: string, now: Date): string | undefined {
	const next = nextCronRun(pattern, now);
	// null: it never fires, which the schema refuses (cronProblem).
	if (next === null || next.getTime() - now.getTime() <= FAR_FIRST_READOUT_MS) return undefined;
	const days = Math.floor((next.getTime() - now.getTime()) / 86_400_000);
	return `"${pattern}" first fires at ${next.toISOString()}, ${plural(days, 'day')} from now: the meter is not read before then (a daily readout is "0 0 * * *")`;
}
