import {readdirSync, readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {decodeCapture} from '../src/iec62056/capture-decoder.ts';
import {type BenchmarkResult, ratioAtLeast} from './benchmark-report.ts';
import {measureThroughput, type TelegramParser} from './measure-throughput.ts';

const FIXTURES = new URL('../../test/fixtures/telegrams/', import.meta.url);

interface D0ProtocolInstance {
	communicationState: number;
	handleMessage(message: Buffer): Buffer | null;
}

/** The fixture mix: every golden telegram, as the meter sent it. */
export function loadFixtureMix(): Buffer[] {
	return readdirSync(FIXTURES)
		.sort()
		.map((folder) => readFileSync(new URL(`${folder}/input.bin`, FIXTURES)));
}

/** Ours: framing, BCC/CRC check, data sets, values, units: everything `parse` does before printing. */
const ours: TelegramParser = (bytes) => {
	let sets = 0;
	for (const telegram of decodeCapture(bytes, {ignoreBlockCheck: true}).telegrams)
		sets += telegram.dataSets.length;
	return sets;
};

/**
 * smartmeter-obis 4: its D0Protocol's own message path, as its serial transport drives it once the
 * bytes are in: the identification message (state 2), then the data message (state 4). It checks no BCC.
 */
function smartmeterObis(): TelegramParser {
	const require = createRequire(import.meta.url);
	const D0Protocol = require('smartmeter-obis/lib/protocols/D0Protocol.js') as new (
		options: object,
		store: (error: Error | null, result: Record<string, unknown> | null) => void,
	) => D0ProtocolInstance;
	let found = 0;
	const protocol = new D0Protocol(
		{transportSerialBaudrate: 300, debug: 0, logger: () => undefined, obisFallbackMedium: 6},
		(error, result) => {
			if (!error && result) found += Object.keys(result).length;
		},
	);
	return (bytes) => {
		found = 0;
		protocol.communicationState = 2;
		const rest = protocol.handleMessage(bytes) ?? bytes;
		protocol.communicationState = 4;
		protocol.handleMessage(rest);
		return found;
	};
}

/**
 * `npm run bench`'s parse figures, the detail text and the report row: dlms-logger against
 * smartmeter-obis on the whole fixture mix, the same bytes for both, rounds interleaved; rates per CPU
 * second of the process (see measureThroughput), so that a shared machine's load, which deschedules the
 * parsers for varying shares of each round, moves the ratio less.
 */
export function measureParseThroughput(): BenchmarkResult {
	const mix = loadFixtureMix();
	const results = measureThroughput({'dlms-logger': ours, 'smartmeter-obis 4.0.0': smartmeterObis()}, mix);
	const [mine, theirs] = results;
	const lines = results.map(
		(result) =>
			`  ${result.name.padEnd(24)} ${Math.round(result.telegramsPerSecond).toLocaleString('en').padStart(10)} telegrams/s` +
			`  (${result.dataSetsPerPass} data sets per pass)`,
	);
	const ratio = mine && theirs ? mine.telegramsPerSecond / theirs.telegramsPerSecond : Number.NaN;
	const rate = (value: number | undefined) => `${Math.round(value ?? 0).toLocaleString('en')} telegrams/s`;
	return {
		detail: [
			`parse: ${mix.length} fixture telegrams (${mix.reduce((sum, bytes) => sum + bytes.length, 0)} bytes per pass), one core, telegrams per CPU second`,
			...lines,
			`  ratio dlms-logger / smartmeter-obis: ${ratio.toFixed(1)}x (target >= 10x)`,
		].join('\n'),
		rows: [
			{
				figure: `parse, ${mix.length} fixtures, one core`,
				ours: rate(mine?.telegramsPerSecond),
				baseline: `smartmeter-obis ${rate(theirs?.telegramsPerSecond)}`,
				ratio,
				value: Number.NaN,
				target: ratioAtLeast(10),
			},
		],
	};
}

/** The parse figures as text (what `npm run bench` printed before it had a report). */
export function runParseThroughput(): string {
	return measureParseThroughput().detail;
}
