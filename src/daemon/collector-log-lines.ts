import {byteSize} from '../observability/byte-size.ts';
import {plural} from '../observability/plural.ts';
import type {DeadLetterReport} from '../output/dead-letter-report.ts';
import type {SpoolEvent} from '../output/spooled-sink.ts';
import {describeShortSelection, describeUnmatchedSelection} from '../readings/unmatched-selection.ts';
import {describePlan, type ReadoutPlan} from '../readout/readout-plan.ts';
import type {MeterJobEvent} from './meter-job.ts';

/** What the collector says about itself; the CLI passes a real logger. */
export interface CollectorLog {
	info(message: string, fields?: Record<string, unknown>): void;
	warn(message: string, fields?: Record<string, unknown>): void;
	error(message: string, fields?: Record<string, unknown>): void;
}

/** The log line (if any) for a meter job's event: first failures warn, repeats are counted, not repeated. */
export function logJobEvent(log: CollectorLog, event: MeterJobEvent): void {
	switch (event.kind) {
		case 'read':
			log.info(`${event.meter}: read ${plural(event.points, 'point')}`, {
				meter: event.meter,
				mode: event.result.mode,
				baudRate: event.result.baudRate,
				durationMs: event.result.timings.totalMs,
				// When the data block was complete (host clock): a log line names its telegram exactly.
				readAt: event.result.readAt.toISOString(),
			});
			return;
		case 'failed':
			// The first failure of a kind is a warning; repeats are counted, not repeated every tick.
			if (event.repeated === 1)
				log.warn(event.error.message, {meter: event.meter, failure: event.error.failure});
			return;
		case 'abandoned':
			log.warn(`${event.meter}: readout abandoned on stopping; nothing of it was stored`, {
				meter: event.meter,
			});
			return;
		case 'recovered':
			log.info(`${event.meter}: reading again after ${plural(event.afterFailures, 'failed readout')}`, {
				meter: event.meter,
			});
			return;
		case 'overlap':
			log.warn(
				`${event.meter}: previous readout still running; tick skipped (${event.skippedTicks} so far)`,
				{
					meter: event.meter,
				},
			);
			return;
		case 'fell-back':
			log.info(
				`${event.meter}: ${describePlan(event.failed)} failed (${event.reason}); read with ${describePlan(event.plan)} this time` +
					(event.failuresInRow > 0
						? ` (${event.failuresInRow} of ${event.learnAfter} in a row before it is kept)`
						: ''),
				{meter: event.meter, mode: event.plan.mode, baudRate: event.plan.baudRate},
			);
			return;
		case 'plan-changed': {
			const {from, to, reason} = event.change;
			const name = (plan: ReadoutPlan | undefined) =>
				plan === undefined ? 'the announced plan' : describePlan(plan);
			log.warn(`${event.meter}: reading with ${name(to)} instead of ${name(from)} from now on: ${reason}`, {
				meter: event.meter,
				...(to === undefined ? {} : {mode: to.mode, baudRate: to.baudRate}),
			});
			return;
		}
		case 'write-failed':
			log.error(`${event.meter}: points could not be stored: ${event.error.message}`, {meter: event.meter});
			return;
		case 'unmatched-selection':
			log.warn(`${event.meter}: ${describeUnmatchedSelection(event.codes)}`, {meter: event.meter});
			return;
		case 'selection-short-of-values':
			log.warn(`${event.meter}: ${describeShortSelection(event.entries)}`, {meter: event.meter});
	}
}

/** The log line (if any) for the spool's event: an outage, the recovery, refused points, a replay. */
export function logSpoolEvent(
	log: CollectorLog,
	event: SpoolEvent,
	target: string,
	deadLetters: DeadLetterReport,
): void {
	switch (event.kind) {
		case 'unavailable':
			log.warn(
				`${event.error.message}; points wait in the spool, retrying in ${Math.round(event.retryInMs / 1000)} s`,
				{
					target,
				},
			);
			return;
		case 'recovered':
			log.info(
				`${target}: writing again after ${plural(event.afterAttempts, 'failed attempt')}: ${plural(event.sentLines, 'point')} sent${event.waitingLines > 0 ? `, ${event.waitingLines} more wait in the spool` : ''}`,
			);
			return;
		case 'dead-letter': {
			// One line per reason, then at most one every 10 min: not one per refused point.
			const line = deadLetters.take(event);
			if (line !== undefined) log.error(line, {target, deadLettered: deadLetters.total});
			return;
		}
		case 'replaying':
			log.info(
				`sending ${plural(event.lines, 'point')} (${byteSize(event.bytes)}) left in the spool${event.since === undefined ? '' : `, unsent since ${event.since.toISOString()}`}, to ${target}`,
				{spoolPoints: event.lines, spoolBytes: event.bytes},
			);
			return;
		case 'replayed':
			log.info(
				`sent the ${plural(event.lines, 'point')} left in the spool from before the start, in ${(event.durationMs / 1000).toFixed(1)} s`,
				{target},
			);
			return;
		case 'sent':
			return;
	}
}
