import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	type BackfillItem,
	captureItems,
	classifySource,
	type SourceReadOptions,
	STREAM_FROM_BYTES,
	sourceItems,
} from '../../../src/backfill/backfill-sources.ts';
import {streamCapture} from '../../../src/backfill/capture-stream.ts';
import {crc16} from '../../../src/iec62056/crc16.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';

const fixtures = new URL('../../fixtures/telegrams/', import.meta.url).pathname;
const options: SourceReadOptions = {ignoreBlockCheck: () => false, captureTimeZone: 'Europe/Berlin'};
const profile = createZmd120Profile({timeZone: 'Europe/Berlin'});
const zmdAt = (atMs: number) =>
	Buffer.concat([Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(atMs)]);

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-capture-stream-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
	const all: T[] = [];
	for await (const item of items) all.push(item);
	return all;
}

const summary = (item: BackfillItem) =>
	item.kind === 'readout'
		? `${item.readAt.toISOString()} ${item.telegrams.flatMap((telegram) => telegram.dataSets.map((set) => `${set.address}=${set.values.map((value) => value.text).join('|')}`)).join(' ')}`
		: `${item.kind} ${item.reason}`;

describe('streamCapture', () => {
	it('gives the telegrams of a long IEC log, with a bad block among them, as a whole-file decode does', async () => {
		const start = Date.UTC(2026, 2, 1);
		const parts: Buffer[] = [];
		for (let index = 0; parts.reduce((sum, part) => sum + part.length, 0) <= STREAM_FROM_BYTES; index++) {
			const telegram = zmdAt(start + index * 60_000);
			if (index === 7) telegram[telegram.length - 1] = (telegram[telegram.length - 1] ?? 0) ^ 0x01;
			parts.push(telegram);
		}
		const file = join(directory, 'long.bin');
		const bytes = Buffer.concat(parts);
		await writeFile(file, bytes);
		let read = 0;
		const streamed = await collect(
			sourceItems(await classifySource(file), {...options, onBytes: (bytes) => (read = bytes)}),
		);
		const whole = [...captureItems(bytes, 'long.bin', new Date(0), options)];
		expect(streamed.length).toBe(parts.length);
		expect(streamed.filter((item) => item.kind === 'refused').map(summary)).toEqual(['refused bad-bcc']);
		// The whole-file decode lists refusals first; the stream gives them in place.
		expect(streamed.map(summary).sort()).toEqual(whole.map(summary).sort());
		expect(read).toBe(bytes.length);
	});

	it('reads a long DSMR log telegram by telegram, each at its clock', async () => {
		const kaifa = (await readFile(join(fixtures, 'dsmr-kaifa-p1/input.bin'), 'latin1')).replace(
			/!\w{4}\r\n$/,
			'',
		);
		const telegrams: string[] = [];
		for (let minute = 0; telegrams.join('').length <= STREAM_FROM_BYTES; minute++) {
			const clock = `1611${String(13 + Math.floor(minute / 1440)).padStart(2, '0')}${String(Math.floor((minute % 1440) / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}00W`;
			const body = kaifa.replace('0-0:1.0.0(161113205757W)', `0-0:1.0.0(${clock})`);
			telegrams.push(
				`${body}!${crc16(Buffer.from(`${body}!`, 'latin1'))
					.toString(16)
					.toUpperCase()
					.padStart(4, '0')}\r\n`,
			);
		}
		const file = join(directory, 'p1.log');
		await writeFile(file, telegrams.join(''), 'latin1');
		const entries = await collect(streamCapture(file, {ignoreBlockCheck: false, chunkBytes: 1000}));
		expect(entries.every((entry) => entry.kind === 'telegram')).toBe(true);
		expect(entries).toHaveLength(telegrams.length);
		const items = await collect(sourceItems(await classifySource(file), options));
		const times = items.map((item) => (item.kind === 'readout' ? item.readAt.getTime() : Number.NaN));
		expect((times[1] ?? 0) - (times[0] ?? 0)).toBe(60_000);
		expect(new Set(times).size).toBe(telegrams.length);
	});
});
