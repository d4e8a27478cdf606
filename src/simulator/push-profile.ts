import {parseIdentification} from '../iec62056/identification.ts';
import {encodeDataMessage, type TelegramContent} from '../iec62056/telegram-encoder.ts';
import {dataLine} from './data-line.ts';
import {HOUSEHOLD_LOAD_SHAPE} from './load-curve.ts';
import {type MeterModel, meterRegisters} from './meter-registers.ts';
import {fixedNumber, signedFixedNumber} from './register-text.ts';
import {type ProfileOptions, resolveProfileOptions, type SimulatorProfile} from './simulator-profile.ts';

/** The Easymeter Q3D: a space inside the identification, pushes at 9600 7E1 with no checksum. */
export const PUSH_IDENTIFICATION = '/ESY5Q3DA1004 V3.04';
export const PUSH_DESCRIPTION =
	'Easymeter Q3D-style mode D push meter: 9600 Bd 7E1, a telegram every 2 s without request, no BCC, signed power';
/** The push rate of Easymeter, EMH eHZ and eBZ meters, Bd (the standard's mode D would be 2400). */
export const PUSH_BAUD_RATE = 9600;

export const PUSH_MODEL: Omit<MeterModel, 'timeZone'> = {
	seed: 273033,
	dailyConsumptionKwh: 9,
	loadShape: HOUSEHOLD_LOAD_SHAPE,
	weekendFactor: 1.1,
	winterExtra: 0.25,
	pvPeakKw: 6,
	tariff1Hours: [6, 22],
	installedAt: new Date('2022-08-20T07:00:00Z'),
	initialResetCount: 0,
	historyDepth: 0,
};

/** How the net power splits over the phases L1, L2, L3 (21.7, 41.7, 61.7). */
const PHASE_SHARES = [0.42, 0.33, 0.25] as const;

export function createPushProfile(options: ProfileOptions = {}): SimulatorProfile {
	const {timeZone, pushIntervalMs} = resolveProfileOptions(options);
	const model: MeterModel = {...PUSH_MODEL, timeZone};
	const identification = parseIdentification(PUSH_IDENTIFICATION);
	return {
		name: 'push',
		description: PUSH_DESCRIPTION,
		identification: PUSH_IDENTIFICATION,
		push: {baudRate: PUSH_BAUD_RATE, intervalMs: pushIntervalMs},
		dataMessage: (atMs) =>
			encodeDataMessage({identification, lines: pushLines(model, atMs)}, {framing: 'push'}),
	};
}

/** The Q3D lines: 7-decimal energy, signed watts per phase and in total (negative while feeding in). */
export function pushLines(model: MeterModel, atMs: number): TelegramContent['lines'] {
	const registers = meterRegisters(model, atMs);
	const {importKwh, exportKwh} = registers.current;
	const watts = registers.power.netKw * 1000;
	const energy = (kwh: number) => [fixedNumber(kwh, 8, 7, 'truncate'), 'kWh'] as const;
	return [
		dataLine('1-0:0.0.0*255', '0273033000044'),
		dataLine('1-0:1.8.0*255', energy(importKwh.t1 + importKwh.t2)),
		dataLine('1-0:2.8.0*255', energy(exportKwh.t1 + exportKwh.t2)),
		dataLine('1-0:21.7.0*255', [signedFixedNumber(watts * PHASE_SHARES[0], 6, 2), 'W']),
		dataLine('1-0:41.7.0*255', [signedFixedNumber(watts * PHASE_SHARES[1], 6, 2), 'W']),
		dataLine('1-0:61.7.0*255', [signedFixedNumber(watts * PHASE_SHARES[2], 6, 2), 'W']),
		dataLine('1-0:1.7.0*255', [signedFixedNumber(watts, 6, 2), 'W']),
		dataLine('1-0:96.5.5*255', '80'),
		dataLine('0-0:96.1.255*255', '1ESY1334001444'),
	];
}
