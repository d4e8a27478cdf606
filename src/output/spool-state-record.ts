/**
 * The spool's state record, `spool.state`: `<generation> <sent offset> <checksum>` padded to 64 bytes,
 * rewritten in place. Shared by the spool (which writes it) and the read-only inspection.
 */
export const STATE_RECORD_BYTES = 64;

/** Data files: `spool-<generation>.lp`. */
export const SPOOL_DATA_FILE = /^spool-(\d+)\.lp$/;
export const SPOOL_STATE_FILE = 'spool.state';
export const DEAD_LETTER_FILE = 'dead-letter.lp';

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
