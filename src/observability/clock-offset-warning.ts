/**
 * Warns when a meter's clock (0.9.1/0.9.2, read in the configured zone) is off the host clock by about a
 * whole number of hours: the signature of a wrong `timezone` setting, or of a meter kept on standard
 * time all year. Its dated values (`1.6.2` peaks, billing resets) are then stamped that many hours
 * off, silently. Also notes a clock more than 15 min off otherwise (a drifting or unset meter clock).
 *
 * Said once per meter, again only when the kind of offset changes (another whole number of hours,
 * drift after whole hours, or back to right and then off again); fed once per readout with the offset
 * the self-metrics derived already, so it costs nothing per value.
 */
export class ClockOffsetWarning {
	/** The last offset kind said per meter (`1h`, `drift`), or `ok`. */
	readonly #said = new Map<string, string>();

	/**
	 * The warning line for this readout's offset, or undefined when there is nothing new to say.
	 * `offsetSeconds`: how far the meter clock is ahead of the host (negative: behind), as
	 * meterClockOffsetSeconds gives it; `zone`: the IANA zone it was read in; `setting`: where that zone
	 * comes from (`timezone`, `meters[0].timezone`, or the host zone).
	 */
	check(meter: string, offsetSeconds: number, zone: string, setting: string): string | undefined {
		const kind = offsetKind(offsetSeconds);
		const before = this.#said.get(meter) ?? 'ok';
		this.#said.set(meter, kind);
		if (kind === before || kind === 'ok') return undefined;
		const direction = offsetSeconds > 0 ? 'ahead of' : 'behind';
		if (kind === 'drift') {
			const minutes = Math.round(Math.abs(offsetSeconds) / 60);
			return `${meter}: the meter clock (0.9.1/0.9.2, read in ${zone}) is ${minutes} min ${direction} the host clock: values stamped with its own time are off by as much; set the meter clock (or the host clock)`;
		}
		const hours = Math.abs(Number.parseInt(kind, 10));
		return `${meter}: the meter clock (0.9.1/0.9.2, read in ${zone} from ${setting}) is ${hours} h ${direction} the host clock, so values stamped with its own time are ${hours} h off: is \`timezone\` right, or is the meter clock on standard time?`;
	}
}

/** Tolerance around a whole number of hours: a meter clock a few minutes off is still an hour off, s. */
const WHOLE_HOURS_SLACK_S = 180;
/** Largest zone difference that counts as whole hours (UTC-12 to UTC+14). */
const MAX_WHOLE_HOURS = 14;
/** A clock off by more than this without whole hours is noted, s (15 min). */
const DRIFT_S = 900;

/** `3h`, `-1h` (whole hours, k != 0), `drift` (more than 15 min otherwise) or `ok`. */
function offsetKind(offsetSeconds: number): string {
	const hours = Math.round(offsetSeconds / 3600);
	if (
		hours !== 0 &&
		Math.abs(hours) <= MAX_WHOLE_HOURS &&
		Math.abs(offsetSeconds - hours * 3600) <= WHOLE_HOURS_SLACK_S
	) {
		return `${hours}h`;
	}
	return Math.abs(offsetSeconds) > DRIFT_S ? 'drift' : 'ok';
}
