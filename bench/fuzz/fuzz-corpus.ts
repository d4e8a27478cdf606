import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {decodeCapture} from '../../src/iec62056/capture-decoder.ts';
import {crc16} from '../../src/iec62056/crc16.ts';
import type {DataSet} from '../../src/iec62056/data-set.ts';
import {SIMULATOR_PROFILES} from '../../src/simulator/simulator-profiles.ts';
import type {SeededRandom} from './seeded-random.ts';

/** How a seed telegram is framed: STX … ETX BCC (modes A–C), mode D push (no check), DSMR (`!` CRC16). */
export type SeedFraming = 'stx' | 'push' | 'dsmr';

/** A telegram the fuzzer starts from, with what its intact bytes decode to. */
export interface SeedTelegram {
	/** Where it came from: a fixture folder, a simulator profile, or `generated`. */
	readonly name: string;
	readonly framing: SeedFraming;
	readonly bytes: Buffer;
	/**
	 * The bytes a single change of which the check must see, [start, end): STX … BCC of an STX block,
	 * `/` … the last CRC digit of a DSMR telegram. Absent for push telegrams, which carry no check.
	 */
	readonly checked?: {readonly start: number; readonly end: number};
	/** The block's body (where an early terminator may go): after STX up to ETX, or after `/` up to `!`. */
	readonly body?: {readonly start: number; readonly end: number};
	/** Every data set of the intact telegram as `key(raw)(raw)…`, in order. */
	readonly sets: readonly string[];
	/** Bytes that are 7E1 characters with their even-parity bit in bit 7 (decode with parity `strip-even`). */
	readonly parity: boolean;
}

/** A data set as one comparable string: its key and every bracket exactly as received. */
export function setSignature(set: DataSet): string {
	let signature = set.key;
	for (const value of set.values) signature += `(${value.raw})`;
	return signature;
}

/**
 * Builds a seed from a whole telegram's bytes: finds its check range and what it decodes to. Undefined
 * when the bytes are not exactly one telegram that decodes without errors (such captures still serve
 * as input, but no property can be stated about their changes).
 */
export function seedOf(name: string, bytes: Buffer, parity = false): SeedTelegram | undefined {
	const decoding = decodeCapture(bytes, parity ? {parity: 'strip-even'} : {});
	const [telegram] = decoding.telegrams;
	if (decoding.telegrams.length !== 1 || telegram === undefined || decoding.errors.length > 0)
		return undefined;
	if (!telegram.check.ok || !telegram.complete || telegram.malformed.length > 0) return undefined;
	const sets = telegram.dataSets.map(setSignature);
	if (telegram.framing === 'stx') {
		const start = bytes.indexOf(telegram.bytes);
		if (start < 0) return undefined;
		const end = start + telegram.bytes.length;
		return {
			name,
			framing: 'stx',
			bytes,
			checked: {start, end},
			body: {start: start + 1, end: end - 2},
			sets,
			parity,
		};
	}
	if (telegram.framing !== 'push') return undefined;
	if (telegram.check.algorithm === 'none') return {name, framing: 'push', bytes, sets, parity};
	const start = bytes.indexOf(telegram.bytes);
	if (start < 0) return undefined;
	let end = start + telegram.bytes.length;
	while (end > start && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
	const bang = bytes.lastIndexOf(0x21, end);
	return {
		name,
		framing: 'dsmr',
		bytes,
		checked: {start, end},
		body: {start: start + 1, end: bang},
		sets,
		parity,
	};
}

/** The golden fixtures' telegrams: seeds where they are one clean telegram, plain inputs otherwise. */
export function fixtureInputs(): {seeds: SeedTelegram[]; others: Buffer[]} {
	const folder = fixtureFolder();
	const seeds: SeedTelegram[] = [];
	const others: Buffer[] = [];
	for (const name of readdirSync(folder).sort()) {
		const bytes = readFileSync(new URL(`${name}/input.bin`, folder));
		const seed = seedOf(name, bytes);
		if (seed === undefined) others.push(bytes);
		else seeds.push(seed);
	}
	return {seeds, others};
}

/**
 * Telegrams of the simulator's built-in profiles at `count` instants spread over 2026 (so their counters
 * differ): each as the meter sends it, and each push profile's telegram also with a DSMR CRC16 added.
 */
export function profileSeeds(random: SeededRandom, count: number): SeedTelegram[] {
	const seeds: SeedTelegram[] = [];
	const year = Date.UTC(2026, 0, 1);
	const profiles = SIMULATOR_PROFILES.map((entry) => entry.create());
	for (let index = 0; index < count; index++) {
		const profile = profiles[index % profiles.length];
		if (profile === undefined) continue;
		const atMs = year + random.below(365 * 24 * 60) * 60_000;
		const identification = Buffer.from(`${profile.identification}\r\n`, 'latin1');
		const bytes = Buffer.concat([identification, profile.dataMessage(atMs)]);
		const seed = seedOf(profile.name, bytes);
		if (seed !== undefined) seeds.push(seed);
		if (profile.push !== undefined) {
			const crc = seedOf(`${profile.name}+crc`, withCrc(bytes));
			if (crc !== undefined) seeds.push(crc);
		}
	}
	return seeds;
}

/** test/fixtures/telegrams/, found upwards from this file: it runs from bench/ (tests) and dist/bench/ (npm run fuzz). */
function fixtureFolder(): URL {
	for (let up = '../../'; up.length < 16; up += '../') {
		const folder = new URL(`${up}test/fixtures/telegrams/`, import.meta.url);
		if (existsSync(folder)) return folder;
	}
	throw new Error(`test/fixtures/telegrams/ not found above ${import.meta.url}`);
}

/** A push telegram with the DSMR CRC16 after its `!` (replacing what followed it). */
export function withCrc(bytes: Buffer): Buffer {
	const bang = bytes.lastIndexOf(0x21);
	const checked = bytes.subarray(0, bang + 1);
	const crc = crc16(checked).toString(16).toUpperCase().padStart(4, '0');
	return Buffer.concat([checked, Buffer.from(`${crc}\r\n`, 'latin1')]);
}

/** 7E1 characters as an 8N1 port shows them: bit 7 is the even-parity bit of the 7 data bits. */
export function withEvenParity(bytes: Buffer): Buffer {
	const coded = Buffer.allocUnsafe(bytes.length);
	for (let index = 0; index < bytes.length; index++) {
		const byte = (bytes[index] as number) & 0x7f;
		let ones = 0;
		for (let bits = byte; bits; bits &= bits - 1) ones++;
		coded[index] = ones % 2 === 0 ? byte : byte | 0x80;
	}
	return coded;
}
