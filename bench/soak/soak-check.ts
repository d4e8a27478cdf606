import type {SimulatorFaultKind} from '../../src/simulator/simulator-fault.ts';
import type {InfluxSeries} from '../../test/helpers/influxd-server.ts';
import type {SentTelegram} from './soak-meter.ts';
import {decodeSoakValue, peakTimeMs, type SoakRegister} from './soak-profiles.ts';

/** A soak meter as the check sees it: its id, its registers, and which one carries its own date. */
export interface CheckedMeter {
	readonly meter: string;
	readonly registers: readonly SoakRegister[];
	readonly datedRegister?: SoakRegister;
	/** Mode D: the collector listens for one push a cycle, so pushes it was not listening to are not owed. */
	readonly push: boolean;
}

/** A readout the collector logged as done (`<meter>: read N points`): logged after its points were in the spool. */
export interface LoggedRead {
	readonly meter: string;
	/** When its data block was complete in the collector (the log line's `readAt`). */
	readonly atMs: number;
}

export interface SoakCheckInput {
	readonly meters: readonly CheckedMeter[];
	readonly telegrams: readonly SentTelegram[];
	readonly reads: readonly LoggedRead[];
	/** When each kill -9 was sent, ms. */
	readonly kills: readonly number[];
	/** `SELECT "value" FROM <measurement> GROUP BY *`, epoch ms. */
	readonly series: readonly InfluxSeries[];
}

/** One telegram, all its transmissions together. */
export interface TelegramRecord {
	readonly meter: string;
	readonly telegram: number;
	readonly intact: boolean;
	/** The faults that spoilt it (echo and noise-prefix leave a telegram intact and are not named here). */
	readonly spoiltBy: readonly SimulatorFaultKind[];
	readonly startMs: number;
	readonly endMs: number;
}

export interface SoakCheck {
	readonly telegrams: readonly TelegramRecord[];
	readonly intact: number;
	/** Faulty telegrams by the fault that spoilt them. */
	readonly faultyByKind: ReadonlyMap<string, number>;
	/** Intact telegrams the collector logged as read: each must be in the database whole. */
	readonly owed: number;
	/** Owed telegrams found whole in the database. */
	readonly storedOwed: number;
	/** Owed telegrams with points missing: "meter #n: registers …". */
	readonly missing: readonly string[];
	/** Intact telegrams not logged as read while a kill -9 fell into their readout. */
	readonly inFlightAtKill: number;
	/** …of which the database has every point (the spool had them before the log line was written). */
	readonly inFlightStored: number;
	/** Push telegrams sent while the collector was not listening (not owed), and of those found anyway. */
	readonly notListened: number;
	readonly notListenedStored: number;
	/** Intact mode C telegrams neither read nor hit by a kill: the collector lost them on its own. */
	readonly unread: readonly string[];
	/** Telegrams stored in part only (a readout's points go to the spool in one append). */
	readonly partial: readonly string[];
	/** Points of a faulty telegram, of no soak telegram, at a time the value was not sent, in a wrong series, or twice. */
	readonly faultyValues: readonly string[];
	readonly unknownValues: readonly string[];
	readonly wrongTimes: readonly string[];
	readonly wrongSeries: readonly string[];
	readonly duplicates: readonly string[];
	/** Read log lines that match no intact telegram. */
	readonly unmatchedReads: readonly string[];
	readonly storedPoints: number;
}

/**
 * A point's time (the readout's, cut to the whole second as the point mapper stamps it) lies between
 * its telegram's first byte, cut to the second, and its last byte plus this much, ms.
 */
const READ_SLACK_MS = 3000;
/** A kill this close before a telegram's first byte or after its last may have cut its readout, ms. */
const KILL_WINDOW_MS = 3000;

