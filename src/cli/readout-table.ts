import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import {CR, LF} from '../iec62056/control-characters.ts';
import type {DataSet} from '../iec62056/data-set.ts';
import {dsmrBuffer} from '../iec62056/dsmr-buffer.ts';
import {formatMeterTime, type MeterTime, NO_TIME} from '../iec62056/meter-time.ts';
import {formatObisCode, isCurrentValue, reducedCode} from '../iec62056/obis-code.ts';
import {plural} from '../observability/plural.ts';
import {billingResetTimes} from '../readings/billing-reset-times.ts';
import {placeholderPeriods} from '../readings/placeholder-periods.ts';
import {resetDatePlaceholders, shownValueTime} from '../readings/reset-stamp.ts';
import {valueTime} from '../readings/value-times.ts';
import {isStandardIdentification, printableMeterText} from './meter-text.ts';
import {isHistory} from './readout-json.ts';

/**
 * What the smarthomeNG dlms plugin's standalone mode prints, as an aligned table: the identification, then one row per
 * code with value, unit and the date field. History (`*NN`, `&NN`) only with `verbose`, as in the smarthomeNG dlms plugin.
 * Malformed data sets are reported on stderr by the command, not here.
 */
export function readoutToTable(telegrams: readonly DecodedTelegram[], verbose: boolean): string {
	const blocks = telegrams.map((telegram) => {
		const header = describeTelegram(telegram, verbose);
		const history = verbose ? historyContext(telegram.dataSets) : undefined;
		const placeholderDates = resetDatePlaceholders(telegram.dataSets);
		const rows = telegram.dataSets
			.filter((set) => verbose || !isHistory(set))
			.flatMap((set) => dataSetRows(set, history, placeholderDates))
			.map((row) => row.map(printableMeterText));
		return [header, ...alignRows([['code', 'value', 'unit', 'time'], ...rows])].join('\n');
	});
	return `${blocks.join('\n\n')}\n`;
}

function describeTelegram(telegram: DecodedTelegram, verbose: boolean): string {
	const id = telegram.identification;
	// The count covers every data set; the rows leave the history out unless verbose: say so where the count is.
	const hidden = verbose ? 0 : telegram.dataSets.filter(isHistory).length;
	const sets = `${plural(telegram.dataSets.length, 'data set')}${hidden === 0 ? '' : ` (${hidden} of them billing history, listed with --verbose)`}`;
	const check =
		telegram.check.algorithm === 'none'
			? 'no block check'
			: `${telegram.check.algorithm.toUpperCase()} ${telegram.check.ok ? 'ok' : 'WRONG (ignored)'}`;
	// A block without data sets whose check matched by chance (1 in 256 for a BCC): what random bytes
	// between an STX and an ETX make, unless a meter's identification says otherwise.
	const notTelegram =
		telegram.dataSets.length === 0 && (id === undefined || !isStandardIdentification(id))
			? `, not a telegram (no data sets, ${id === undefined ? 'no identification' : 'no identification of the standard form'}${telegram.check.algorithm === 'none' ? '' : `; the ${telegram.check.algorithm.toUpperCase()} matched by chance`})`
			: '';
	if (id === undefined) return `(no identification)  ${sets}, ${check}${notTelegram}`;
	const enhanced = id.enhanced.map((char) => `\\${char}`).join('');
	const manufacturer = printableMeterText(id.manufacturer);
	// A capture shows how the telegram was framed and what its identification announces, not the mode and
	// rate it was read at: a push telegram (no STX) came without a sign-on; an STX block's identification
	// only announces the highest rate (`read` prints the mode and rate it used on a line of its own).
	const announces = `announces mode ${id.mode} at ${id.baudRate} Bd`;
	const how =
		telegram.framing !== 'push'
			? announces
			: isPushShape(telegram)
				? 'push (mode D, no sign-on)'
				: `${announces}, data without STX`;
	return (
		`/${manufacturer}${printableMeterText(id.baudChar + enhanced + id.ident)}  manufacturer ${manufacturer}, ` +
		`${how}, ${sets}, ${check}${notTelegram}`
	);
}

/**
 * Whether a telegram framed without STX has the shape of a push (IEC 62056-21 mode D: identification,
 * CR LF, an empty line, the data block; or a DSMR telegram with its CRC). A readout copied from a
 * terminal (`/LGZ5…` and the data lines right after it, its STX and ETX lost on the way) is framed the
 * same but was no push: its identification is what it says about the meter.
 */
