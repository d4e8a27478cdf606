import {STX} from '../../src/iec62056/control-characters.ts';
import type {Link} from '../../src/transport/link.ts';

export interface StxDamage {
	/** What the line makes of the STX: another byte (0x82: a bit flipped), or `lost` (the byte never arrives). */
	readonly becomes: number | 'lost';
	/** Data messages to damage, from the first; later ones (the repetition after a NAK) pass whole. Default 1. */
	readonly times?: number;
}

/**
 * The meter's end of a line that damages the STX of its data messages on the way: the meter sends
 * each message correctly, at the agreed rate, and a repetition after a NAK is sent as correctly, so
 * only the line's count of damaged STX bytes decides whether it arrives whole. Everything else passes
 * through unchanged. The meter writes a data message in slices; only a slice that starts with STX is
 * a data message's start (the identification starts with `/`).
 */
export function damagingStx(link: Link, damage: StxDamage): Link & {readonly damaged: number} {
	const times = damage.times ?? 1;
	let damaged = 0;
	return {
		get place() {
			return link.place;
		},
		get canSetBaudRate() {
			return link.canSetBaudRate;
		},
		get isOpen() {
			return link.isOpen;
		},
		get damaged() {
			return damaged;
		},
		open: (settings, signal) => link.open(settings, signal),
		write: (bytes) => {
			if (damaged >= times || bytes[0] !== STX) return link.write(bytes);
			damaged++;
			if (damage.becomes === 'lost') return link.write(bytes.subarray(1));
			const changed = Uint8Array.from(bytes);
			changed[0] = damage.becomes;
			return link.write(changed);
		},
		drain: () => link.drain(),
		setBaudRate: (baudRate) => link.setBaudRate(baudRate),
		onData: (listener) => link.onData(listener),
		onClose: (listener) => link.onClose(listener),
		close: () => link.close(),
	};
}
