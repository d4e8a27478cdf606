import {describe, expect, it} from 'vitest';
import {DeadLetterReport} from '../../../src/output/dead-letter-report.ts';
import {InfluxWriteError} from '../../../src/output/influx-write-error.ts';

const conflict = (dropped: number) =>
	new InfluxWriteError(
		`http://db (database conf): HTTP 400: {"error":"partial write: field type conflict dropped=${dropped}"}`,
		{disposition: 'dead-letter', status: 400},
	);
const event = (lines: number, error = conflict(1)) =>
	({kind: 'dead-letter', lines, error, file: '/spool/dead-letter.lp'}) as const;

describe('DeadLetterReport', () => {
	it('logs the first refusal of a reason with its count, file and the server message', () => {
		const report = new DeadLetterReport({now: () => 0});
		expect(report.take(event(18))).toBe(
			'18 points refused by the server and set aside in /spool/dead-letter.lp: http://db (database conf): HTTP 400: {"error":"partial write: field type conflict dropped=1"}',
		);
		expect(report.total).toBe(18);
	});

	it('counts repeats of a reason and logs them at most once per interval, with the count since', () => {
		let now = 0;
		const report = new DeadLetterReport({now: () => now, repeatEveryMs: 600_000});
		expect(report.take(event(18))).toBeDefined();
		const lines: (string | undefined)[] = [];
		for (let cycle = 1; cycle <= 60; cycle++) {
			now = cycle * 10_000;
			lines.push(report.take(event(18, conflict(cycle))));
		}
		const logged = lines.filter((line) => line !== undefined);
		expect(logged).toHaveLength(1);
		expect(logged[0]).toMatch(
			/^1080 points more set aside in \/spool\/dead-letter\.lp since 1970-01-01T00:00:10\.000Z \(1098 in all\), same reason: .*field type conflict/,
		);
		expect(report.total).toBe(18 * 61);
	});

	it('sums up a run in one line: how many, why (each reason once) and where', () => {
		const report = new DeadLetterReport({now: () => 0});
		expect(report.summary()).toBeUndefined();
		expect(report.brief()).toBeUndefined();
		report.take(event(18));
		report.take(event(2, conflict(2)));
		expect(report.brief()).toBe(
			'20 points refused by the server as bad data, set aside in /spool/dead-letter.lp',
		);
		expect(report.summary()).toBe(
			'20 points refused by the server as bad data and set aside in /spool/dead-letter.lp: http://db (database conf): HTTP 400: {"error":"partial write: field type conflict dropped=1"}',
		);
		report.take(
			event(1, new InfluxWriteError('http://db: HTTP 400: bad timestamp', {disposition: 'dead-letter'})),
		);
		expect(report.summary()).toMatch(
			/^21 points .*: 20 for .*field type conflict.*; 1 for http:\/\/db: HTTP 400: bad timestamp$/,
		);
	});
});
