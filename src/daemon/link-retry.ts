/**
 * How a meter job waits while its port is gone (reader unplugged, bridge down): the first pause is one
 * cycle, each further failure doubles it, up to a cap; the port is tried at the first readout time
 * after the pause. One place for the rule and the words that describe it (the start-up warning, the
 * README), so the two cannot drift apart.
 */

/** Longest pause between attempts on a port that is gone, ms (5 min). */
export const DEFAULT_MAX_LINK_BACKOFF_MS = 300_000;

/** The pause after a failed attempt, ms: `previousMs` 0 (the first failure) gives one cycle. */
export function nextLinkBackoffMs(
	previousMs: number,
	cycleMs: number,
	maxMs = DEFAULT_MAX_LINK_BACKOFF_MS,
): number {
	return Math.min(maxMs, previousMs === 0 ? cycleMs : previousMs * 2);
}

/** The rule in words, for messages: what `run` does about a port that is not there. */
export const LINK_RETRY_WORDS = `tries it again at the first readout time after a pause of one cycle, doubled after each failure up to ${DEFAULT_MAX_LINK_BACKOFF_MS / 60_000} min, until it is there`;
