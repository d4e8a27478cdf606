import {parseIdentification} from '../../src/iec62056/identification.ts';
import {encodeDataMessage} from '../../src/iec62056/telegram-encoder.ts';
import {dataLine} from '../../src/simulator/data-line.ts';
import type {SimulatorProfile} from '../../src/simulator/simulator-profile.ts';

/**
 * The soak's meters say values no other telegram says: register `k` of telegram `n` reads
 * `k * 1000 + n / 10 000` (n < 10 000), so any value names its telegram and its register, and a
 * value seen twice, at another time, or from a faulty telegram shows at once. The demand peak's date
 * is `PEAK_BASE + n` minutes: that point's time names its telegram too.
 */
export const VALUE_SCALE = 10_000;
/** Telegram numbers stay below this, so `n / VALUE_SCALE` never carries into the register part. */
export const MAX_TELEGRAMS = VALUE_SCALE - 1;
/** The demand peak of telegram n is dated this instant + n minutes (meter clock in UTC). */
export const PEAK_BASE_MS = Date.UTC(2026, 0, 1);

/** A register of a soak meter: its address in the telegram, the `obis` tag it becomes, its register number. */
export interface SoakRegister {
	readonly address: string;
	readonly obis: string;
	readonly unit: string;
	readonly register: number;
}

/** Mode C meter at 9600 Bd with a 200 ms reaction time (the ZMD120's identification). */
export const MODE_C_IDENTIFICATION = '/LGZ52ZMD120APt.G03';
/** Mode D meter pushing at 9600 Bd 7E1 without a checksum (an Easymeter's identification). */
export const PUSH_IDENTIFICATION = '/ESY5Q3DA1004 V3.04';

export const MODE_C_REGISTERS: readonly SoakRegister[] = [
	{address: '1-1:1.8.1', obis: '1.8.1', unit: 'kWh', register: 1},
	{address: '1-1:1.8.2', obis: '1.8.2', unit: 'kWh', register: 2},
	{address: '1-1:2.8.1', obis: '2.8.1', unit: 'kWh', register: 3},
	{address: '1-1:2.8.2', obis: '2.8.2', unit: 'kWh', register: 4},
	{address: '1-1:3.8.1', obis: '3.8.1', unit: 'kvarh', register: 5},
	{address: '1-1:1.7.0', obis: '1.7.0', unit: 'kW', register: 6},
	{address: '1-1:2.7.0', obis: '2.7.0', unit: 'kW', register: 7},
];
/** The demand peak, sent with its date: its point carries the meter's time, not the readout's. */
export const MODE_C_PEAK: SoakRegister = {address: '1-1:1.6.1', obis: '1.6.1', unit: 'kW', register: 8};

export const PUSH_REGISTERS: readonly SoakRegister[] = [
	{address: '1-0:1.8.0*255', obis: '1.8.0', unit: 'kWh', register: 11},
	{address: '1-0:2.8.0*255', obis: '2.8.0', unit: 'kWh', register: 12},
	{address: '1-0:21.7.0*255', obis: '21.7.0', unit: 'kW', register: 13},
	{address: '1-0:41.7.0*255', obis: '41.7.0', unit: 'kW', register: 14},
	{address: '1-0:61.7.0*255', obis: '61.7.0', unit: 'kW', register: 15},
	{address: '1-0:1.7.0*255', obis: '1.7.0', unit: 'kW', register: 16},
];

/** The value register `register` of telegram `telegram` reads. */
export function soakValue(register: number, telegram: number): number {
	return register * 1000 + telegram / VALUE_SCALE;
}

/** Which register of which telegram a value came from; undefined if no soak telegram says it. */
export function decodeSoakValue(value: number): {register: number; telegram: number} | undefined {
	const scaled = Math.round(value * VALUE_SCALE);
	if (Math.abs(scaled - value * VALUE_SCALE) > 1e-3) return undefined;
	const register = Math.floor(scaled / (1000 * VALUE_SCALE));
	const telegram = scaled - register * 1000 * VALUE_SCALE;
	// Register k says k * 1000 + n / VALUE_SCALE: anything between the thousands is no soak value.
	return telegram > 0 && telegram < VALUE_SCALE ? {register, telegram} : undefined;
}

/** The demand peak's date of telegram n, ms since the epoch. */
export function peakTimeMs(telegram: number): number {
	return PEAK_BASE_MS + telegram * 60_000;
}

/** Telegram numbers as the profiles hand them out; shared by the simulators that replace each other after a hang-up. */
export class TelegramCounter {
	#next = 1;
	take(): number {
		if (this.#next > MAX_TELEGRAMS) throw new RangeError(`more than ${MAX_TELEGRAMS} soak telegrams`);
		return this.#next++;
	}
}

/** The mode C soak meter: each data message is the next telegram number. */
export function modeCSoakProfile(counter: TelegramCounter): SimulatorProfile {
	const identification = parseIdentification(MODE_C_IDENTIFICATION);
	return {
		name: 'soak-c',
		description: 'mode C 9600 Bd meter whose every value names its telegram',
		identification: MODE_C_IDENTIFICATION,
		dataMessage: () => {
			const telegram = counter.take();
			const lines = [
				...MODE_C_REGISTERS.map((entry) =>
					dataLine(entry.address, [valueText(entry.register, telegram), entry.unit]),
				),
				dataLine(
					MODE_C_PEAK.address,
					[valueText(MODE_C_PEAK.register, telegram), MODE_C_PEAK.unit],
					stamp(peakTimeMs(telegram)),
				),
			];
			return encodeDataMessage({identification, lines}, {framing: 'stx'});
		},
	};
}

/** The push soak meter: a telegram every `intervalMs`, each the next telegram number. */
export function pushSoakProfile(counter: TelegramCounter, intervalMs: number): SimulatorProfile {
	const identification = parseIdentification(PUSH_IDENTIFICATION);
	return {
		name: 'soak-d',
		description: 'mode D push meter whose every value names its telegram',
		identification: PUSH_IDENTIFICATION,
		push: {baudRate: 9600, intervalMs},
		dataMessage: () => {
			const telegram = counter.take();
			const lines = PUSH_REGISTERS.map((entry) =>
				dataLine(entry.address, [valueText(entry.register, telegram), entry.unit]),
			);
			return encodeDataMessage({identification, lines}, {framing: 'push'});
		},
	};
}

/** The telegram number a data message (as the profile made it) carries, read from its first register. */
export function telegramOf(content: Buffer): number | undefined {
	const match = /\((\d+\.\d+)\*/.exec(content.toString('latin1'));
	if (match === null) return undefined;
	return decodeSoakValue(Number(match[1]))?.telegram;
}

function valueText(register: number, telegram: number): string {
	return soakValue(register, telegram).toFixed(4).padStart(11, '0');
}

/** YYMMDDhhmm in UTC. */
function stamp(ms: number): string {
	const iso = new Date(ms).toISOString();
	return `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}
