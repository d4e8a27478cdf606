/**
 * A repeatable number in [0, 1) for a seed and up to two integer coordinates (a day, an hour, a
 * channel). The simulator's values must be a pure function of (seed, instant) so the same instant
 * always renders the same telegram: no Math.random, no state carried between calls.
 */
export function deterministicNoise(seed: number, a: number, b = 0): number {
	// A 32-bit integer hash (murmur3's finaliser); the coordinates are spread by odd constants first.
	let hash = (seed ^ Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77)) >>> 0;
	hash = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
	hash = Math.imul(hash ^ (hash >>> 15), 0x846ca68b);
	hash ^= hash >>> 16;
	return (hash >>> 0) / 2 ** 32;
}
