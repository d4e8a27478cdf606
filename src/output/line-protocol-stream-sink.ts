import type {Writable} from 'node:stream';
import type {Point} from '../readings/point.ts';
import {formatLineProtocolBatch} from './line-protocol.ts';
import type {PointSink} from './point-sink.ts';

/** Prints points as InfluxDB line protocol, exactly the lines the InfluxDB path would send. */
export class LineProtocolStreamSink implements PointSink {
	readonly #stream: Writable;

	constructor(stream: Writable) {
		this.#stream = stream;
	}

	async write(points: readonly Point[]): Promise<void> {
		if (points.length === 0) return;
		await writeText(this.#stream, formatLineProtocolBatch(points));
	}

	async flush(): Promise<boolean> {
		return true;
	}

	async close(): Promise<void> {}
}

/** Writes text and waits for the stream to take it (backpressure), so output is never lost on exit. */
export async function writeText(stream: Writable, text: string): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		stream.write(text, (error) => (error ? reject(error) : resolve()));
	});
}
