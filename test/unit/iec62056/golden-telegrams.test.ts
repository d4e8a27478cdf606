import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import type {DataSet} from '../../../src/iec62056/data-set.ts';
import type {ValuePart} from '../../../src/iec62056/data-value.ts';
import type {Frame} from '../../../src/iec62056/frame.ts';
import {FrameScanner} from '../../../src/iec62056/frame-scanner.ts';
import {BlockCheckError} from '../../../src/iec62056/protocol-errors.ts';
import {everyChunking} from '../../helpers/chunkings.ts';
import {goldenParseOutput} from '../../helpers/golden-parse.ts';

/**
 * expected.json, written by hand from each telegram (see the case's NOTES.md). Beside it, the points
 * `parse input.bin -f line-protocol --timezone Europe/Berlin --read-at 2024-11-13T14:00:00Z` prints
 * (expected-points.lp) and, where it reports anything, its stderr and error (expected-messages.txt).
 */
interface Expected {
	readonly identification: Record<string, unknown>;
	readonly check: 'bcc' | 'crc16' | 'none';
	/** false for meters with a broken BCC: the content is only readable with ignoreBlockCheck. */
	readonly checkOk?: boolean;
	readonly dataSets: readonly unknown[];
	readonly malformed: readonly {line: number}[];
	/** Telegrams in the capture (default 1); identification and data sets are those of the last. */
	readonly telegrams?: number;
	/** Messages of the blocks that were rejected (cut, failed check), in order. Default none. */
	readonly errors?: readonly string[];
}

function readOptional(url: URL): string {
	return existsSync(url) ? readFileSync(url, 'utf8') : '';
}

const FIXTURES = new URL('../../fixtures/telegrams/', import.meta.url);
const cases = readdirSync(FIXTURES, {withFileTypes: true})
	.filter((entry) => entry.isDirectory())
	.map((entry) => entry.name)
	.sort();

function load(name: string): {input: Buffer; expected: Expected} {
	return {
		input: readFileSync(new URL(`${name}/input.bin`, FIXTURES)),
		expected: JSON.parse(readFileSync(new URL(`${name}/expected.json`, FIXTURES), 'utf8')) as Expected,
	};
}

function part(value: ValuePart): Record<string, unknown> {
	return {
		text: value.text,
		...(value.unit === undefined ? {} : {unit: value.unit}),
		...(value.trailer === undefined ? {} : {trailer: value.trailer}),
	};
}

/** The decoded data sets in expected.json's shape: optional fields only when defined. */
function comparableDataSets(dataSets: readonly DataSet[]): unknown[] {
	return dataSets.map((set) => ({
		address: set.address,
		key: set.key,
		values: set.values.map((value) => ({
			...part(value),
			...(value.parts === undefined ? {} : {parts: value.parts.map(part)}),
		})),
	}));
}

/** A frame as plain JSON: raw bytes as latin1 text, errors as class name and message. */
function comparableFrame(frame: Frame): unknown {
	const {bytes, ...rest} = frame;
	const error = 'error' in frame ? {error: `${frame.error.name}: ${frame.error.message}`} : {};
	return JSON.parse(JSON.stringify({...rest, ...error, bytes: bytes.toString('latin1')}));
}

it('has at least 12 golden telegram folders', () => {
	expect(cases.length).toBeGreaterThanOrEqual(12);
});

describe.each(cases)('golden telegram %s', (name) => {
	const {input, expected} = load(name);
	const checkOk = expected.checkOk ?? true;

	function assertContent(decoded: ReturnType<typeof decodeCapture>): void {
		expect(decoded.errors.map((error) => error.message)).toEqual(expected.errors ?? []);
		expect(decoded.telegrams).toHaveLength(expected.telegrams ?? 1);
		const telegram = decoded.telegrams.at(-1);
		expect(telegram?.identification).toMatchObject(expected.identification);
		expect(telegram?.check.algorithm).toBe(expected.check);
		expect(comparableDataSets(telegram?.dataSets ?? [])).toEqual(expected.dataSets);
		expect(telegram?.malformed.map(({line}) => ({line}))).toEqual(expected.malformed);
	}

	if (checkOk) {
		it('decodes to the expected identification, check, data sets and malformed lines', () => {
			assertContent(decodeCapture(input));
		});
	} else {
		it('is rejected with a BlockCheckError and no telegram when the block check is enforced', () => {
			const decoded = decodeCapture(input);
			expect(decoded.telegrams).toEqual([]);
			expect(decoded.errors.some((error) => error instanceof BlockCheckError)).toBe(true);
		});

		it('decodes to the expected content with ignoreBlockCheck', () => {
			assertContent(decodeCapture(input, {ignoreBlockCheck: true}));
		});
	}

	it('prints the expected points as line protocol at a fixed readout time and zone', async () => {
		const {points, messages} = await goldenParseOutput(new URL(`${name}/input.bin`, FIXTURES), !checkOk);
		if (process.env['UPDATE_GOLDEN_POINTS'] === '1') {
			// Regeneration for review (git diff shows what changed); never set in the test run.
			writeFileSync(new URL(`${name}/expected-points.lp`, FIXTURES), points);
			const messagesFile = new URL(`${name}/expected-messages.txt`, FIXTURES);
			if (messages === '') rmSync(messagesFile, {force: true});
			else writeFileSync(messagesFile, messages);
		}
		expect(points).toBe(readFileSync(new URL(`${name}/expected-points.lp`, FIXTURES), 'utf8'));
		expect(messages).toBe(readOptional(new URL(`${name}/expected-messages.txt`, FIXTURES)));
	});

	it('scans to the same frames in every two-way split and byte by byte', () => {
		const whole = new FrameScanner();
		const reference = [...whole.push(input), ...whole.end()].map(comparableFrame);
		for (const {name: chunking, chunks} of everyChunking(input)) {
			const scanner = new FrameScanner();
			const frames = [...chunks.flatMap((chunk) => scanner.push(chunk)), ...scanner.end()];
			expect(frames.map(comparableFrame), chunking).toEqual(reference);
		}
	});
});