function isPushShape(telegram: DecodedTelegram): boolean {
	if (telegram.check.algorithm !== 'none') return true;
	const {bytes} = telegram;
	const lineEnd = bytes.indexOf(LF);
	if (lineEnd < 0) return false;
	const next = bytes[lineEnd + 1];
	return next === LF || (next === CR && bytes[lineEnd + 2] === LF);
}

/**
 * One row per data set; a DSMR buffer or profile as one row per entry, under the code the entry is a
 * value of and at the stamp that dates it, as the points are written (see dsmrBuffer).
 */
function dataSetRows(
	set: DataSet,
	history: HistoryContext | undefined,
	placeholderDates: ReadonlySet<string>,
): string[][] {
	const buffer = dsmrBuffer(set);
	if (buffer === undefined || buffer.entries.length === 0)
		return [dataSetRow(set, history, placeholderDates)];
	return buffer.entries.map((entry) => {
		const value = set.values[entry.valueIndex];
		return [
			`${set.address} ${formatObisCode(entry.code)}`,
			value?.text ?? '',
			entry.unit ?? value?.unit ?? '',
			showTime(valueTime(set, entry.stampIndex)),
		];
	});
}

function dataSetRow(
	set: DataSet,
	history: HistoryContext | undefined,
	placeholderDates: ReadonlySet<string>,
): string[] {
	const [first, ...rest] = set.values;
	let time = '';
	const more: string[] = [];
	const code = set.obis;
	// A reset stamp as billing reset times read it: `0.1.2(0000)` is midnight beside a real `0.1.3`
	// date, no date beside a placeholder one (`0.1.3(000000)`).
	const firstTime = shownValueTime(set, 0, placeholderDates);
	if (firstTime !== undefined) time = showTime(firstTime);
	rest.forEach((value, offset) => {
		const stamp = valueTime(set, offset + 1);
		if (stamp !== undefined && time === '') time = showTime(stamp);
		else more.push(`(${value.raw})`);
	});
	const value = first === undefined ? '' : first.text;
	let unit = first?.unit ?? '';
	// History without a date of its own: as line protocol writes it, stamped at its period's reset and
	// with the unit its live register is sent with.
	if (history !== undefined && code !== undefined && !isCurrentValue(code)) {
		if (time === '' && firstTime === undefined) {
			const period = `${code.separator}${code.f}`;
			const reset = history.resets.get(period);
			if (history.placeholderPeriods.has(period)) time = '(no reset date)';
			else if (reset !== undefined) time = `${formatMeterTime(reset)} (reset)`;
		}
		if (unit === '' && firstTime === undefined) unit = history.units.get(reducedCode(code)) ?? '';
	}
	return [set.address, [value, ...more].join(' '), unit, time];
}

/** What dates and units history rows as line protocol does: reset times, placeholder periods, live units. */
interface HistoryContext {
	readonly resets: ReadonlyMap<string, MeterTime>;
	readonly placeholderPeriods: ReadonlySet<string>;
	/** `C.D.E` → the unit its register is sent with somewhere in the telegram. */
	readonly units: ReadonlyMap<string, string>;
}

function historyContext(dataSets: readonly DataSet[]): HistoryContext {
	const units = new Map<string, string>();
	for (const set of dataSets) {
		const unit = set.values[0]?.unit;
		if (set.obis === undefined || unit === undefined || unit === '') continue;
		const reduced = isCurrentValue(set.obis) ? set.key : reducedCode(set.obis);
		if (!units.has(reduced)) units.set(reduced, unit);
	}
	return {resets: billingResetTimes(dataSets), placeholderPeriods: placeholderPeriods(dataSets), units};
}

function showTime(time: ReturnType<typeof valueTime>): string {
	if (time === undefined) return '';
	return time === NO_TIME ? '(no date)' : formatMeterTime(time);
}

function alignRows(rows: string[][]): string[] {
	const widths: number[] = [];
	for (const row of rows) {
		for (const [index, cell] of row.entries()) widths[index] = Math.max(widths[index] ?? 0, cell.length);
	}
	return rows.map((row) =>
		row
			.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
			.join('  ')
			.trimEnd(),
	);
}
