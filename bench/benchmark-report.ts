/**
 * What `npm run bench` prints at the end: one row per figure, ours beside its baseline measured in the
 * same run, their ratio, the target and whether it was met. Busy machines move both sides alike, so
 * the ratios are what to compare between runs; absolute figures (MB) are given for targets set in MB.
 */

/** Which way a figure is good: higher (a throughput) or lower (a time, memory). */
export type Better = 'higher' | 'lower';

/** The target a figure is held to: a bound on the ratio, or on our own figure (MB, %). */
export interface Target {
	/** What the bound applies to. */
	readonly on: 'ratio' | 'ours';
	readonly better: Better;
	readonly bound: number;
	/** The bound as printed, e.g. `>= 10x`, `<= 60 MB`. */
	readonly text: string;
}

export interface ReportRow {
	/** What was measured, e.g. `parse throughput`. */
	readonly figure: string;
	/** Our figure as printed (`371,000 telegrams/s`). */
	readonly ours: string;
	/** The baseline's figure, named (`smartmeter-obis 37,000 telegrams/s`). */
	readonly baseline: string;
	/** Ours divided by the baseline; NaN where no ratio means anything (a baseline of 0). */
	readonly ratio: number;
	/** Our figure as a number, in the unit of an `ours` target (MB, %); NaN if not applicable. */
	readonly value: number;
	readonly target: Target;
}

/** What one benchmark module returns: its detail text (as it printed before) and its report rows. */
export interface BenchmarkResult {
	readonly detail: string;
	readonly rows: readonly ReportRow[];
}

/** `>= 10x` on the ratio: ours at least ten times the baseline. */
export function ratioAtLeast(bound: number): Target {
	return {on: 'ratio', better: 'higher', bound, text: `>= ${bound}x`};
}

/** `<= 1.05x` on the ratio: ours at most 1.05 times the baseline. */
export function ratioAtMost(bound: number): Target {
	return {on: 'ratio', better: 'lower', bound, text: `<= ${bound}x`};
}

/** `<= 60 MB` on our own figure. */
export function oursAtMost(bound: number, unit: string): Target {
	return {on: 'ours', better: 'lower', bound, text: `<= ${bound} ${unit}`};
}

/** `< 0.5 %`-style bound on our own figure (strict). */
export function oursBelow(bound: number, unit: string): Target {
	return {on: 'ours', better: 'lower', bound: bound - Number.EPSILON, text: `< ${bound} ${unit}`};
}

/** Whether the row meets its target; undefined when the figure could not be measured. */
export function meetsTarget(row: ReportRow): boolean | undefined {
	const measured = row.target.on === 'ratio' ? row.ratio : row.value;
	if (!Number.isFinite(measured)) return undefined;
	return row.target.better === 'higher' ? measured >= row.target.bound : measured <= row.target.bound;
}

/** A row for a benchmark that threw: the table still shows it, as not measured. */
export function failedRow(figure: string, target: Target, error: unknown): ReportRow {
	const message = error instanceof Error ? error.message : String(error);
	return {
		figure,
		ours: `failed: ${message.split('\n')[0]?.slice(0, 60) ?? ''}`,
		baseline: '',
		ratio: Number.NaN,
		value: Number.NaN,
		target,
	};
}

/** `12.3x`, `1.003x`: three significant digits, as a ratio reads. */
export function formatRatio(ratio: number): string {
	if (!Number.isFinite(ratio)) return '-';
	return `${ratio >= 10 ? ratio.toFixed(1) : ratio >= 1 ? ratio.toFixed(2) : ratio.toFixed(3)}x`;
}

/** The table: a header, a rule, one line per row; columns padded to their widest cell. */
export function formatReport(rows: readonly ReportRow[]): string {
	const header = ['figure', 'ours', 'baseline (same run)', 'ratio', 'target', 'result'];
	const cells = rows.map((row) => {
		const met = meetsTarget(row);
		return [
			row.figure,
			row.ours,
			row.baseline,
			formatRatio(row.ratio),
			`${row.target.on === 'ratio' ? 'ratio' : 'ours'} ${row.target.text}`,
			met === undefined ? 'not measured' : met ? 'pass' : 'MISS',
		];
	});
	const widths = header.map((title, column) =>
		Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)),
	);
	const line = (values: readonly string[]) =>
		values
			.map((value, column) => value.padEnd(widths[column] ?? 0))
			.join('  ')
			.trimEnd();
	return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}