/** Checks what the database holds against what the meters sent (see SoakCheck). */
export function checkSoak(input: SoakCheckInput): SoakCheck {
	const records = telegramRecords(input.telegrams);
	const byKey = new Map(records.map((record) => [key(record.meter, record.telegram), record]));
	const meters = new Map(input.meters.map((meter) => [meter.meter, meter]));

	// Which telegram each logged read was: the intact one of that meter that began last before the
	// collector had the block. Not by its end: the simulator notes that after its own drain(), which on
	// a loaded host may come after the collector (on a pty, bytes pass at once) already has the block.
	const owed = new Set<string>();
	const unmatchedReads: string[] = [];
	for (const read of input.reads) {
		let best: TelegramRecord | undefined;
		for (const record of records) {
			if (record.meter !== read.meter || !record.intact) continue;
			if (record.startMs > read.atMs || read.atMs - record.endMs > READ_SLACK_MS) continue;
			if (best === undefined || record.startMs > best.startMs) best = record;
		}
		if (best === undefined) unmatchedReads.push(`${read.meter} at ${new Date(read.atMs).toISOString()}`);
		else owed.add(key(best.meter, best.telegram));
	}

	// What the database holds, point by point.
	const stored = new Map<string, Map<number, number[]>>();
	const faultyValues: string[] = [];
	const unknownValues: string[] = [];
	const wrongTimes: string[] = [];
	const wrongSeries: string[] = [];
	const duplicates: string[] = [];
	let storedPoints = 0;
	for (const series of input.series) {
		const meterId = series.tags?.['meter'] ?? '';
		const obis = series.tags?.['obis'] ?? '';
		const meter = meters.get(meterId);
		const timeColumn = series.columns.indexOf('time');
		const valueColumn = series.columns.indexOf('value');
		for (const row of series.values) {
			storedPoints++;
			const value = Number(row[valueColumn]);
			const time = Number(row[timeColumn]);
			const where = `${meterId} ${obis} ${value} at ${new Date(time).toISOString()}`;
			const decoded = decodeSoakValue(value);
			const register = [
				...(meter?.registers ?? []),
				...(meter?.datedRegister ? [meter.datedRegister] : []),
			].find((entry) => entry.register === decoded?.register);
			if (meter === undefined || decoded === undefined || register === undefined) {
				unknownValues.push(where);
				continue;
			}
			if (register.obis !== obis) wrongSeries.push(`${where}: register ${register.obis}`);
			const record = byKey.get(key(meterId, decoded.telegram));
			if (record === undefined) {
				unknownValues.push(`${where}: telegram #${decoded.telegram} was never sent`);
				continue;
			}
			if (!record.intact) {
				faultyValues.push(`${where}: telegram #${decoded.telegram} (${record.spoiltBy.join(', ')})`);
				continue;
			}
			const dated = meter.datedRegister?.register === register.register;
			const timeOk = dated
				? time === peakTimeMs(decoded.telegram)
				: time >= Math.floor(record.startMs / 1000) * 1000 && time <= record.endMs + READ_SLACK_MS;
			if (!timeOk) {
				wrongTimes.push(
					`${where}: telegram #${decoded.telegram} went out ${new Date(record.startMs).toISOString()}–${new Date(record.endMs).toISOString()}`,
				);
			}
			const registers = stored.get(key(meterId, decoded.telegram)) ?? new Map<number, number[]>();
			stored.set(key(meterId, decoded.telegram), registers);
			const times = registers.get(register.register) ?? [];
			times.push(time);
			registers.set(register.register, times);
			if (times.length > 1)
				duplicates.push(`${where}: also at ${new Date(times[0] as number).toISOString()}`);
		}
	}

	// Every intact telegram: owed (read), in flight at a kill, not listened to (push), or lost.
	const missing: string[] = [];
	const unread: string[] = [];
	const partial: string[] = [];
	let storedOwed = 0;
	let inFlightAtKill = 0;
	let inFlightStored = 0;
	let notListened = 0;
	let notListenedStored = 0;
	for (const record of records) {
		if (!record.intact) continue;
		const meter = meters.get(record.meter);
		if (meter === undefined) continue;
		const all = [...meter.registers, ...(meter.datedRegister ? [meter.datedRegister] : [])];
		const registers = stored.get(key(record.meter, record.telegram));
		const absent = all.filter((entry) => !registers?.has(entry.register));
		const whole = absent.length === 0;
		const name = `${record.meter} #${record.telegram} (${new Date(record.endMs).toISOString()})`;
		if (!whole && absent.length < all.length)
			partial.push(`${name}: ${absent.map((entry) => entry.obis).join(', ')}`);
		if (owed.has(key(record.meter, record.telegram))) {
			if (whole) storedOwed++;
			else missing.push(`${name}: ${absent.map((entry) => entry.obis).join(', ')} missing`);
			continue;
		}
		const killed = input.kills.some(
			(atMs) => atMs >= record.startMs - KILL_WINDOW_MS && atMs <= record.endMs + KILL_WINDOW_MS,
		);
		if (killed) {
			inFlightAtKill++;
			if (whole) inFlightStored++;
		} else if (meter.push) {
			notListened++;
			if (whole) notListenedStored++;
		} else {
			unread.push(`${name}${whole ? ' (stored though not logged as read)' : ''}`);
		}
	}

	const faultyByKind = new Map<string, number>();
	for (const record of records) {
		if (record.intact) continue;
		const kind = record.spoiltBy[0] ?? 'interrupted';
		faultyByKind.set(kind, (faultyByKind.get(kind) ?? 0) + 1);
	}
	return {
		telegrams: records,
		intact: records.filter((record) => record.intact).length,
		faultyByKind,
		owed: owed.size,
		storedOwed,
		missing,
		inFlightAtKill,
		inFlightStored,
		notListened,
		notListenedStored,
		unread,
		partial,
		faultyValues,
		unknownValues,
		wrongTimes,
		wrongSeries,
		duplicates,
		unmatchedReads,
		storedPoints,
	};
}

/** Faults that leave the telegram itself as the profile made it. */
const HARMLESS: ReadonlySet<SimulatorFaultKind> = new Set(['echo', 'noise-prefix']);

/**
 * Transmissions grouped by telegram: intact if one went out intact (a NAK's repetition of an intact
 * message is intact too); its time span covers all of them.
 */
export function telegramRecords(telegrams: readonly SentTelegram[]): TelegramRecord[] {
	const records = new Map<string, TelegramRecord>();
	for (const sent of telegrams) {
		const id = key(sent.meter, sent.telegram);
		const previous = records.get(id);
		const spoiltBy = sent.faults.filter((fault) => !HARMLESS.has(fault));
		records.set(id, {
			meter: sent.meter,
			telegram: sent.telegram,
			intact: (previous?.intact ?? false) || sent.intact,
			spoiltBy: previous?.spoiltBy.length ? previous.spoiltBy : spoiltBy,
			startMs: Math.min(previous?.startMs ?? sent.startMs, sent.startMs),
			endMs: Math.max(previous?.endMs ?? sent.endMs, sent.endMs),
		});
	}
	return [...records.values()].sort((a, b) => a.startMs - b.startMs);
}

function key(meter: string, telegram: number): string {
	return `${meter}#${telegram}`;
}
