import {describe, expect, it} from 'vitest';
import {runCollectorOverPty} from '../helpers/collector-over-pty.ts';
import {hasSocat} from '../helpers/pty-pair.ts';

/**
 * Short versions of the 10-minute runs in bench/readout-plan-runs.ts: the built collector reading the
 * simulated ZMD120 in mode C over a paced pty whose meter end hears the host at its termios speed,
 * with an echoing head.
 */
describe.skipIf(!hasSocat())('collector readout plans over a paced pty', () => {
	it('reads every time at 9600 Bd, with no ACK lost to the rate switch', async () => {
		// A readout takes 2.4 s and the port's quiet gap 1.6 s: every 4 s leaves no tick skipped. The run
		// ends after the second readout (or after 20 s).
		const run = await runCollectorOverPty({durationMs: 20_000, untilReadouts: 2, everySeconds: 4});
		expect(run.readouts.length).toBeGreaterThanOrEqual(2);
		expect(run.readouts.map((readout) => `${readout.mode}/${readout.baudRate}`)).toEqual(
			run.readouts.map(() => 'C/9600'),
		);
		expect(run.hostErrors).toEqual([]);
		expect(run.fellBack).toBe(0);
		expect(run.problems).toEqual([]);
		expect(run.metrics).toContain('dlms_logger_readout_baud_rate{meter="zmd",mode="C"} 9600');
	}, 30_000);

	it('reads a one-off wrong-rate data message at 300 Bd within that readout, and the next at 9600 Bd again', async () => {
		// The fallen-back readout and two after it (or 30 s).
		const run = await runCollectorOverPty({
			durationMs: 30_000,
			untilReadouts: 3,
			everySeconds: 3,
			glitch: true,
			shortTelegram: true,
		});
		const rates = run.readouts.map((readout) => `${readout.mode}/${readout.baudRate}`);
		expect(rates[0]).toBe('C/300');
		expect(rates.length).toBeGreaterThanOrEqual(2);
		expect(rates.slice(1)).toEqual(rates.slice(1).map(() => 'C/9600'));
		expect(run.fellBack).toBe(1);
		expect(run.planChanges).toEqual([]);
		expect(run.metrics).toContain('dlms_logger_readout_baud_rate{meter="zmd",mode="C"} 9600');
		// 300 then 9600: the gauge changed once, and no readout failed.
		expect(run.metrics).toContain('dlms_logger_plan_changes_total{meter="zmd"} 1');
		expect(run.metrics).toContain(
			'dlms_logger_readout_failures_total{meter="zmd",failure="rate-mismatch"} 0',
		);
	}, 40_000);
});
