import {Cron} from 'croner';

/**
 * The first run of a cron `pattern` (croner's syntax) after `from` (default: now), in the host's local
 * time as the collector schedules it; null when no date ever matches (30 February). A paused job, so
 * no timer is started. Throws croner's error for a pattern it does not take (see cronProblem).
 */
export function nextCronRun(pattern: string, from?: Date): Date | null {
	const job = new Cron(pattern, {paused: true});
	try {
		return job.nextRun(from);
	} finally {
		job.stop();
	}
}
