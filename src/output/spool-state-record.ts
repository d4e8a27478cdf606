/**
 * The spool's state record, `spool.state`: `<generation> <sent offset> <checksum>` padded to 64 bytes,
 * rewritten in place. Shared by the spool (which writes it) and the read-only inspection.
 */
export const STATE_RECORD_BYTES = 64;

/** Data files: `spool-<generation>.lp`. */
export const SPOOL_DATA_FILE = /^spool-(\d+)\.lp$/;
export const SPOOL_STATE_FILE = 'spool.state';
export const DEAD_LETTER_FILE = 'dead-letter.lp';
/** Lines dropped at the size bound (spool.max_size), kept apart from the state record: written only when lines are dropped. */
export const SPOOL_DROPPED_FILE = 'dropped.json';

/** What `dropped.json` holds: every line the spool dropped at its bound, and the last drop. */
export interface DroppedRecord {
	/** Lines dropped in all, since `since`. */
	readonly lines: number;
	/** ISO time of the first drop. */
	readonly since: string;
	/** ISO time and size of the last drop. */
	readonly lastAt: string;
	readonly lastLines: number;
}

/** The record after `previous` (undefined: none yet) and a drop of `lines` at `at`. */
export function nextDroppedRecord(
	previous: DroppedRecord | undefined,
	lines: number,
	at: Date,
): DroppedRecord {
	const when = at.toISOString();
	return {
		lines: (previous?.lines ?? 0) + lines,
		since: previous?.since ?? when,
		lastAt: when,
		lastLines: lines,
	};
}

/** The record of `dropped.json`, or undefined when it is missing or not one. */
export function parseDroppedRecord(text: string): DroppedRecord | undefined {
	try {
		const value = JSON.parse(text) as Partial<DroppedRecord>;
		const {lines, since, lastAt, lastLines} = value;
		if (
			!Number.isSafeInteger(lines) ||
			!Number.isSafeInteger(lastLines) ||
			typeof since !== 'string' ||
			typeof lastAt !== 'string'
		)
			return undefined;
		return {lines: lines as number, since, lastAt, lastLines: lastLines as number};
	} catch {
		return undefined;
	}
}

export function formatStateRecord(generation: number, offset: number): Buffer {
	const body = `${generation} ${offset}`;
	const record = `${body} ${checksum(body)}`.padEnd(STATE_RECORD_BYTES - 1, ' ');
	return Buffer.from(`${record}\n`, 'latin1');
}

/** The record, or undefined when it is torn or not one (then the spool replays from the start). */
export function parseStateRecord(text: string): {generation: number; offset: number} | undefined {
	const match = /^(\d+) (\d+) ([0-9a-f]{8})\s*$/.exec(text);
	if (!match || checksum(`${match[1]} ${match[2]}`) !== match[3]) return undefined;
	return {generation: Number(match[1]), offset: Number(match[2])};
}

/** FNV-1a, 32 bits, as hex: enough to tell a torn record from a whole one. */
function checksum(text: string): string {
	let hash = 0x811c9dc5;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(16).padStart(8, '0');
}
