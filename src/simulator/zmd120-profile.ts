import {parseIdentification} from '../iec62056/identification.ts';
import {encodeDataMessage, type TelegramContent} from '../iec62056/telegram-encoder.ts';
import {dataLine} from './data-line.ts';
import {BUSINESS_LOAD_SHAPE} from './load-curve.ts';
import {type BillingPeriod, type DemandPeak, type MeterModel, meterRegisters} from './meter-registers.ts';
import {dateText, fixedNumber, hourMinuteText, stampText, timeText} from './register-text.ts';
import {type ProfileOptions, resolveProfileOptions, type SimulatorProfile} from './simulator-profile.ts';

/** The smarthomeNG dlms plugin's meter: mode C, 9600 Bd (`5`), upper-case `LGZ` so 200 ms reaction, channel `1-1:`. */
export const ZMD120_IDENTIFICATION = '/LGZ52ZMD120APt.G03';
export const ZMD120_DESCRIPTION =
	"Landis+Gyr ZMD120, the meter in the smarthomeNG dlms plugin's README: mode C 9600 Bd, 200 ms reaction, the 38 codes listed there";
export const ZMD120_VERBOSE_DESCRIPTION =
	'ZMD120 with 15 months of *NN history (1.6.x, 1.8.x, 2.8.0, 0.1.2 reset stamps; zeros before installation)';

/**
 * A small business with a PV roof; installed in February 2026, so
 * a readout within 15 months of that still shows history periods from before it (all zeros).
 */
export const ZMD120_MODEL: Omit<MeterModel, 'timeZone'> = {
	seed: 50871031,
	dailyConsumptionKwh: 140,
	loadShape: BUSINESS_LOAD_SHAPE,
	weekendFactor: 0.45,
	winterExtra: 0.2,
	pvPeakKw: 9,
	tariff1Hours: [6, 22],
	installedAt: new Date('2026-02-09T08:40:00Z'),
	initialResetCount: 0,
	historyDepth: 15,
};

const SERIAL = '50871031';
/** Reactive energy as a share of active import: an inductive load, a little capacitive. */
const INDUCTIVE_RATIO = 0.91;
const CAPACITIVE_RATIO = 0.012;

export interface Zmd120Options extends ProfileOptions {
	/** Add the `*NN` billing history, as the smarthomeNG dlms plugin's verbose readout. Default false. */
	readonly verbose?: boolean;
	/**
	 * When the meter was installed (its counters start at zero there). Default ZMD120_MODEL's, February
	 * 2026: a meter read before that shows only zeros, so a replay of an earlier year installs it earlier.
	 */
	readonly installedAt?: Date;
}

export function createZmd120Profile(options: Zmd120Options = {}): SimulatorProfile {
	const {timeZone} = resolveProfileOptions(options);
	const verbose = options.verbose ?? false;
	const model: MeterModel = {
		...ZMD120_MODEL,
		timeZone,
		...(options.installedAt === undefined ? {} : {installedAt: options.installedAt}),
	};
	const identification = parseIdentification(ZMD120_IDENTIFICATION);
	return {
		name: verbose ? 'zmd120-verbose' : 'zmd120',
		description: verbose ? ZMD120_VERBOSE_DESCRIPTION : ZMD120_DESCRIPTION,
		identification: ZMD120_IDENTIFICATION,
		// Its serial number, as meters are usually addressed: `read --address 50871031` reads it, another
		// address gets no answer, and a request without an address is answered as always.
		address: SERIAL,
		dataMessage: (atMs) =>
			encodeDataMessage({identification, lines: zmd120Lines(model, atMs, verbose)}, {framing: 'stx'}),
	};
}

