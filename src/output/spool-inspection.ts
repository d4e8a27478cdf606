import {createReadStream} from 'node:fs';
import {readdir, readFile, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {readSpoolLock, type SpoolLockOwner} from './spool-lock.ts';
import {
	DEAD_LETTER_FILE,
	type DroppedRecord,
	parseDroppedRecord,
	parseStateRecord,
	SPOOL_DATA_FILE,
	SPOOL_DROPPED_FILE,
	SPOOL_STATE_FILE,
} from './spool-state-record.ts';

/** Lines the server refused for one reason (the `# <time> <reason>` header of dead-letter.lp). */
export interface DeadLetterReason {
	readonly reason: string;
	readonly lines: number;
	/** ISO times of the first and the last refusal for this reason. */
	readonly first: string;
	readonly last: string;
}

/** What a spool directory holds, read without the lock and without changing anything. */
export interface SpoolStatus {
	readonly directory: string;
	/** False when the directory does not exist (nothing was ever spooled there). */
	readonly exists: boolean;
	/** Points appended and not yet acknowledged by the server. */
	readonly unsentPoints: number;
	readonly unsentBytes: number;
	/** Earliest and latest point time among the unsent points (line protocol times, seconds); absent when none. */
	readonly oldestPointTime?: Date;
	readonly newestPointTime?: Date;
	/** Lines set aside as bad data, grouped by the server's reason, in order of first appearance. */
	readonly deadLetters: {readonly lines: number; readonly reasons: readonly DeadLetterReason[]};
	/** The collector holding the directory, when one has its lock. */
	readonly owner?: SpoolLockOwner;
	/** Lines dropped unsent at the size bound (spool.max_size), when any ever were. */
	readonly dropped?: DroppedRecord;
}

/**
 * Reads a spool directory's status: unsent points (between the state record's sent offset and the end
 * of the data file, whole lines only), their time range, and the dead letters. Safe while a collector
 * writes: it only reads, streaming (memory stays flat for a spool of any size), and a line being
 * appended at that moment is either counted or not.
 */
export async function inspectSpool(directory: string): Promise<SpoolStatus> {
	const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') return undefined;
		throw error;
	});
	if (names === undefined) {
		return {directory, exists: false, unsentPoints: 0, unsentBytes: 0, deadLetters: {lines: 0, reasons: []}};
	}
	const generations = names
		.map((name) => SPOOL_DATA_FILE.exec(name)?.[1])
		.filter((generation) => generation !== undefined)
		.map(Number)
		.sort((a, b) => a - b);
	const stateText = await readFile(join(directory, SPOOL_STATE_FILE), 'latin1').catch(() => undefined);
	const record = stateText === undefined ? undefined : parseStateRecord(stateText);
	// As the spool's own recovery decides: the recorded generation, else the oldest file from its start.
	const generation = record?.generation ?? generations[0];
	const unsent =
		generation === undefined
			? {points: 0, bytes: 0}
			: await scanUnsent(join(directory, `spool-${generation}.lp`), record?.offset ?? 0);
	const owner = await readSpoolLock(directory);
	const dropped = await readFile(join(directory, SPOOL_DROPPED_FILE), 'utf8').then(
		parseDroppedRecord,
		() => undefined,
	);
	return {
		directory,
		exists: true,
		unsentPoints: unsent.points,
		unsentBytes: unsent.bytes,
		...(unsent.oldest === undefined ? {} : {oldestPointTime: new Date(unsent.oldest * 1000)}),
		...(unsent.newest === undefined ? {} : {newestPointTime: new Date(unsent.newest * 1000)}),
		deadLetters: await readDeadLetters(join(directory, DEAD_LETTER_FILE)),
		...(owner === undefined ? {} : {owner}),
		...(dropped === undefined ? {} : {dropped}),
	};
}

async function scanUnsent(
	path: string,
	offset: number,
): Promise<{points: number; bytes: number; oldest?: number; newest?: number}> {
	const size = await stat(path).then(
		(info) => info.size,
		() => 0,
	);
	if (offset >= size) return {points: 0, bytes: 0};
	let points = 0;
	let bytes = 0;
	let oldest: number | undefined;
	let newest: number | undefined;
	let carry = '';
	for await (const chunk of createReadStream(path, {start: offset, end: size - 1, encoding: 'utf8'})) {
		const text = carry + (chunk as string);
		let start = 0;
		let newline = text.indexOf('\n');
		while (newline >= 0) {
			const line = text.slice(start, newline);
			points++;
			bytes += Buffer.byteLength(line) + 1;
			// Every spooled line ends with its time in seconds (the writer's precision).
			const seconds = Number(line.slice(line.lastIndexOf(' ') + 1));
			if (Number.isFinite(seconds)) {
				if (oldest === undefined || seconds < oldest) oldest = seconds;
				if (newest === undefined || seconds > newest) newest = seconds;
			}
			start = newline + 1;
			newline = text.indexOf('\n', start);
		}
		// A torn last line (no newline yet) is not a point.
		carry = text.slice(start);
	}
	return {
		points,
		bytes,
		...(oldest === undefined ? {} : {oldest}),
		...(newest === undefined ? {} : {newest}),
	};
}

async function readDeadLetters(path: string): Promise<SpoolStatus['deadLetters']> {
	const reasons = new Map<string, {lines: number; first: string; last: string}>();
	let lines = 0;
	let current: {lines: number} | undefined;
	let carry = '';
	const handle = (line: string) => {
		if (line === '') return;
		const header = /^# (\S+) (.*)$/.exec(line);
		if (header) {
			const [, time = '', reason = ''] = header;
			const entry = reasons.get(reason) ?? {lines: 0, first: time, last: time};
			entry.last = time;
			reasons.set(reason, entry);
			current = entry;
			return;
		}
		lines++;
		if (current) current.lines++;
	};
	try {
		for await (const chunk of createReadStream(path, {encoding: 'utf8'})) {
			const parts = (carry + (chunk as string)).split('\n');
			carry = parts.pop() ?? '';
			for (const line of parts) handle(line);
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	handle(carry);
	return {lines, reasons: [...reasons].map(([reason, entry]) => ({reason, ...entry}))};
}
