import type {Writable} from 'node:stream';
import type {Point} from '../readings/point.ts';
import {writeText} from './line-protocol-stream-sink.ts';
import {pointToJson} from './point-json.ts';
import type {PointSink} from './point-sink.ts';

/** Prints points as JSON lines (one object per line: measurement, tags, fields, ISO time). */
export class JsonStreamSink implements PointSink {
	readonly #stream: Writable;

	constructor(stream: Writable) {
		this.#stream = stream;
	}

	async write(points: readonly Point[]): Promise<void> {
		if (points.length === 0) return;
		await writeText(this.#stream, points.map((point) => `${JSON.stringify(pointToJson(point))}\n`).join(''));
	}

	async flush(): Promise<boolean> {
		return true;
	}

	async close(): Promise<void> {}
}
