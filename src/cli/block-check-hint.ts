/**
 * What to do about blocks that failed their check, by algorithm. A wrong BCC is a known meter fault
 * (the Itron ACE3000 sends one in every readout), so accepting it is the way out. A DSMR P1
 * telegram's CRC16 covers the whole telegram, and P1 meters compute it right: a mismatch means bytes
 * were lost or changed on the way (wrong line settings, a cut capture, a noisy cable).
 */
export function blockCheckHint(algorithms: ReadonlySet<'bcc' | 'crc16'>): string | undefined {
	const hints: string[] = [];
	if (algorithms.has('bcc')) {
		hints.push('a meter known to send a wrong BCC (e.g. Itron ACE3000) can be read with --ignore-bcc');
	}
	if (algorithms.has('crc16')) {
		hints.push(
			'a CRC16 mismatch in a DSMR P1 telegram means bytes were lost or changed on the way: check the line settings (115200 8N1 for DSMR 4/5, 9600 7E1 before), the cable and that the capture is whole; --ignore-bcc prints it anyway',
		);
	}
	return hints.length === 0 ? undefined : hints.join('; ');
}
