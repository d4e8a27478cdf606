import {readFileSync} from 'node:fs';
import {type DecodedTelegram, decodeCapture} from '../../src/iec62056/capture-decoder.ts';
import type {Reading} from '../../src/readings/reading.ts';

/** The first telegram of the golden fixture `test/fixtures/telegrams/<name>/input.bin`, decoded with its check. */
export function fixtureTelegram(name: string): DecodedTelegram {
	const bytes = readFileSync(new URL(`../fixtures/telegrams/${name}/input.bin`, import.meta.url));
	const [telegram] = decodeCapture(bytes).telegrams;
	if (telegram === undefined) throw new Error(`fixture ${name} holds no telegram`);
	return telegram;
}

/** That telegram as a reading taken at `readAt`, as the mapper receives it. */
export function fixtureReading(name: string, readAt: Date): Reading {
	const telegram = fixtureTelegram(name);
	return {
		readAt,
		dataSets: telegram.dataSets,
		...(telegram.identification === undefined ? {} : {identification: telegram.identification}),
	};
}
