/** A readout the collector logged as read and stored: `<meter>: read N points`. */
export interface LoggedReadout {
	readonly meter: string;
	/** When the readout began (the end of its data minus its duration), ms since the epoch. */
	readonly startMs: number;
	/** When its data ended, ms since the epoch. */
	readonly readAtMs: number;
	/** When the collector logged it (after the points were spooled), ms since the epoch. */
	readonly loggedMs: number;
	readonly durationMs: number;
	readonly points: number;
}

/** What the fleet run takes from the collector's JSON log lines. */
export interface CollectorLogSummary {
	readonly readouts: LoggedReadout[];
	/** When the collector said it started (its jobs were started just before), ms since the epoch. */
	readonly startedMs: number | undefined;
	/** Warnings and errors by message with digits masked, with counts. */
	readonly problems: Map<string, number>;
	/** When a failed readout was logged (the first of a kind in a row per meter; repeats are only counted). */
	readonly failureTimes: number[];
}

/** Reads the collector's JSON log (`log.format: json`), line by line. */
export function summariseCollectorLog(text: string): CollectorLogSummary {
	const readouts: LoggedReadout[] = [];
	const problems = new Map<string, number>();
	let startedMs: number | undefined;
	const failureTimes: number[] = [];
	for (const line of text.split('\n')) {
		if (!line.startsWith('{')) continue;
		let entry: {
			failure?: string;
			time?: string;
			msg?: string;
			level?: string;
			meter?: string;
			durationMs?: number;
			readAt?: string;
		};
		try {
			entry = JSON.parse(line);
		} catch {
			continue;
		}
		const time = Date.parse(entry.time ?? '');
		const message = entry.msg ?? '';
		if (message.startsWith('collector started')) startedMs = time;
		const read = /: read (\d+) points?$/.exec(message);
		if (read && entry.meter !== undefined && typeof entry.durationMs === 'number') {
			// Older collectors log no readAt: the log time is then the nearest thing to it.
			const readAtMs = entry.readAt === undefined ? time : Date.parse(entry.readAt);
			readouts.push({
				meter: entry.meter,
				startMs: readAtMs - entry.durationMs,
				readAtMs,
				loggedMs: time,
				durationMs: entry.durationMs,
				points: Number(read[1]),
			});
		} else if (entry.level === 'warn' || entry.level === 'error') {
			if (entry.failure !== undefined) failureTimes.push(time);
			const key = `${entry.level}: ${message.replace(/fleet-\d+-[\w-]+/g, '<meter>').replace(/\d+/g, 'N')}`;
			problems.set(key, (problems.get(key) ?? 0) + 1);
		}
	}
	return {readouts, startedMs, problems, failureTimes};
}
