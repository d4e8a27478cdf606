import type {Point} from '../readings/point.ts';

/**
 * Where points go: the durable InfluxDB path, or stdout for the CLI. The daemon starts sinks before
 * any job and closes them last, after the jobs stopped (flush on the way out).
 */
export interface PointSink {
	/** Takes points; resolves once they are safe (on disk for the spool, written for stdout). */
	write(points: readonly Point[]): Promise<void>;
	/** Tries to deliver everything taken so far; resolves true when nothing is left pending. */
	flush(): Promise<boolean>;
	/** Flushes once more and releases files, timers and connections. */
	close(): Promise<void>;
}
