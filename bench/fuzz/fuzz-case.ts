import {
	type CaptureDecoding,
	type DecodedTelegram,
	decodeCapture,
} from '../../src/iec62056/capture-decoder.ts';
import {parseDataBlock} from '../../src/iec62056/data-block-parser.ts';
import {dsmrBuffer} from '../../src/iec62056/dsmr-buffer.ts';
import type {Frame} from '../../src/iec62056/frame.ts';
import {FrameScanner} from '../../src/iec62056/frame-scanner.ts';
import {parseMeterTime} from '../../src/iec62056/meter-time.ts';
import {parseObisCode} from '../../src/iec62056/obis-code.ts';
import {
	BlockCheckError,
	FrameOverflowError,
	MalformedDataSetError,
	TruncatedBlockError,
} from '../../src/iec62056/protocol-errors.ts';
import {StreamingCaptureDecoder} from '../../src/iec62056/streaming-capture-decoder.ts';
import {type SeedTelegram, setSignature} from './fuzz-corpus.ts';
import type {FuzzCase} from './mutations.ts';

/** A trial of something only chance lets through, and whether chance did. */
export interface FloorTrial {
	/** Which floor: `bcc-early-end` (1/128), `bcc-splice` (1/128), `crc16-early-end` (1/65536). */
	readonly floor: FloorName;
	readonly hit: boolean;
}

export type FloorName = 'bcc-early-end' | 'bcc-splice' | 'crc16-early-end' | 'crc16-splice';

/** What one case did. */
export interface CaseResult {
	/** Telegrams decoded from the whole input. */
	readonly accepted: number;
	/** Errors reported beside them (typed, returned). */
	readonly errors: number;
	/** Property violations and crashes: empty when the case passed. */
	readonly failures: string[];
	/** Labels the campaign counts, e.g. `changed data accepted: bcc` for damage a BCC cannot see. */
	readonly tags: string[];
	readonly trials: FloorTrial[];
	/**
	 * Telegrams accepted with values their source did not send, or mixing two sources, where the framing
	 * has no check to see it (mode D push) or a BCC matched by chance: counted, not failures.
	 */
	readonly undetectedByDesign: number;
}

/** Returned errors must be these; a MalformedDataSetError only ever sits beside a telegram's sets. */
const RETURNED_ERRORS = [BlockCheckError, TruncatedBlockError, FrameOverflowError] as const;

/** Runs the decoders on one case and checks every property that applies to its kind. */
export function runCase(fuzzCase: FuzzCase): CaseResult {
	const failures: string[] = [];
	const trials: FloorTrial[] = [];
	let whole: CaptureDecoding;
	try {
		whole = decodeCapture(fuzzCase.bytes, fuzzCase.options);
	} catch (error) {
		failures.push(`decodeCapture threw ${describe(error)}`);
		return {accepted: 0, errors: 0, failures, tags: [], trials, undetectedByDesign: 0};
	}
	checkTyped(whole, failures);
	checkValueLayer(whole.telegrams, failures);
	checkChunked(fuzzCase, whole, failures);
	let undetectedByDesign = 0;
	const tags: string[] = [];
	switch (fuzzCase.kind) {
		case 'intact':
			checkIntact(fuzzCase, whole, failures);
			break;
		case 'check-byte':
		case 'parity-bit':
		case 'early-terminator':
			undetectedByDesign += checkSingleByte(fuzzCase, whole, failures, trials);
			break;
		case 'splice-insert':
		case 'splice-cut':
			undetectedByDesign += checkSplice(fuzzCase, whole, failures, trials);
			break;
		case 'sequence':
			checkSequence(fuzzCase, whole, failures);
			break;
		default:
			undetectedByDesign += countChanged(fuzzCase, whole, tags);
	}
	return {
		accepted: whole.telegrams.length,
		errors: whole.errors.length,
		failures,
		tags,
		trials,
		undetectedByDesign,
	};
}

function checkTyped(decoding: CaptureDecoding, failures: string[]): void {
	for (const error of decoding.errors) {
		if (!RETURNED_ERRORS.some((type) => error instanceof type)) {
			failures.push(`untyped error returned: ${describe(error)}`);
		}
	}
	for (const telegram of decoding.telegrams) {
		for (const malformed of telegram.malformed) {
			if (!(malformed instanceof MalformedDataSetError))
				failures.push(`untyped malformed set: ${describe(malformed)}`);
		}
	}
}

/** What the layers above the parser do with every value: OBIS codes, stamps, DSMR buffers. None may throw. */
function checkValueLayer(telegrams: readonly DecodedTelegram[], failures: string[]): void {
	try {
		for (const telegram of telegrams) {
			for (const set of telegram.dataSets) {
				parseObisCode(set.address);
				dsmrBuffer(set);
				for (const value of set.values) {
					parseMeterTime(value.text);
					parseMeterTime(value.text, 'time');
					if (value.trailer !== undefined) parseMeterTime(value.trailer);
					for (const part of value.parts ?? []) parseMeterTime(part.text);
				}
			}
		}
	} catch (error) {
		failures.push(`value layer threw ${describe(error)}`);
	}
}

