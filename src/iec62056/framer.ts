import {Transform, type TransformCallback} from 'node:stream';
import type {Frame} from './frame.ts';
import {FrameScanner, type FrameScannerOptions} from './frame-scanner.ts';

/**
 * A Transform stream from bytes (any chunking) to Frame objects. A thin shell over FrameScanner:
 * all protocol decisions live there, so they can be tested without streams.
 */
export class Framer extends Transform {
	readonly #scanner: FrameScanner;

	constructor(options: FrameScannerOptions = {}) {
		super({readableObjectMode: true});
		this.#scanner = new FrameScanner(options);
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
		for (const frame of this.#scanner.push(chunk)) this.push(frame);
		callback();
	}

	override _flush(callback: TransformCallback): void {
		for (const frame of this.#scanner.end()) this.push(frame);
		callback();
	}
}

export type {Frame};
