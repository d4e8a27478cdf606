import type {CaptureDecoderOptions} from '../../src/iec62056/capture-decoder.ts';
import {type SeedFraming, type SeedTelegram, withEvenParity} from './fuzz-corpus.ts';
import type {SeededRandom} from './seeded-random.ts';

/**
 * The kinds of case the fuzzer makes. `check-byte`, `early-terminator` and `parity-bit` change exactly
 * one byte inside a checked block; the splices join two telegrams; the rest damage telegrams (or make
 * bytes) with no property beyond "no crash, only typed errors, the same result in any chunking".
 */
export const MUTATION_KINDS = [
	'intact',
	'check-byte',
	'early-terminator',
	'parity-bit',
	'bit-flips',
	'insertion',
	'deletion',
	'truncation',
	'splice-insert',
	'splice-cut',
	'sequence',
	'noise',
] as const;

export type MutationKind = (typeof MUTATION_KINDS)[number];

/** Relative frequency of each kind; the single-byte kinds get most, as their floor needs many trials. */
const WEIGHTS: Record<MutationKind, number> = {
	intact: 4,
	'check-byte': 16,
	'early-terminator': 20,
	'parity-bit': 3,
	'bit-flips': 9,
	insertion: 8,
	deletion: 8,
	truncation: 6,
	'splice-insert': 8,
	'splice-cut': 8,
	sequence: 5,
	noise: 5,
};

const TOTAL_WEIGHT = Object.values(WEIGHTS).reduce((sum, weight) => sum + weight, 0);

export function pickKind(random: SeededRandom): MutationKind {
	let left = random.below(TOTAL_WEIGHT);
	for (const kind of MUTATION_KINDS) {
		left -= WEIGHTS[kind];
		if (left < 0) return kind;
	}
	return 'noise';
}

/** One case: the bytes to decode, how, and what they were made from. */
export interface FuzzCase {
	readonly kind: MutationKind;
	readonly bytes: Buffer;
	readonly options: CaptureDecoderOptions;
	/** Where the streaming decoder's chunks end (ascending, inside the bytes). */
	readonly cuts: readonly number[];
	/** The telegram changed, for the single-source kinds. */
	readonly seed?: SeedTelegram;
	/** Offset of the one changed byte (single-byte kinds) and its new value. */
	readonly changedAt?: number;
	readonly changedTo?: number;
	/** The two telegrams of a splice: `first` is cut (or receives), `second` is inserted (or gives its tail). */
	readonly sources?: readonly [SeedTelegram, SeedTelegram];
	/** The telegrams of a sequence that were left intact. */
	readonly intact?: readonly SeedTelegram[];
}

/** Where seeds come from for a case. */
export interface SeedSource {
	/** Any seed; `checked` asks for one whose block carries a BCC or CRC, `framing` for one framed so. */
	seed(random: SeededRandom, checked: boolean, framing?: SeedFraming): SeedTelegram;
	/** Two seeds of the same framing whose values differ (a splice of two readouts of one kind of meter). */
	pair(random: SeededRandom): readonly [SeedTelegram, SeedTelegram];
	/** Captures that are not one clean telegram (cut by noise, several telegrams, bad BCC meters). */
	readonly others: readonly Buffer[];
}

const ETX = 0x03;
const EOT = 0x04;
const BANG = 0x21;

/** Bytes that steer the framer, inserted more often than chance would. */
const PROTOCOL_BYTES = [
	0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x0a, 0x0d, 0x15, 0x21, 0x28, 0x29, 0x2a, 0x2f, 0x26, 0x5c, 0x7f,
];

export function makeCase(random: SeededRandom, source: SeedSource): FuzzCase {
	const kind = pickKind(random);
	const made = mutate(kind, random, source);
	const options: CaptureDecoderOptions = made.seedParity
		? {parity: 'strip-even'}
		: otherOptions(random, kind);
	return {...made.fuzzCase, kind, options, cuts: cutsFor(random, made.fuzzCase.bytes.length)};
}

type Made = {fuzzCase: Omit<FuzzCase, 'kind' | 'options' | 'cuts'>; seedParity: boolean};

