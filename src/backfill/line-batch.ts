import {formatFieldSet, formatFloat} from '../output/line-protocol.ts';
import type {Point} from '../readings/point.ts';
import type {SeriesKeys} from './series-keys.ts';

/**
 * Line-protocol lines gathered into one reused buffer (UTF-8, each ended by `\n`) until they are handed
 * on in one write. A backfill maps millions of points: kept as strings or Point objects until a batch
 * is full, each would outlive the young generation and be copied into the old one; written here at
 * once, nothing of a line outlives its readout. The buffer grows to the largest batch and is reused.
 */
export class LineBatch {
	#buffer: Buffer;
	#used = 0;
	#lines = 0;
	/** The seconds written last (NaN: none) and their digits (see #seconds). */
	#lastSeconds = Number.NaN;
	readonly #secondsDigits = Buffer.alloc(24);
	#secondsLength = 0;

	/** `initialBytes`: room for a batch of typical lines (5000 lines of ~70 bytes: 512 KiB). */
	constructor(initialBytes = 512 * 1024) {
		this.#buffer = Buffer.allocUnsafe(initialBytes);
	}

	/** Lines gathered since the last clear(). */
	get lines(): number {
		return this.#lines;
	}

	/** Bytes gathered since the last clear(). */
	get bytes(): number {
		return this.#used;
	}

	/** Adds one line (without its `\n`; it must hold none). */
	add(line: string): void {
		// A UTF-16 code unit takes at most 3 bytes in UTF-8; one more for the newline.
		const room = line.length * 3 + 1;
		if (this.#used + room > this.#buffer.length) this.#grow(this.#used + room);
		this.#used += this.#buffer.write(line, this.#used, 'utf8');
		this.#buffer[this.#used++] = 0x0a;
		this.#lines++;
	}

	/**
	 * Adds the line of one point, the same bytes as `add(formatLineProtocol(point))`, written straight
	 * into the buffer: the series key from `series` (remembered per series), a float value and the
	 * seconds as ASCII digits. No string is built for the line, which in a replay of millions of points
	 * was most of the formatting's time and garbage.
	 */
	addPoint(point: Point, series: SeriesKeys): void {
		const known = series.seriesOf(point.measurement, point.tags);
		const fields = point.fields;
		if (!('value' in fields)) {
			const key = known.bytes;
			// Text fields (ids, status words) need escaping: rare enough to go the string way.
			const text = formatFieldSet(fields);
			this.#room(key.length + text.length * 3 + 24);
			this.#buffer.set(key, this.#used);
			this.#used += key.length;
			this.#buffer[this.#used++] = SPACE;
			this.#used += this.#buffer.write(text, this.#used, 'utf8');
		} else {
			// A float prints in at most 24 characters (`-1.2345678901234567e-300`), seconds in at most 16.
			const prefix = known.valuePrefix;
			this.#room(prefix.length + 24 + 1 + 16 + 1);
			const value = fields.value;
			if (value === known.lastValue) {
				// The value the series had in the line before (most registers move less often than they are
				// read): its line up to the time is copied whole, the digits are not worked out again.
				const line = known.valueLine;
				this.#buffer.set(line, this.#used);
				this.#used += line.length;
			} else {
				const start = this.#used;
				this.#buffer.set(prefix, this.#used);
				this.#used += prefix.length;
				if (Number.isSafeInteger(value)) this.#integer(value);
				else this.#ascii(formatFloat(value));
				// A copy: the batch's buffer is reused.
				known.valueLine = new Uint8Array(this.#buffer.subarray(start, this.#used));
				known.lastValue = value;
			}
		}
		this.#buffer[this.#used++] = SPACE;
		this.#seconds(Math.floor(point.time.getTime() / 1000));
		this.#buffer[this.#used++] = NEWLINE;
		this.#lines++;
	}

	/** The gathered text: a view valid until the next add() or clear(). */
	text(): Buffer {
		return this.#buffer.subarray(0, this.#used);
	}

	clear(): void {
		this.#used = 0;
		this.#lines = 0;
	}

	#room(bytes: number): void {
		if (this.#used + bytes > this.#buffer.length) this.#grow(this.#used + bytes);
	}

	/**
	 * The seconds of a point's time as String() prints them; the digits of the last ones are kept, as
	 * the points of one readout mostly share its time.
	 */
	#seconds(seconds: number): void {
		const digits = this.#secondsDigits;
		if (seconds === this.#lastSeconds) {
			const buffer = this.#buffer;
			let at = this.#used;
			for (let index = 0; index < this.#secondsLength; index++) buffer[at++] = digits[index] as number;
			this.#used = at;
			return;
		}
		const start = this.#used;
		if (Number.isSafeInteger(seconds)) this.#integer(seconds);
		else this.#ascii(String(seconds));
		const length = this.#used - start;
		if (length > digits.length) {
			this.#lastSeconds = Number.NaN;
			return;
		}
		// By hand: Buffer#copy costs more for these few bytes than the loop (and made garbage per call).
		const buffer = this.#buffer;
		for (let index = 0; index < length; index++) digits[index] = buffer[start + index] as number;
		this.#secondsLength = length;
		this.#lastSeconds = seconds;
	}

	/** A safe integer as String() prints it (`-0` as `0`). */
	#integer(value: number): void {
		const buffer = this.#buffer;
		let rest = value;
		if (rest < 0) {
			buffer[this.#used++] = MINUS;
			rest = -rest;
		}
		let digits = 1;
		for (let power = 10; power <= rest; power *= 10) digits++;
		let at = this.#used + digits;
		this.#used = at;
		do {
			buffer[--at] = ZERO + (rest % 10);
			rest = Math.floor(rest / 10);
		} while (rest > 0);
	}

	/** Text known to be ASCII (a number as String() prints it). */
	#ascii(text: string): void {
		for (let index = 0; index < text.length; index++) this.#buffer[this.#used++] = text.charCodeAt(index);
	}

	#grow(needed: number): void {
		const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
		this.#buffer.copy(grown, 0, 0, this.#used);
		this.#buffer = grown;
	}
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;