/** The streaming decoder, fed in the case's chunks, must decode what the whole-input decoder does. */
function checkChunked(fuzzCase: FuzzCase, whole: CaptureDecoding, failures: string[]): void {
	const decoder = new StreamingCaptureDecoder(fuzzCase.options);
	const telegrams: DecodedTelegram[] = [];
	try {
		let start = 0;
		for (const cut of [...fuzzCase.cuts, fuzzCase.bytes.length]) {
			for (const telegram of decoder.push(fuzzCase.bytes.subarray(start, cut))) telegrams.push(telegram);
			start = cut;
		}
		for (const telegram of decoder.end()) telegrams.push(telegram);
	} catch (error) {
		failures.push(`StreamingCaptureDecoder threw ${describe(error)}`);
		return;
	}
	const streamed = summary(telegrams, decoder.errors);
	const expected = summary(whole.telegrams, whole.errors);
	if (streamed !== expected) {
		failures.push(
			`chunked decoding (${fuzzCase.cuts.length + 1} chunks) differs: ${streamed} vs whole ${expected}`,
		);
	}
	if (decoder.garbledBlocks !== whole.garbledBlocks) {
		failures.push(
			`chunked decoding counts ${decoder.garbledBlocks} garbled blocks, whole ${whole.garbledBlocks}`,
		);
	}
}

function summary(telegrams: readonly DecodedTelegram[], errors: readonly Error[]): string {
	const parts = telegrams.map(
		(telegram) => `${telegram.framing}/${checkOf(telegram)}:${signatures(telegram).join('')}`,
	);
	return `${parts.join('|')} errors ${errors.map((error) => error.message).join('; ')}`;
}

function checkOf(telegram: DecodedTelegram): string {
	return telegram.check.ok ? telegram.check.algorithm : `${telegram.check.algorithm}-failed`;
}

function signatures(telegram: DecodedTelegram): string[] {
	return telegram.dataSets.map(setSignature);
}

function sameSets(telegram: DecodedTelegram, seed: SeedTelegram): boolean {
	const sets = signatures(telegram);
	return sets.length === seed.sets.length && sets.every((set, index) => set === seed.sets[index]);
}

/** The check a seed input's telegram carries. */
function algorithmOf(seed: SeedTelegram): 'bcc' | 'crc16' | 'none' {
	return seed.framing === 'stx' ? 'bcc' : seed.framing === 'dsmr' ? 'crc16' : 'none';
}

function checkIntact(fuzzCase: FuzzCase, whole: CaptureDecoding, failures: string[]): void {
	const seed = fuzzCase.seed as SeedTelegram;
	const [telegram] = whole.telegrams;
	if (whole.telegrams.length !== 1 || telegram === undefined || whole.errors.length > 0) {
		failures.push(
			`intact ${seed.name} telegram: ${whole.telegrams.length} telegrams, ${whole.errors.length} errors`,
		);
		return;
	}
	if (!sameSets(telegram, seed)) failures.push(`intact ${seed.name} telegram decodes to other data sets`);
	if (telegram.check.algorithm !== algorithmOf(seed) || !telegram.check.ok) {
		failures.push(`intact ${seed.name} telegram: check ${checkOf(telegram)}, expected ${algorithmOf(seed)}`);
	}
}

/**
 * One byte inside a checked block changed (not a lone bit 7). A telegram may come out only with its
 * check, its own data sets and the block's end moved onto the changed byte (an early ETX, EOT or `!`
 * whose following bytes happen to match the shorter block's check). Anything else is a failure.
 */
function checkSingleByte(
	fuzzCase: FuzzCase,
	whole: CaptureDecoding,
	failures: string[],
	trials: FloorTrial[],
): number {
	const seed = fuzzCase.seed as SeedTelegram;
	const to = (fuzzCase.changedTo as number) & (seed.parity ? 0x7f : 0xff);
	const terminator = seed.framing === 'stx' ? to === 0x03 || to === 0x04 : to === 0x21;
	// A CRC digit changed from `A` to `a` or back: the same CRC, read without regard to case.
	const from = (seed.bytes[fuzzCase.changedAt as number] as number) & 0x7f;
	const sameDigit =
		seed.framing === 'dsmr' &&
		(from ^ to) === 0x20 &&
		/[a-f]/i.test(String.fromCharCode(to)) &&
		(fuzzCase.changedAt as number) > (seed.body as {end: number}).end;
	const where = `${seed.name} ${seed.framing}${seed.parity ? ' 7E1' : ''} byte ${fuzzCase.changedAt} -> 0x${to.toString(16)}`;
	let byDesign = 0;
	for (const telegram of whole.telegrams) {
		const ownCheck = telegram.check.algorithm === algorithmOf(seed) && telegram.check.ok;
		if (ownCheck && sameSets(telegram, seed) && (terminator || sameDigit || fuzzCase.kind === 'parity-bit')) {
			if (terminator || sameDigit) byDesign++;
			continue;
		}
		failures.push(
			`${fuzzCase.kind} accepted (${where}): check ${checkOf(telegram)}, ${sameSets(telegram, seed) ? 'same' : 'other'} data sets`,
		);
	}
	if (fuzzCase.kind === 'early-terminator') {
		// The check itself, before the decoder's other rules: did the moved end pass by chance?
		const frames = FrameScanner.scanWhole(fuzzCase.bytes, fuzzCase.options);
		const passed = frames.some(
			(frame) => frame.kind === 'data-block' && frame.check.algorithm !== 'none' && frame.check.ok,
		);
		trials.push({floor: seed.framing === 'stx' ? 'bcc-early-end' : 'crc16-early-end', hit: passed});
	}
	return byDesign;
}