function mutate(kind: MutationKind, random: SeededRandom, source: SeedSource): Made {
	switch (kind) {
		case 'intact': {
			const seed = maybeParity(random, source.seed(random, false));
			return {fuzzCase: {bytes: seed.bytes, seed}, seedParity: seed.parity};
		}
		case 'check-byte':
		case 'parity-bit':
		case 'early-terminator':
			return singleByte(kind, random, source);
		case 'bit-flips': {
			const seed = source.seed(random, false);
			const bytes = Buffer.from(seed.bytes);
			const flips = random.between(1, 4);
			for (let flip = 0; flip < flips; flip++) {
				const at = random.below(bytes.length);
				bytes[at] = (bytes[at] as number) ^ (1 << random.below(8));
			}
			return {fuzzCase: {bytes, seed}, seedParity: false};
		}
		case 'insertion': {
			const seed = source.seed(random, false);
			let bytes = seed.bytes;
			const count = random.between(1, 3);
			for (let insert = 0; insert < count; insert++) {
				const at = random.below(bytes.length + 1);
				const byte = random.chance(0.5) ? random.pick(PROTOCOL_BYTES) : random.below(256);
				bytes = Buffer.concat([bytes.subarray(0, at), Buffer.of(byte), bytes.subarray(at)]);
			}
			return {fuzzCase: {bytes, seed}, seedParity: false};
		}
		case 'deletion': {
			const seed = source.seed(random, false);
			let bytes = seed.bytes;
			const count = random.between(1, 3);
			for (let cut = 0; cut < count && bytes.length > 0; cut++) {
				const at = random.below(bytes.length);
				const length = random.chance(0.8) ? 1 : random.between(2, 16);
				bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + length)]);
			}
			return {fuzzCase: {bytes, seed}, seedParity: false};
		}
		case 'truncation': {
			const seed = source.seed(random, false);
			return {
				fuzzCase: {bytes: seed.bytes.subarray(0, random.below(seed.bytes.length)), seed},
				seedParity: false,
			};
		}
		case 'splice-insert': {
			// The second telegram, from its start, inside the first; the first's rest may follow.
			const [first, second] = source.pair(random);
			const at = random.below(first.bytes.length + 1);
			const end = random.chance(0.7) ? second.bytes.length : random.below(second.bytes.length + 1);
			const resume = random.chance(0.5) ? at : random.between(at, first.bytes.length);
			const bytes = Buffer.concat([
				first.bytes.subarray(0, at),
				second.bytes.subarray(0, end),
				first.bytes.subarray(resume),
			]);
			return {fuzzCase: {bytes, sources: [first, second]}, seedParity: false};
		}
		case 'splice-cut': {
			// The first telegram's head, then the second's tail: a line that lost the bytes in between.
			const [first, second] = source.pair(random);
			const bytes = Buffer.concat([
				first.bytes.subarray(0, random.below(first.bytes.length + 1)),
				second.bytes.subarray(random.below(second.bytes.length + 1)),
			]);
			return {fuzzCase: {bytes, sources: [first, second]}, seedParity: false};
		}
		case 'sequence': {
			// Telegrams one after another, as one meter sends them: all framed alike.
			const parts: Buffer[] = [];
			const intact: SeedTelegram[] = [];
			const count = random.between(2, 4);
			const framing = random.pick(['stx', 'push', 'dsmr'] as const);
			for (let part = 0; part < count; part++) {
				const seed = source.seed(random, false, framing);
				if (random.chance(0.5)) {
					parts.push(seed.bytes);
					intact.push(seed);
				} else {
					parts.push(seed.bytes.subarray(0, random.below(seed.bytes.length)));
				}
			}
			return {fuzzCase: {bytes: Buffer.concat(parts), intact}, seedParity: false};
		}
		case 'noise':
			return {fuzzCase: {bytes: noise(random, source)}, seedParity: false};
	}
}

