/**
 * The block check character: XOR of every byte after STX (or SOH) up to and including ETX (or EOT).
 * `bytes` is exactly that range.
 */
export function blockCheckCharacter(bytes: Uint8Array, start = 0, end = bytes.length): number {
	let bcc = 0;
	for (let index = start; index < end; index++) {
		bcc ^= bytes[index] as number;
	}
	return bcc;
}
