/**
 * A small seeded PRNG (sfc32, Chris Doty-Humphrey's Small Fast Counter, 32-bit variant): fast, good
 * enough for fuzzing, and reproducible on every platform, as Math.random is not. Each fuzz case gets its
 * own generator from (campaign seed, case index), so any case can be replayed alone.
 */
export class SeededRandom {
	#a: number;
	#b: number;
	#c: number;
	#d: number;

	constructor(a: number, b = 0x9e3779b9, c = 0x243f6a88, d = 1) {
		this.#a = a >>> 0;
		this.#b = b >>> 0;
		this.#c = c >>> 0;
		this.#d = d >>> 0;
		// The first outputs of sfc32 still show the random seed: discard them.
		for (let round = 0; round < 12; round++) this.next();
	}

	/** The generator of case `index` of the campaign seeded with `seed` (both 32-bit unsigned). */
	static forCase(seed: number, index: number): SeededRandom {
		return new SeededRandom(mix32(seed ^ 0x5bd1e995), mix32(index + 0x632be5ab), mix32(seed + index), index);
	}

	/** A uniform 32-bit unsigned integer. */
	next(): number {
		const a = this.#a;
		const b = this.#b;
		const c = this.#c;
		const d = this.#d;
		const t = (((a + b) | 0) + d) | 0;
		this.#d = (d + 1) | 0;
		this.#a = b ^ (b >>> 9);
		this.#b = (c + (c << 3)) | 0;
		this.#c = ((c << 21) | (c >>> 11)) + t;
		this.#c |= 0;
		return t >>> 0;
	}

	/** A uniform integer in [0, bound), bound >= 1 and < 2^32. */
	below(bound: number): number {
		return Math.floor((this.next() / 0x1_0000_0000) * bound);
	}

	/** A uniform integer in [min, max], both included. */
	between(min: number, max: number): number {
		return min + this.below(max - min + 1);
	}

	/** True with probability `p`. */
	chance(p: number): boolean {
		return this.next() / 0x1_0000_0000 < p;
	}

	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new RangeError('pick from an empty list');
		return items[this.below(items.length)] as T;
	}
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(value: number): number {
	let h = value >>> 0;
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}
