import type {BackfillTally} from '../backfill/backfill-tally.ts';
import {byteSize} from '../observability/byte-size.ts';
import {blockCheckAlgorithmIn, blockCheckHint, CONFIGURATION_WAY} from './block-check-hint.ts';
import {perSecond} from './per-second.ts';

/** Words for the reasons, as the summary prints them. */
const REASON_WORDS: Record<string, string> = {
	'bad-bcc': 'BCC/CRC wrong',
	truncated: 'cut off',
	malformed: 'malformed',
	'no-time': 'no time of its own',
	'damaged-record': 'damaged archive record',
	'no-telegram': 'no telegram',
	'meter-not-configured': 'meter not in the configuration',
	'other-meter': 'other meter than --meter',
	'no-address': 'no address',
	'no-value': 'no value',
	'no-date': 'placeholder date',
	'history-without-date': 'history without a date or reset time',
	'history-disabled': 'history disabled',
	'text-disabled': 'text value',
	'not-selected': 'not selected',
	'empty-buffer': 'empty buffer',
	duplicate: 'sent twice in one readout',
	'before-since': 'before --since',
	'after-until': 'at or after --until',
	'already-written': 'history already written',
	'not-dated': 'live value (meter reading keeps dated points only)',
};

/** What an InfluxDB target did with the points: counted from the server's answers, not from the spool. */
export interface BackfillDelivery {
	/** Points the server acknowledged (2xx) during this run, those an earlier backfill left included. */
	readonly stored: number;
	/** Points an earlier backfill left in the spool, sent first. */
	readonly carriedOver: number;
	/** Points and bytes still in the spool at the end. */
	readonly unsentPoints: number;
	readonly unsentBytes: number;
	readonly directory: string;
	/** Points the server refused as bad data (set aside in dead-letter.lp). */
	readonly refused: number;
}

/**
 * The table printed at the end of a backfill: sources, telegrams (good, refused by reason), billing
 * periods found, points spooled and written (stored by the server), unsent and refused, points skipped
 * by reason, time taken; then the values that could not be dated, with the reason. Plain text, two
 * columns. Without `delivery` (stdout, dry run) the points are written as they are printed.
 */
export function backfillSummaryTable(
	tally: BackfillTally,
	context: {
		readonly elapsedMs: number;
		readonly dryRun: boolean;
		readonly target: string;
		readonly delivery?: BackfillDelivery;
		/** History is sent once per run only (stdout: no ledger), not once per server. Default false. */
		readonly historyOncePerRun?: boolean;
	},
): string {
	const rows: [string, string][] = [];
	const sources = tally.sources.length;
	rows.push(['sources', `${sources}${sources > 0 ? ` (${abbreviate(tally.sources)})` : ''}`]);
	// A source without any telegram is refused as a source: it has no telegrams to count.
	for (const [reason, count] of tally.refusedSources)
		rows.push([`  refused: ${REASON_WORDS[reason] ?? reason}`, `${count}`]);
	rows.push(['telegrams', `${tally.telegrams} good, ${tally.refusedTotal} refused`]);
	for (const [reason, count] of tally.refused)
		rows.push([`  refused: ${REASON_WORDS[reason] ?? reason}`, `${count}`]);
	rows.push(['readouts', `${tally.readouts}`]);
	rows.push(['billing periods found', `${tally.billingPeriods}`]);
	const {delivery} = context;
	if (delivery === undefined || context.dryRun) {
		rows.push([
			context.dryRun ? 'points to write' : 'points written',
			`${tally.pointsWritten}${context.dryRun ? ' (dry run: nothing written)' : ` to ${context.target}`}`,
		]);
	} else {
		rows.push(['points spooled', `${tally.pointsWritten} for ${context.target}`]);
		if (delivery.carriedOver > 0) {
			rows.push([
				'points left earlier',
				`${delivery.carriedOver} (unsent by an earlier backfill, sent first)`,
			]);
		}
		rows.push(['points written', `${delivery.stored} (stored by the server)`]);
		if (delivery.unsentPoints > 0) {
			rows.push([
				'points unsent',
				`${delivery.unsentPoints} (${byteSize(delivery.unsentBytes)} wait in ${delivery.directory})`,
			]);
		}
		if (delivery.refused > 0) {
			rows.push([
				'points refused',
				`${delivery.refused} (bad data, set aside in ${delivery.directory}/dead-letter.lp)`,
			]);
		}
	}
	rows.push(['points skipped', `${tally.skippedTotal}`]);
	for (const [reason, count] of [...tally.skipped].sort((a, b) => b[1] - a[1])) {
		const words =
			reason === 'already-written' && context.historyOncePerRun === true
				? 'history already printed in this run'
				: (REASON_WORDS[reason] ?? reason);
		rows.push([`  ${words}`, `${count}`]);
	}
	const seconds = context.elapsedMs / 1000;
	rows.push([
		'time taken',
		`${seconds.toFixed(1)} s${seconds > 0 && tally.telegrams > 0 ? ` (${perSecond(tally.telegrams / seconds)} telegrams/s, ${perSecond(tally.pointsWritten / seconds)} points/s)` : ''}`,
	]);
	const width = Math.max(...rows.map(([label]) => label.length));
	let text = `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`;
	if (tally.undatedCount > 0) {
		text += `\nnot written, cannot be dated (${tally.undatedCount}):\n`;
		for (const value of tally.undated) {
			text += `  ${value.place}: ${value.address}: ${REASON_WORDS[value.reason] ?? value.reason}\n`;
		}
		const more = tally.undatedCount - tally.undated.length;
		if (more > 0) text += `  … and ${more} more\n`;
	}
	if (tally.notes.length > 0) text += `\n${tally.notes.map((note) => `note: ${note}`).join('\n')}\n`;
	const examples = [...tally.refusedExamples].filter(([reason]) => reason !== 'other-meter');
	if (examples.length > 0)
		text += `\n${examples.map(([, example]) => `refused, e.g.: ${example}`).join('\n')}\n`;
	// As parse hints at --ignore-bcc: a backfill takes such blocks with the meter's ignore_bcc.
	const badCheck = tally.refusedExamples.get('bad-bcc');
	if (badCheck !== undefined) {
		const hint = blockCheckHint(new Set([blockCheckAlgorithmIn(badCheck)]), undefined, CONFIGURATION_WAY);
		if (hint !== undefined) text += `hint: ${hint}\n`;
	}
	return text;
}

function abbreviate(names: readonly string[]): string {
	return names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')}, … ${names.at(-1)}`;
}