/** The data lines of a ZMD120 readout at an instant, in the meter's order. Pure. */
export function zmd120Lines(model: MeterModel, atMs: number, verbose: boolean): TelegramContent['lines'] {
	const zone = model.timeZone;
	const registers = meterRegisters(model, atMs);
	const {current} = registers;
	const lastReset = registers.lastResetAtMs ?? model.installedAt.getTime();
	const importTotal = current.importKwh.t1 + current.importKwh.t2;
	const exportTotal = current.exportKwh.t1 + current.exportKwh.t2;
	const energy = (kwh: number, unit = 'kWh') => [fixedNumber(kwh, 8, 0, 'truncate'), unit] as const;
	const cumulative = (kw: number) => [fixedNumber(kw, 4, 2), 'kW'] as const;
	const peak = (demand: DemandPeak | undefined) =>
		[
			[fixedNumber(demand?.kw ?? 0, 2, 2), 'kW'] as const,
			demand ? stampText(demand.atMs, zone) : '0000000000',
		] as const;
	// ZMD meters number history by the billing counter: `*14` is the period the 14th reset closed.
	const history = (address: string, render: (period: BillingPeriod | undefined) => string[]) =>
		verbose
			? registers.history.map((period, age) =>
					dataLine(
						`1-1:${address}*${fixedNumber(registers.resetCount - age + 100, 2, 0)}`,
						...render(period),
					),
				)
			: [];
	const demandHistory = (address: string, pick: (period: BillingPeriod) => DemandPeak | undefined) =>
		history(address, (period) => {
			const demand = period ? pick(period) : undefined;
			return [fixedNumber(demand?.kw ?? 0, 2, 2), demand ? stampText(demand.atMs, zone) : '0000000000'];
		});
	const energyHistory = (address: string, pick: (period: BillingPeriod) => number) =>
		history(address, (period) => [fixedNumber(period ? pick(period) : 0, 8, 0, 'truncate')]);

	return [
		dataLine('1-1:0.0.0', SERIAL),
		dataLine('1-1:0.0.1', SERIAL),
		dataLine('1-1:0.1.0', fixedNumber(registers.resetCount, 2, 0)),
		dataLine('1-1:0.1.2', hourMinuteText(lastReset, zone)),
		...history('0.1.2', (period) => [period ? stampText(period.endedAtMs, zone) : '0000000000']),
		dataLine('1-1:0.1.3', dateText(lastReset, zone)),
		dataLine('1-1:0.2.0', 'B32'),
		dataLine('1-1:0.2.1', '005'),
		dataLine('1-1:0.2.8', 'F84F'),
		dataLine('1-1:0.9.1', timeText(atMs, zone)),
		dataLine('1-1:0.9.2', dateText(atMs, zone)),
		dataLine('1-1:1.2.1', cumulative(registers.cumulativeDemandKw.import.t1)),
		dataLine('1-1:1.2.2', cumulative(registers.cumulativeDemandKw.import.t2)),
		dataLine('1-1:1.6.1', ...peak(current.importDemand.t1)),
		...demandHistory('1.6.1', (period) => period.importDemand.t1),
		dataLine('1-1:1.6.2', ...peak(current.importDemand.t2)),
		...demandHistory('1.6.2', (period) => period.importDemand.t2),
		dataLine('1-1:1.8.0', energy(importTotal)),
		...energyHistory('1.8.0', (period) => period.importKwh.t1 + period.importKwh.t2),
		dataLine('1-1:1.8.1', energy(current.importKwh.t1)),
		...energyHistory('1.8.1', (period) => period.importKwh.t1),
		dataLine('1-1:1.8.2', energy(current.importKwh.t2)),
		...energyHistory('1.8.2', (period) => period.importKwh.t2),
		dataLine('1-1:2.2.1', cumulative(registers.cumulativeDemandKw.export.t1)),
		dataLine('1-1:2.2.2', cumulative(registers.cumulativeDemandKw.export.t2)),
		dataLine('1-1:2.6.1', ...peak(current.exportDemand.t1)),
		dataLine('1-1:2.6.2', ...peak(current.exportDemand.t2)),
		dataLine('1-1:2.8.0', energy(exportTotal)),
		...energyHistory('2.8.0', (period) => period.exportKwh.t1 + period.exportKwh.t2),
		dataLine('1-1:2.8.1', energy(current.exportKwh.t1)),
		dataLine('1-1:2.8.2', energy(current.exportKwh.t2)),
		dataLine('1-1:3.8.0', energy(importTotal * INDUCTIVE_RATIO, 'kvarh')),
		dataLine('1-1:3.8.1', energy(current.importKwh.t1 * INDUCTIVE_RATIO, 'kvarh')),
		dataLine('1-1:3.8.2', energy(current.importKwh.t2 * INDUCTIVE_RATIO, 'kvarh')),
		dataLine('1-1:4.8.0', energy(importTotal * CAPACITIVE_RATIO, 'kvarh')),
		dataLine('1-1:4.8.1', energy(current.importKwh.t1 * CAPACITIVE_RATIO, 'kvarh')),
		dataLine('1-1:4.8.2', energy(current.importKwh.t2 * CAPACITIVE_RATIO, 'kvarh')),
		dataLine('1-1:C.3.1', '___-----'),
		dataLine('1-1:C.3.2', '__------'),
		dataLine('1-1:C.3.3', '__------'),
		dataLine('1-1:C.3.4', '--__5_--'),
		dataLine('1-1:C.4.0', '60C00183'),
		dataLine('1-1:C.5.0', '0020E0F0'),
		dataLine('1-1:C.7.0', '00000017'),
		dataLine('1-1:F.F', '00000000'),
	];
}
