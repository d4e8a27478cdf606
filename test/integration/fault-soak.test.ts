import {describe, expect, it} from 'vitest';
import {soakReport} from '../../bench/soak/soak-report.ts';
import {ANNOUNCED_RATE, runSoak, type SoakResult} from '../../bench/soak/soak-run.ts';
import {hasSocat} from '../helpers/pty-pair.ts';
import {serverBinary} from '../helpers/server-process.ts';

const influxd = serverBinary('influxd', 'influxdb');

/**
 * A minute of `npm run soak`: the built collector as a process reads a mode C meter and a push meter
 * over socat ptys into influxd 1.6.7 while faults rotate, influxd is stopped and started again and the
 * collector is killed with SIGKILL and started again; then the database is held against what the
 * meters sent. Kills and outages come closer together than in `npm run soak` (every 25 s and 30 s on
 * average, at least one of each), so a short run still meets each of them.
 */
describe.skipIf(influxd.skipReason !== undefined || !hasSocat())('fault soak, 1 minute', () => {
	it('stores every telegram the collector read, no value of a faulty one, each once and at its time, and ends at the announced rate', async () => {
		const result: SoakResult = await runSoak({
			chaosMs: 50_000,
			// The run waits, after this, for the last three mode C readouts to be at the announced rate and
			// for the spool to be empty: a short settle is enough.
			settleMs: 5_000,
			meanKillGapMs: 25_000,
			meanOutageGapMs: 30_000,
			maxOutageMs: 10_000,
			modeCEverySeconds: 4,
		});
		const report = soakReport(result);
		const {check} = result;
		expect(result.kills, report).toBeGreaterThanOrEqual(1);
		expect(result.influxdRestarts, report).toBeGreaterThanOrEqual(1);
		// Faults happened and spoilt telegrams; intact ones were read and owed.
		expect(check.telegrams.length - check.intact, report).toBeGreaterThan(3);
		expect(check.owed, report).toBeGreaterThan(15);
		// Everything the collector finished (logged after its spool append) is in the database, whole.
		expect(check.missing, report).toEqual([]);
		expect(check.storedOwed, report).toBe(check.owed);
		expect(check.partial, report).toEqual([]);
		// An intact mode C telegram is read unless a kill cut its readout.
		expect(check.unread, report).toEqual([]);
		// Nothing else: no value of a faulty telegram, none unknown, none twice, each at its telegram's time.
		expect(check.faultyValues, report).toEqual([]);
		expect(check.unknownValues, report).toEqual([]);
		expect(check.duplicates, report).toEqual([]);
		expect(check.wrongTimes, report).toEqual([]);
		expect(check.wrongSeries, report).toEqual([]);
		expect(check.unmatchedReads, report).toEqual([]);
		// No error logged, no crash.
		expect(result.collectorErrors, report).toEqual([]);
		// A cut push telegram, or a pause after the tail of one, is skipped, not a failed readout: a whole
		// one follows within two seconds.
		expect(result.pushReadoutsFailed, report).toBe(0);
		// Back at the announced rate, and nothing learned from one-off faults.
		expect(result.finalReadouts.length, report).toBeGreaterThan(0);
		for (const readout of result.finalReadouts)
			expect(readout, report).toEqual({mode: 'C', baudRate: ANNOUNCED_RATE});
		expect(result.finalRateMetric, report).toEqual({mode: 'C', baudRate: ANNOUNCED_RATE});
		expect(result.planChanges, report).toEqual([]);
	}, 180_000);
});
