import type {DataSet} from '../iec62056/data-set.ts';
import type {Identification} from '../iec62056/identification.ts';
import {groupValue, type ObisCode} from '../iec62056/obis-code.ts';

/**
 * Registers that carry the meter's serial number, most specific first: `0.0.0` (device address,
 * usually the serial), `C.1.0`/`96.1.0` (serial; Belgian DSMR `0-0:96.1.0`), `0-0:96.1.1` (the DSMR
 * equipment identifier), `C.1`, the short id `0.0`, then `0.0.1`. `96.1.x` on another channel than
 * `0-0` names a sub-meter (`0-1:96.1.0`, the gas meter), never the meter itself.
 */
const SERIAL_REGISTERS: readonly ((code: ObisCode) => boolean)[] = [
	(code) => isCode(code, 0, 0, 0),
	(code) => isCode(code, 96, 1, 0) && ownChannel(code),
	(code) => isCode(code, 96, 1, 1) && code.a === 0 && code.b === 0,
	(code) => isCode(code, 96, 1, undefined),
	(code) => isCode(code, 0, 0, undefined),
	(code) => isCode(code, 0, 0, 1),
];

/**
 * The name a meter's points are tagged with when the configuration gives none: the serial number the
 * meter reports (a hex-encoded DSMR identifier decoded to its text), else manufacturer +
 * identification (e.g. `LGZ-2ZMD120APt.G03`), else undefined: then only the user can name it.
 * Two DSMR meters of one model send the same identification line, so the serial comes first.
 */
export function meterIdentity(
	dataSets: readonly DataSet[],
	identification?: Identification,
): string | undefined {
	for (const isSerial of SERIAL_REGISTERS) {
		for (const set of dataSets) {
			if (set.obis === undefined || !isSerial(set.obis)) continue;
			if (set.obis.f !== undefined && !(set.obis.separator === '*' && Number(set.obis.f) === 255)) continue;
			const text = set.values[0]?.text.trim();
			if (text && !/^0*$/.test(text) && !/^X+$/i.test(text)) return decodedSerial(set.obis, text);
		}
	}
	if (identification) return `${identification.manufacturer}-${identification.ident.trim()}`;
	return undefined;
}

function isCode(code: ObisCode, c: number, d: number, e: number | undefined): boolean {
	if (groupValue(code.c) !== c || code.d === undefined || groupValue(code.d) !== d) return false;
	return e === undefined ? code.e === undefined : code.e !== undefined && groupValue(code.e) === e;
}

function ownChannel(code: ObisCode): boolean {
	return code.a === undefined || (code.a === 0 && code.b === 0) || code.a === 1;
}

/**
 * DSMR sends its identifiers as the hex of their ASCII text (`4530303330…` is `E0030…`). Decoded when
 * the register is a `0-0:96.1.x` and every byte is a printable character; an IEC serial such as
 * `63355730` (8 digits, a plain number) is never decoded.
 */
function decodedSerial(code: ObisCode, text: string): string {
	if (code.a !== 0 || code.b !== 0 || groupValue(code.c) !== 96) return text;
	if (text.length < 16 || text.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(text)) return text;
	const decoded = Buffer.from(text, 'hex').toString('latin1');
	return /^[\x21-\x7e]+$/.test(decoded) ? decoded : text;
}
