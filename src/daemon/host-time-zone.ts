/** The IANA zone this host runs in (TZ, else /etc/localtime), as the runtime resolves it. */
export function hostTimeZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** True for the names a host set to UTC reports (`UTC`, `Etc/UTC`, `Etc/GMT`, …). */
export function isUtcZone(zone: string): boolean {
	return /^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal|Greenwich)(\+0|-0|0)?$/i.test(zone);
}

/**
 * Said once when meter times are read in the host's zone and that zone is UTC: most meters' clocks run
 * in local time, and a wrong zone shifts every meter-stamped value (peaks, billing history) by hours.
 */
export function utcAssumptionNote(meters: readonly string[]): string {
	const which = meters.length === 1 ? `meter ${meters[0]} has` : `meters ${meters.join(', ')} have`;
	return (
		`${which} no timezone and this host runs UTC: meter times are read as UTC. If the meter's clock ` +
		'shows local time, set its zone, e.g. "timezone: Europe/Berlin" at the top of the configuration or per meter'
	);
}
