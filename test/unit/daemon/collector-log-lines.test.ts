import {describe, expect, it} from 'vitest';
import {type CollectorLog, logJobEvent, logSpoolEvent} from '../../../src/daemon/collector-log-lines.ts';
import {DeadLetterReport} from '../../../src/output/dead-letter-report.ts';

function capturingLog(): CollectorLog & {lines: string[]} {
	const lines: string[] = [];
	return {
		lines,
		info: (message) => lines.push(`info ${message}`),
		warn: (message) => lines.push(`warn ${message}`),
		error: (message) => lines.push(`error ${message}`),
	};
}

describe('logSpoolEvent', () => {
	it('counts the failed attempts before a recovery in words that fit the count', () => {
		const log = capturingLog();
		const report = new DeadLetterReport();
		logSpoolEvent(
			log,
			{kind: 'recovered', afterAttempts: 1, sentLines: 1, waitingLines: 0},
			'http://db:8086',
			report,
		);
		logSpoolEvent(
			log,
			{kind: 'recovered', afterAttempts: 3, sentLines: 5000, waitingLines: 1200},
			'http://db:8086',
			report,
		);
		expect(log.lines).toEqual([
			'info http://db:8086: writing again after 1 failed attempt: 1 point sent',
			'info http://db:8086: writing again after 3 failed attempts: 5000 points sent, 1200 more wait in the spool',
		]);
	});
});

describe('logJobEvent', () => {
	it('counts the failed readouts before a recovery in words that fit the count', () => {
		const log = capturingLog();
		logJobEvent(log, {kind: 'recovered', meter: 'house', afterFailures: 1});
		logJobEvent(log, {kind: 'recovered', meter: 'house', afterFailures: 2});
		expect(log.lines).toEqual([
			'info house: reading again after 1 failed readout',
			'info house: reading again after 2 failed readouts',
		]);
	});

	it('names the meter whose readout a shutdown abandoned, and that nothing of it was stored', () => {
		const log = capturingLog();
		logJobEvent(log, {kind: 'abandoned', meter: 'house'});
		expect(log.lines).toEqual(['warn house: readout abandoned on stopping; nothing of it was stored']);
	});

	it('warns by name about exactly selected billing history it cannot date', () => {
		const log = capturingLog();
		logJobEvent(log, {
			kind: 'undated-selected-history',
			meter: 'house',
			entries: [{code: '3.8.2*08', address: '1-1:3.8.2*08', period: '*08'}],
		});
		expect(log.lines).toHaveLength(1);
		expect(log.lines[0]).toMatch(
			/^warn house: selected 3\.8\.2\*08 is billing history without a date, not written: .*0\.1\.2\*08/,
		);
	});
});