/** One byte inside the checked block of a BCC or CRC telegram changed. */
function singleByte(kind: MutationKind, random: SeededRandom, source: SeedSource): Made {
	const seed = maybeParity(random, source.seed(random, true));
	const checked = seed.checked as {start: number; end: number};
	const body = seed.body as {start: number; end: number};
	const bytes = Buffer.from(seed.bytes);
	let at: number;
	let to: number;
	if (kind === 'early-terminator') {
		// A body byte turned into what ends the block: ETX or EOT for a BCC block, `!` for a DSMR telegram.
		at = random.between(body.start, body.end - 1);
		to = seed.framing === 'stx' ? (random.chance(0.5) ? ETX : EOT) : BANG;
		if (seed.parity) to = withEvenParity(Buffer.of(to))[0] as number;
		if (bytes[at] === to) at = body.end - 1;
	} else if (kind === 'parity-bit') {
		at = random.between(checked.start, checked.end - 1);
		to = (bytes[at] as number) ^ 0x80;
	} else {
		at = random.between(checked.start, checked.end - 1);
		// Any other value but the original with only bit 7 changed (a parity error, not a data change).
		const mask = random.pick([1, 2, 4, 8, 16, 32, 64, random.between(1, 255)]);
		to = (bytes[at] as number) ^ (mask === 0x80 ? 0x81 : mask);
	}
	if (bytes[at] === to) to = (to ^ 0x01) & 0xff;
	bytes[at] = to;
	return {fuzzCase: {bytes, seed, changedAt: at, changedTo: to}, seedParity: seed.parity};
}

/** One seed in ten as 7E1 read on an 8N1 port (the parity bit in bit 7), decoded with parity stripped. */
function maybeParity(random: SeededRandom, seed: SeedTelegram): SeedTelegram {
	if (!random.chance(0.1)) return seed;
	return {...seed, bytes: withEvenParity(seed.bytes), parity: true};
}

/** Options for the kinds without a stated result: sometimes a small message bound or the BCC ignored. */
function otherOptions(random: SeededRandom, kind: MutationKind): CaptureDecoderOptions {
	if (kind === 'intact' || kind === 'check-byte' || kind === 'early-terminator' || kind === 'parity-bit')
		return {};
	if (kind.startsWith('splice') || kind === 'sequence') return {};
	const roll = random.below(10);
	if (roll === 0) return {maxMessageBytes: random.pick([64, 256, 1024])};
	if (roll === 1) return {ignoreBlockCheck: true};
	if (roll === 2) return {parity: 'strip-even'};
	return {};
}

function noise(random: SeededRandom, source: SeedSource): Buffer {
	const shape = random.below(4);
	if (shape === 0) {
		const bytes = Buffer.allocUnsafe(random.below(600));
		for (let index = 0; index < bytes.length; index++) bytes[index] = random.below(256);
		return bytes;
	}
	if (shape === 1) {
		const bytes = Buffer.allocUnsafe(random.below(400));
		for (let index = 0; index < bytes.length; index++)
			bytes[index] = random.chance(0.6) ? random.pick(PROTOCOL_BYTES) : random.between(0x20, 0x7e);
		return bytes;
	}
	if (shape === 2 && source.others.length > 0) return random.pick(source.others);
	// A telegram wrapped in noise, as a head that was plugged in mid-telegram sees it.
	const seed = source.seed(random, false);
	const before = Buffer.allocUnsafe(random.below(40));
	for (let index = 0; index < before.length; index++) before[index] = random.below(256);
	const after = Buffer.allocUnsafe(random.below(40));
	for (let index = 0; index < after.length; index++) after[index] = random.below(256);
	return Buffer.concat([before, seed.bytes, after]);
}

/** Chunk ends for the streaming decoder: none (whole), every byte, or a few random places. */
function cutsFor(random: SeededRandom, length: number): number[] {
	const shape = random.below(10);
	if (shape < 2 || length < 2) return [];
	if (shape === 2 && length <= 2048) return Array.from({length: length - 1}, (_, index) => index + 1);
	const count = random.between(1, Math.min(12, length - 1));
	const cuts = new Set<number>();
	for (let cut = 0; cut < count; cut++) cuts.add(random.between(1, length - 1));
	return [...cuts].sort((a, b) => a - b);
}
