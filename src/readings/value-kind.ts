import {groupValue, type ObisCode} from '../iec62056/obis-code.ts';

/**
 * Whether a register holds a quantity (stored as the float field `value`) or words that only look like
 * numbers (stored as the string field `text`): meter ids `0.0.0(50871031)`, error and status registers
 * `F.F(00000000)`, `96.5.5(80)`, program versions, the meter's own clock `0.9.1`/`0.9.2`, and a heat
 * meter's device and ownership numbers (L+G UH50 `9.20`, `9.21`). Storing
 * `00000104` as 104 would lose what a status word says, and a serial number is not a quantity.
 * `unit`: the value's unit as sent, where the code alone does not decide (the heat meter numbers).
 */
export function isTextRegister(code: ObisCode | undefined, unit?: string): boolean {
	if (code === undefined) return false;
	const c = groupValue(code.c);
	const d = code.d === undefined ? undefined : groupValue(code.d);
	const e = code.e === undefined ? undefined : groupValue(code.e);
	// 97 (F): error registers. 96.1 ids, 96.4 control signals and 96.5 status words, which are bit
	// fields even when every digit is decimal, and the DSMR messages `0-0:96.13.x` (hex-encoded text
	// such as `303132`; the Itron EM214's `C.13.21(1*s)` without the DSMR channel is a quantity).
	// 96.7 power-failure counts stay numbers.
	if (c === 97) return true;
	if (c === 96) return d === 1 || d === 4 || d === 5 || (d === 13 && code.a === 0);
	// The L+G UH50 heat meter's two-group codes `9.20(66153690)` (device number) and `9.21(00010213)`
	// (ownership number), public readouts in vzlogger#537 and vpathuis/ultraheat-api, which reads both as
	// strings: numbers that name, with leading zeros. No electricity code has this form (`1-0:9.21.0`),
	// and a value with a unit (`9.21(3.829*GJ)`) is a quantity, whatever its code.
	if (c === 9 && (d === 20 || d === 21) && code.e === undefined && code.a === undefined)
		return unit === undefined || unit === '';
	if (c !== 0) return false;
	// 0.0.x ids, 0.2.x program versions and checksums, 0.9.x clock and date, 0.1.2+ reset stamps.
	return d === 0 || d === 2 || d === 9 || (d === 1 && e !== undefined && e >= 2) || d === undefined;
}
