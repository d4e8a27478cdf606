import {parseIdentification} from '../iec62056/identification.ts';
import {encodeDataMessage, type TelegramContent} from '../iec62056/telegram-encoder.ts';
import {type BracketValue, dataLine} from './data-line.ts';
import {HOUSEHOLD_LOAD_SHAPE} from './load-curve.ts';
import {type BillingPeriod, type DemandPeak, type MeterModel, meterRegisters} from './meter-registers.ts';
import {dateText, fixedNumber, seasonDigit, stampText, timeText} from './register-text.ts';
import {type ProfileOptions, resolveProfileOptions, type SimulatorProfile} from './simulator-profile.ts';

/**
 * An Iskra MT174-style register as a 300 Bd-only mode A meter: the space in the baud position means
 * mode A (as on the Kamstrup 382), lower-case `k` a 20 ms reaction. With 15 billing periods its
 * ~220 lines take about three and a half minutes at 300 Bd, like the Elster A1500 users report.
 */
export const SLOW_300_IDENTIFICATION = '/ISk MT174-0001';
export const SLOW_300_DESCRIPTION =
	'Iskra MT174-style mode A meter at 300 Bd only: ~220 lines with 15 billing periods (*01 = newest), minutes per readout';

export const SLOW_300_MODEL: Omit<MeterModel, 'timeZone'> = {
	seed: 63355730,
	dailyConsumptionKwh: 11,
	loadShape: HOUSEHOLD_LOAD_SHAPE,
	weekendFactor: 1.15,
	winterExtra: 0.3,
	pvPeakKw: 4.5,
	tariff1Hours: [6, 22],
	installedAt: new Date('2022-04-02T10:15:00Z'),
	initialResetCount: 0,
	historyDepth: 15,
};

export function createSlow300Profile(options: ProfileOptions = {}): SimulatorProfile {
	const {timeZone} = resolveProfileOptions(options);
	const model: MeterModel = {...SLOW_300_MODEL, timeZone};
	const identification = parseIdentification(SLOW_300_IDENTIFICATION);
	return {
		name: 'slow-300',
		description: SLOW_300_DESCRIPTION,
		identification: SLOW_300_IDENTIFICATION,
		dataMessage: (atMs) =>
			encodeDataMessage({identification, lines: slow300Lines(model, atMs)}, {framing: 'stx'}),
	};
}

/** The Iskra-style lines: `*255` current values, season-prefixed dates, history by age (`*01` newest). */
export function slow300Lines(model: MeterModel, atMs: number): TelegramContent['lines'] {
	const zone = model.timeZone;
	const registers = meterRegisters(model, atMs);
	const {current} = registers;
	const energy = (kwh: number, unit = 'kWh'): BracketValue => [fixedNumber(kwh, 7, 3, 'truncate'), unit];
	const demand = (peak: DemandPeak | undefined): BracketValue[] =>
		peak
			? [[fixedNumber(peak.kw, 2, 3), 'kW'], stampText(peak.atMs, zone)]
			: [['00.000', 'kW'], '0000000000'];
	const overall = (peaks: {t1?: DemandPeak; t2?: DemandPeak}) =>
		peaks.t1 === undefined || (peaks.t2 !== undefined && peaks.t2.kw > peaks.t1.kw) ? peaks.t2 : peaks.t1;
	// Periods before installation print an empty bracket, as the MT174 does for unused slots.
	const history = (address: string, render: (period: BillingPeriod) => BracketValue[]) =>
		registers.history.map((period, age) =>
			dataLine(`${address}*${fixedNumber(age + 1, 2, 0)}`, ...(period ? render(period) : [''])),
		);
	const sum = (tariffs: {t1: number; t2: number}) => tariffs.t1 + tariffs.t2;

	return [
		dataLine('1-0:0.9.1*255', timeText(atMs, zone)),
		dataLine('1-0:0.9.2*255', `${seasonDigit(atMs, zone)}${dateText(atMs, zone)}`),
		dataLine('1-0:0.0.0*255', '63355730'),
		dataLine('1-0:0.0.1*255', '1ISK0063355730'),
		dataLine('1-0:0.1.0*255', String(registers.resetCount)),
		dataLine('1-0:0.2.0*255', '1.03'),
		dataLine('0-0:C.1.0*255', '63355730'),
		dataLine('0-0:C.1.6*255', 'FDF5'),
		dataLine('0-0:C.51.1*255', '3'),
		dataLine('1-0:1.6.0*255', ...demand(overall(current.importDemand))),
		dataLine('1-0:1.6.1*255', ...demand(current.importDemand.t1)),
		dataLine('1-0:1.6.2*255', ...demand(current.importDemand.t2)),
		dataLine('1-0:1.7.0*255', [fixedNumber(registers.power.importKw, 1, 3), 'kW']),
		dataLine('1-0:1.8.0*255', energy(sum(current.importKwh))),
		dataLine('1-0:1.8.1*255', energy(current.importKwh.t1)),
		dataLine('1-0:1.8.2*255', energy(current.importKwh.t2)),
		dataLine('1-0:2.6.0*255', ...demand(overall(current.exportDemand))),
		dataLine('1-0:2.7.0*255', [fixedNumber(registers.power.exportKw, 1, 3), 'kW']),
		dataLine('1-0:2.8.0*255', energy(sum(current.exportKwh))),
		dataLine('1-0:2.8.1*255', energy(current.exportKwh.t1)),
		dataLine('1-0:2.8.2*255', energy(current.exportKwh.t2)),
		dataLine('1-0:3.8.0*255', energy(sum(current.importKwh) * 0.21, 'kvarh')),
		dataLine('1-0:4.8.0*255', energy(sum(current.exportKwh) * 0.05, 'kvarh')),
		dataLine('0-0:F.F.0*255', '0000000'),
		...history('1-0:0.1.2', (period) => [stampText(period.endedAtMs, zone)]),
		...history('1-0:1.6.0', (period) => demand(overall(period.importDemand))),
		...history('1-0:1.6.1', (period) => demand(period.importDemand.t1)),
		...history('1-0:1.6.2', (period) => demand(period.importDemand.t2)),
		...history('1-0:1.8.0', (period) => [energy(sum(period.importKwh))]),
		...history('1-0:1.8.1', (period) => [energy(period.importKwh.t1)]),
		...history('1-0:1.8.2', (period) => [energy(period.importKwh.t2)]),
		...history('1-0:2.6.0', (period) => demand(overall(period.exportDemand))),
		...history('1-0:2.8.0', (period) => [energy(sum(period.exportKwh))]),
		...history('1-0:2.8.1', (period) => [energy(period.exportKwh.t1)]),
		...history('1-0:2.8.2', (period) => [energy(period.exportKwh.t2)]),
		...history('1-0:3.8.0', (period) => [energy(sum(period.importKwh) * 0.21, 'kvarh')]),
		...history('1-0:4.8.0', (period) => [energy(sum(period.exportKwh) * 0.05, 'kvarh')]),
	];
}
