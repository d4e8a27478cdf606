import {Readable} from 'node:stream';
import type {Frame} from '../../src/iec62056/frame.ts';
import {FrameScanner} from '../../src/iec62056/frame-scanner.ts';
import {Framer} from '../../src/iec62056/framer.ts';
import {type FloorName, runCase} from './fuzz-case.ts';
import {fixtureInputs, profileSeeds, type SeedFraming, type SeedTelegram} from './fuzz-corpus.ts';
import {type FuzzCase, MUTATION_KINDS, type MutationKind, makeCase, type SeedSource} from './mutations.ts';
import {SeededRandom} from './seeded-random.ts';
import {generateTelegram} from './telegram-generator.ts';

export interface CampaignOptions {
	/** 32-bit unsigned campaign seed: with a case index it fixes the case. */
	readonly seed: number;
	/** Cases to run. */
	readonly cases: number;
	/** First case index (to replay a stretch). Default 0. */
	readonly firstCase?: number;
	/** Every how many cases the Framer stream (async) is run beside the scanner and compared. Default 64. */
	readonly framerEvery?: number;
	/** Heap samples over the run (after a forced GC when `--expose-gc` is on). Default 20. */
	readonly heapSamples?: number;
	/** Failures kept with their message (all are counted). Default 50. */
	readonly keepFailures?: number;
	/** Called now and then with the cases done so far. */
	readonly onProgress?: (done: number) => void;
	/** Forces a garbage collection before each heap sample. Default: global gc() when `--expose-gc` is on. */
	readonly gc?: () => void;
}

/** Per mutation kind: cases run, cases with a telegram accepted, cases with none, by-design misses, failures. */
export interface KindTally {
	cases: number;
	accepted: number;
	refused: number;
	undetectedByDesign: number;
	failures: number;
}

export interface FloorTally {
	readonly floor: FloorName;
	trials: number;
	hits: number;
	/** The chance a check lets this kind of change through (see FLOORS). */
	readonly expected: number;
	/** True when the floor is the check's own chance; false when the trials are not independent of the check. */
	readonly exact: boolean;
}

export interface CampaignFailure {
	readonly index: number;
	readonly kind: MutationKind;
	readonly message: string;
}

export interface CampaignReport {
	readonly seed: number;
	readonly cases: number;
	readonly firstCase: number;
	readonly kinds: Record<MutationKind, KindTally>;
	readonly floors: FloorTally[];
	readonly tags: Map<string, number>;
	readonly failures: CampaignFailure[];
	readonly failureCount: number;
	readonly inputBytes: number;
	readonly telegrams: number;
	readonly framerRuns: number;
	readonly elapsedMs: number;
	/** heapUsed after a GC, bytes: at the start (seeds built), then evenly over the run. */
	readonly heapSamples: {readonly afterCases: number; readonly heapUsed: number}[];
	readonly gcExposed: boolean;
}

/**
 * The chance a check misses a change that moved the block's end. Characters are 7 bits (7E1), so the
 * BCC of the shorter block and the byte that stands in its place both have bit 7 clear: they agree by
 * chance one time in 128, not 256. A DSMR CRC16 of four hex digits agrees one time in 65536 (at most:
 * a `!` put into a telegram is followed by a CRC-like line only now and then).
 *
 * A splice passes a BCC when the XOR of the first telegram's head equals that of the second's: one
 * time in 128 for unrelated bytes, more often for two readouts of one meter (the same layout, most
 * digits alike), which is what splices on a real line are. So the splice rows are shown beside
 * 1/128 and 1/65536, not held to them (`exact` false).
 */
export const FLOORS: Record<FloorName, {readonly expected: number; readonly exact: boolean}> = {
	'bcc-early-end': {expected: 1 / 128, exact: true},
	'bcc-splice': {expected: 1 / 128, exact: false},
	'crc16-early-end': {expected: 1 / 65_536, exact: true},
	'crc16-splice': {expected: 1 / 65_536, exact: false},
};

/** Seeds: the golden fixtures, the simulator's profiles at instants drawn from the campaign seed, and generated telegrams. */
export function seedSource(seed: number): SeedSource {
	const fixtures = fixtureInputs();
	const profiles = profileSeeds(new SeededRandom(seed, 0x7f4a7c15), 18);
	const pool = [...fixtures.seeds, ...profiles];
	const checked = pool.filter((entry) => entry.checked !== undefined);
	const byFraming = new Map<SeedFraming, SeedTelegram[]>();
	for (const entry of pool) byFraming.set(entry.framing, [...(byFraming.get(entry.framing) ?? []), entry]);
	const framingOf = (random: SeededRandom, wantChecked: boolean): SeedFraming =>
		wantChecked
			? random.pick(['stx', 'dsmr'] as const)
			: random.pick(['stx', 'stx', 'push', 'dsmr'] as const);
	return {
		others: fixtures.others,
		seed(random, wantChecked, framing) {
			if (random.chance(0.45)) {
				return generateTelegram(
					random,
					random.between(1, 999_999),
					framing ?? framingOf(random, wantChecked),
				);
			}
			if (framing !== undefined) return random.pick(byFraming.get(framing) ?? []);
			return random.pick(wantChecked ? checked : pool);
		},
		pair(random) {
			const framing = framingOf(random, false);
			const known = byFraming.get(framing) ?? [];
			if (random.chance(0.4) && known.length >= 2) {
				const first = random.pick(known);
				let second = random.pick(known);
				if (second === first) second = known[(known.indexOf(first) + 1) % known.length] as SeedTelegram;
				return [first, second];
			}
			const serial = random.between(1, 999_998);
			return [generateTelegram(random, serial, framing), generateTelegram(random, serial + 1, framing)];
		},
	};
}

