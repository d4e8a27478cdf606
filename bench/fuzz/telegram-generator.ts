import type {ValuePart} from '../../src/iec62056/data-value.ts';
import {
	type EncodedDataSet,
	encodeTelegram,
	type TelegramContent,
} from '../../src/iec62056/telegram-encoder.ts';
import {type SeedFraming, type SeedTelegram, seedOf} from './fuzz-corpus.ts';
import type {SeededRandom} from './seeded-random.ts';

/** Identifications as real meters send them (see the golden fixtures and docs/iec62056-21 notes). */
const IDENTIFICATIONS: readonly TelegramContent['identification'][] = [
	{manufacturer: 'LGZ', baudChar: '5', enhanced: ['2'], ident: 'ZMD3104407.B32'},
	{manufacturer: 'ISk', baudChar: '5', enhanced: [], ident: 'MT174-0001'},
	{manufacturer: 'ESY', baudChar: '5', enhanced: [], ident: 'Q3DA1004 V3.04'},
	{manufacturer: 'EBZ', baudChar: '5', enhanced: [], ident: 'DD32R06ETA_107'},
	{manufacturer: 'KFM', baudChar: '5', enhanced: [], ident: 'KAIFA-METER'},
	{manufacturer: 'EMH', baudChar: '5', enhanced: ['@'], ident: 'D4EM4TIIW001--'},
	{manufacturer: 'KAM', baudChar: ' ', enhanced: [], ident: '685-382-QR-10'},
	{manufacturer: 'SIE', baudChar: 'C', enhanced: [], ident: '2WR5'},
];

const ADDRESSES = [
	'1-0:1.8.0*255',
	'1-0:1.8.1',
	'1-0:1.8.2',
	'1-0:2.8.0',
	'1-1:1.6.1',
	'1.8.0*01',
	'1.8.0&03',
	'0-0:96.1.1',
	'1-0:32.7.0',
	'1-0:21.7.0*255',
	'F.F',
	'C.1',
	'0.9.1',
	'0.9.2',
	'1-0:99.97.0',
	'0-1:24.2.1',
];

const UNITS = ['kWh', 'kW', 'V', 'A', 'W', 'kvarh', 'm3', 'Imp/kWh', ''];

/**
 * A telegram whose every numeric value holds `serial` (the decimal digits of it followed by two digits
 * of the set's index), so two telegrams with different serials share none of those values: a decoded
 * telegram holding values of both is a mix. Stamps and status words may repeat between telegrams.
 */
export function generateTelegram(random: SeededRandom, serial: number, framing: SeedFraming): SeedTelegram {
	const lines: EncodedDataSet[][] = [];
	const lineCount = random.between(1, 12);
	let setIndex = 0;
	for (let line = 0; line < lineCount; line++) {
		const sets: EncodedDataSet[] = [];
		// Most meters send one set per line; the 2WR5 sends them all on one line.
		const perLine = random.chance(0.85) ? 1 : random.between(2, 4);
		for (let set = 0; set < perLine && setIndex < 99; set++) {
			sets.push(dataSet(random, serial, setIndex++));
		}
		lines.push(sets);
	}
	const identification = random.pick(IDENTIFICATIONS);
	const lineEnd = framing === 'stx' ? random.pick(['\r\n', '\r\n', '\r\n', '\n', '\n\n']) : '\r\n';
	const bytes = encodeTelegram({identification, lines}, {framing, lineEnd});
	const seed = seedOf('generated', bytes);
	if (seed === undefined)
		throw new Error(`generated telegram ${serial} does not decode: ${bytes.toString('latin1')}`);
	return seed;
}

function dataSet(random: SeededRandom, serial: number, index: number): EncodedDataSet {
	const address = random.pick(ADDRESSES);
	const digits = `${serial}${String(index).padStart(2, '0')}`;
	const fraction = String(random.below(1000)).padStart(3, '0');
	const unit = random.pick(UNITS);
	const main: ValuePart =
		unit === '' ? {text: `${digits}.${fraction}`} : {text: `${digits}.${fraction}`, unit};
	const shape = random.below(14);
	if (shape === 0) return {address, values: [main, {text: stamp(random)}]};
	if (shape === 1) return {address, values: [[main, {text: `${digits}`, unit: 'C'}]]};
	if (shape === 2) return {address, values: [{text: `${digits}`}]};
	if (shape === 3) return {address, values: [{text: odd(random)}, main]};
	if (shape === 4) {
		// A DSMR buffer: count, the code its entries are of, then per entry two stamps and a value.
		const count = random.between(0, 3);
		const entries = Array.from({length: count}, () => [
			{text: odd(random)},
			{text: odd(random)},
			main,
		]).flat();
		return {
			address: '0-0:98.1.0',
			values: [{text: String(count)}, {text: '1-0:1.6.0'}, {text: '1-0:1.6.0'}, ...entries],
		};
	}
	if (shape === 5) {
		// A DSMR 2.2 gas profile: stamp, two descriptors, the number of values, their code and unit, the values.
		return {
			address: '0-1:24.3.0',
			values: [
				{text: odd(random)},
				{text: '00'},
				{text: '60'},
				{text: '1'},
				{text: '0-1:24.2.1'},
				{text: 'm3'},
				main,
			],
		};
	}
	return {address, values: [main]};
}

/** Stamps in every form meters print (see docs on time stamps), some of them impossible or placeholders. */
function odd(random: SeededRandom): string {
	const two = (value: number) => String(value).padStart(2, '0');
	const date = `${two(random.below(100))}${two(random.below(14))}${two(random.below(33))}`;
	const time = `${two(random.below(26))}${two(random.below(62))}${two(random.below(62))}`;
	switch (random.below(9)) {
		case 0:
			return `${date}${time}${random.pick(['S', 'W'])}`;
		case 1:
			return `${random.below(3)}${date}${time}`;
		case 2:
			return `20${date.slice(0, 2)}-${date.slice(2, 4)}-${date.slice(4)} ${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4)}`;
		case 3:
			return `${date.slice(0, 2)}-${date.slice(2, 4)}-${date.slice(4)},${time.slice(0, 2)}:${time.slice(2, 4)}`;
		case 4:
			return `${date}??`;
		case 5:
			return `${random.below(2)}${date}`;
		case 6:
			return time.slice(0, random.pick([4, 6]));
		case 7:
			return `${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4)}`;
		default:
			return `${date}${time.slice(0, 4)}`;
	}
}

function stamp(random: SeededRandom): string {
	const two = (value: number) => String(value).padStart(2, '0');
	return `${two(random.between(20, 29))}${two(random.between(1, 12))}${two(random.between(1, 28))}${two(random.below(24))}${two(random.below(60))}`;
}
