import {blockCheckCharacter} from '../iec62056/block-check.ts';
import {SOH} from '../iec62056/control-characters.ts';

/**
 * A programming-mode message `SOH cmd [STX data] ETX BCC` as a meter sends it (`P0` password
 * challenge, `B0` break); the BCC covers everything after SOH up to and including ETX.
 */
export function commandMessage(command: string, data?: string): Buffer {
	const body = Buffer.from(`${command}${data === undefined ? '' : `\x02${data}`}\x03`, 'latin1');
	return Buffer.concat([Buffer.of(SOH), body, Buffer.of(blockCheckCharacter(body))]);
}