/** The case `index` of the campaign `seed`, exactly as the campaign ran it. */
export function caseAt(source: SeedSource, seed: number, index: number): FuzzCase {
	return makeCase(SeededRandom.forCase(seed, index), source);
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
	const firstCase = options.firstCase ?? 0;
	const framerEvery = options.framerEvery ?? 64;
	const keepFailures = options.keepFailures ?? 50;
	const sampleEvery = Math.max(1, Math.floor(options.cases / (options.heapSamples ?? 20)));
	const gc = options.gc ?? (globalThis as {gc?: () => void}).gc;
	const source = seedSource(options.seed);
	const kinds = Object.fromEntries(
		MUTATION_KINDS.map((kind) => [
			kind,
			{cases: 0, accepted: 0, refused: 0, undetectedByDesign: 0, failures: 0},
		]),
	) as Record<MutationKind, KindTally>;
	const floors = new Map<FloorName, FloorTally>();
	const tags = new Map<string, number>();
	const failures: CampaignFailure[] = [];
	let failureCount = 0;
	let inputBytes = 0;
	let telegrams = 0;
	let framerRuns = 0;
	const heapSamples: {afterCases: number; heapUsed: number}[] = [];
	const sampleHeap = (afterCases: number) => {
		gc?.();
		heapSamples.push({afterCases, heapUsed: process.memoryUsage().heapUsed});
	};
	sampleHeap(0);
	const started = performance.now();
	for (let done = 0; done < options.cases; done++) {
		const index = firstCase + done;
		const fail = (kind: MutationKind, message: string) => {
			failureCount++;
			kinds[kind].failures++;
			if (failures.length < keepFailures) failures.push({index, kind, message});
		};
		let fuzzCase: FuzzCase;
		try {
			fuzzCase = caseAt(source, options.seed, index);
		} catch (error) {
			fail('noise', `making the case failed: ${String(error)}`);
			continue;
		}
		const tally = kinds[fuzzCase.kind];
		tally.cases++;
		inputBytes += fuzzCase.bytes.length;
		const result = runCase(fuzzCase);
		telegrams += result.accepted;
		if (result.accepted > 0) tally.accepted++;
		else tally.refused++;
		tally.undetectedByDesign += result.undetectedByDesign;
		for (const message of result.failures) fail(fuzzCase.kind, message);
		for (const tag of result.tags) tags.set(tag, (tags.get(tag) ?? 0) + 1);
		for (const trial of result.trials) {
			let floor = floors.get(trial.floor);
			if (floor === undefined) {
				floor = {floor: trial.floor, trials: 0, hits: 0, ...FLOORS[trial.floor]};
				floors.set(trial.floor, floor);
			}
			floor.trials++;
			if (trial.hit) floor.hits++;
		}
		if (index % framerEvery === 0) {
			framerRuns++;
			const message = await compareFramer(fuzzCase);
			if (message !== undefined) fail(fuzzCase.kind, message);
		}
		if ((done + 1) % sampleEvery === 0) {
			sampleHeap(done + 1);
			options.onProgress?.(done + 1);
		}
	}
	const elapsedMs = performance.now() - started;
	return {
		seed: options.seed,
		cases: options.cases,
		firstCase,
		kinds,
		floors: [...floors.values()],
		tags,
		failures,
		failureCount,
		inputBytes,
		telegrams,
		framerRuns,
		elapsedMs,
		heapSamples,
		gcExposed: gc !== undefined,
	};
}

/** The Framer stream, fed the case's chunks, must emit the frames a scanner fed the same chunks returns. */
async function compareFramer(fuzzCase: FuzzCase): Promise<string | undefined> {
	const chunks: Buffer[] = [];
	let start = 0;
	for (const cut of [...fuzzCase.cuts, fuzzCase.bytes.length]) {
		chunks.push(fuzzCase.bytes.subarray(start, cut));
		start = cut;
	}
	const scanner = new FrameScanner(fuzzCase.options);
	const expected: Frame[] = [];
	for (const chunk of chunks) expected.push(...scanner.push(chunk));
	expected.push(...scanner.end());
	const streamed: Frame[] = [];
	try {
		const framer = Readable.from(chunks, {objectMode: true}).pipe(new Framer(fuzzCase.options));
		for await (const frame of framer) streamed.push(frame as Frame);
	} catch (error) {
		return `Framer stream failed: ${String(error)}`;
	}
	const describe = (frames: Frame[]) =>
		frames.map((frame) => `${frame.kind}:${frame.bytes.toString('hex')}`).join(' ');
	if (describe(streamed) !== describe(expected)) return 'Framer stream emits other frames than the scanner';
	return undefined;
}

/** A Wilson score interval for `hits` of `trials`; `z` 1.96 gives 95 %, 3.89 gives 99.99 %. */
export function wilsonInterval(hits: number, trials: number, z = 1.959964): {low: number; high: number} {
	if (trials === 0) return {low: 0, high: 1};
	const p = hits / trials;
	const denominator = 1 + (z * z) / trials;
	const centre = (p + (z * z) / (2 * trials)) / denominator;
	const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
	return {low: Math.max(0, centre - half), high: Math.min(1, centre + half)};
}