/** Values only one of the two sources has: a telegram holding some of each is a mix. */
function exclusive(own: SeedTelegram, other: SeedTelegram): Set<string> {
	const others = new Set(other.sets);
	return new Set(own.sets.filter((set) => !others.has(set)));
}

function checkSplice(
	fuzzCase: FuzzCase,
	whole: CaptureDecoding,
	failures: string[],
	trials: FloorTrial[],
): number {
	const [first, second] = fuzzCase.sources as readonly [SeedTelegram, SeedTelegram];
	const ofFirst = exclusive(first, second);
	const ofSecond = exclusive(second, first);
	if (ofFirst.size === 0 || ofSecond.size === 0) return 0;
	const mixed = (sets: readonly string[]) =>
		sets.some((set) => ofFirst.has(set)) && sets.some((set) => ofSecond.has(set));
	let byDesign = 0;
	for (const telegram of whole.telegrams) {
		if (!mixed(signatures(telegram))) continue;
		const check = telegram.check;
		// A check of 8 (7 used) or 16 bits agrees with a splice by chance now and then: counted as its floor.
		if (check.algorithm !== 'none' && check.ok) byDesign++;
		else if (check.algorithm === 'none' && first.framing === 'push' && second.framing === 'push') byDesign++;
		else
			failures.push(
				`${fuzzCase.kind} of ${first.name} ${first.framing} and ${second.name} ${second.framing} accepted with values of both (check ${checkOf(telegram)})`,
			);
	}
	// The checks' floor on splices: every checked block that holds values of both and its end mark is a trial.
	for (const frame of FrameScanner.scanWhole(fuzzCase.bytes, fuzzCase.options)) {
		if (frame.kind !== 'data-block' || frame.check.algorithm === 'none') continue;
		const parsed = parseDataBlock(frame.text);
		if (!parsed.complete || !mixed(parsed.dataSets.map(setSignature))) continue;
		trials.push({
			floor: frame.check.algorithm === 'bcc' ? 'bcc-splice' : 'crc16-splice',
			hit: frame.check.ok,
		});
	}
	return byDesign;
}

function checkSequence(fuzzCase: FuzzCase, whole: CaptureDecoding, failures: string[]): void {
	const found = new Set(whole.telegrams.map((telegram) => signatures(telegram).join('')));
	for (const seed of fuzzCase.intact ?? []) {
		if (!found.has(seed.sets.join('')))
			failures.push(`sequence: intact ${seed.name} ${seed.framing} telegram lost`);
	}
}

/**
 * Telegrams accepted with data sets their seed did not send, after damage of several bytes: a BCC
 * misses two flips of the same bit, a push telegram has no check at all. Tagged by the check that let
 * them through; `LOST ITS CHECK` (a BCC or CRC telegram accepted without one) is the one to look at.
 */
function countChanged(fuzzCase: FuzzCase, whole: CaptureDecoding, tags: string[]): number {
	const seed = fuzzCase.seed;
	if (seed === undefined) return 0;
	let changed = 0;
	for (const telegram of whole.telegrams) {
		if (sameSets(telegram, seed)) continue;
		changed++;
		const {check} = telegram;
		let label: string;
		if (check.algorithm === 'none') {
			label =
				seed.framing === 'push' ? 'mode D push, which has no check' : 'LOST ITS CHECK (read without BCC/CRC)';
		} else if (!check.ok) label = `${check.algorithm} failed, kept as asked (ignoreBlockCheck)`;
		else label = `${check.algorithm} passed by chance`;
		tags.push(`${fuzzCase.kind}: changed data accepted, ${label}`);
	}
	return changed;
}

function describe(error: unknown): string {
	if (error instanceof Error) return `${error.constructor.name}: ${error.message}`;
	return `non-Error ${typeof error}: ${String(error)}`;
}

export type {Frame};
