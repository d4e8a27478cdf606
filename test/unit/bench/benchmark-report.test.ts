import {describe, expect, it} from 'vitest';
import {
	failedRow,
	formatRatio,
	formatReport,
	meetsTarget,
	oursAtMost,
	oursBelow,
	type ReportRow,
	ratioAtLeast,
	ratioAtMost,
} from '../../../bench/benchmark-report.ts';

function row(overrides: Partial<ReportRow>): ReportRow {
	return {
		figure: 'parse throughput',
		ours: '371,000 telegrams/s',
		baseline: 'smartmeter-obis 37,000 telegrams/s',
		ratio: 10.03,
		value: Number.NaN,
		target: ratioAtLeast(10),
		...overrides,
	};
}

describe('meetsTarget', () => {
	it('holds a throughput ratio to its lower bound', () => {
		expect(meetsTarget(row({ratio: 10.03}))).toBe(true);
		expect(meetsTarget(row({ratio: 9.99}))).toBe(false);
	});

	it('holds a time ratio to its upper bound', () => {
		expect(meetsTarget(row({ratio: 1.003, target: ratioAtMost(1.05)}))).toBe(true);
		expect(meetsTarget(row({ratio: 1.06, target: ratioAtMost(1.05)}))).toBe(false);
	});

	it('holds a memory figure to its bound in MB, whatever the ratio to bare node', () => {
		expect(meetsTarget(row({ratio: 1.4, value: 59.9, target: oursAtMost(60, 'MB')}))).toBe(true);
		expect(meetsTarget(row({ratio: 1.4, value: 60.1, target: oursAtMost(60, 'MB')}))).toBe(false);
	});

	it('treats a strict bound as strict', () => {
		expect(meetsTarget(row({value: 0.5, target: oursBelow(0.5, '%')}))).toBe(false);
		expect(meetsTarget(row({value: 0.06, target: oursBelow(0.5, '%')}))).toBe(true);
	});

	it('says nothing about a figure that was not measured', () => {
		expect(meetsTarget(failedRow('write throughput', ratioAtLeast(0.8), new Error('influxd missing')))).toBe(
			undefined,
		);
	});
});

describe('formatRatio', () => {
	it('gives three significant digits', () => {
		expect(formatRatio(10.04)).toBe('10.0x');
		expect(formatRatio(1.0034)).toBe('1.00x');
		expect(formatRatio(0.3142)).toBe('0.314x');
		expect(formatRatio(Number.NaN)).toBe('-');
	});
});

describe('formatReport', () => {
	it('prints a header, a rule and one aligned line per figure with pass or MISS', () => {
		const table = formatReport([
			row({}),
			row({
				figure: 'write',
				ours: '266k points/s',
				baseline: 'raw POST 305k',
				ratio: 0.5,
				target: ratioAtLeast(0.8),
			}),
			failedRow('backfill', ratioAtLeast(0.8), new Error('influxd did not start\nstack')),
		]);
		const lines = table.split('\n');
		expect(lines[0]).toMatch(/^figure +ours +baseline \(same run\) +ratio +target +result$/);
		expect(lines[1]).toMatch(/^-+ +-+/);
		expect(lines[2]).toMatch(
			/^parse throughput +371,000 telegrams\/s +smartmeter-obis 37,000 telegrams\/s +10\.0x +ratio >= 10x +pass$/,
		);
		expect(lines[3]).toMatch(/0\.500x +ratio >= 0\.8x +MISS$/);
		expect(lines[4]).toMatch(/^backfill +failed: influxd did not start .* not measured$/);
		// Every column starts at the same offset on every line.
		const ratioColumn = (lines[0] ?? '').indexOf('ratio ');
		expect((lines[2] ?? '').slice(ratioColumn)).toMatch(/^10\.0x/);
		expect((lines[3] ?? '').slice(ratioColumn)).toMatch(/^0\.500x/);
	});
});
