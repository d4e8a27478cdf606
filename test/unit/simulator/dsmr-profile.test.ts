import {describe, expect, it} from 'vitest';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {parseIdentification} from '../../../src/iec62056/identification.ts';
import {encodeTelegram} from '../../../src/iec62056/telegram-encoder.ts';
import {mapReading} from '../../../src/readings/point-mapper.ts';
import {
	createDsmrProfile,
	DSMR_IDENTIFICATION,
	DSMR_MODEL,
	dsmrLines,
	gasInHourM3,
	gasRegister,
} from '../../../src/simulator/dsmr-profile.ts';

const MODEL = {...DSMR_MODEL, timeZone: 'Europe/Amsterdam'};
const at = (iso: string) => Date.parse(iso);

function readingAt(atMs: number) {
	const bytes = encodeTelegram(
		{identification: parseIdentification(DSMR_IDENTIFICATION), lines: dsmrLines(MODEL, atMs)},
		{framing: 'dsmr'},
	);
	const {telegrams, errors} = decodeCapture(bytes);
	expect(errors).toEqual([]);
	const [telegram] = telegrams;
	if (telegram === undefined) throw new Error('no telegram');
	return {
		telegram,
		points: mapReading({readAt: new Date(atMs), dataSets: telegram.dataSets}, {timeZone: MODEL.timeZone})
			.points,
	};
}

describe('DSMR profile', () => {
	it('renders a telegram with a good CRC whose points carry power, tariffs and the hourly gas reading at its stamp', () => {
		const {telegram, points} = readingAt(at('2026-03-10T09:17:41Z'));
		expect(telegram.check).toMatchObject({algorithm: 'crc16', ok: true});
		const byCode = new Map(points.map((point) => [point.tags['obis'], point]));
		expect([...byCode.keys()]).toEqual(
			expect.arrayContaining(['1.8.1', '1.8.2', '2.8.1', '2.8.2', '1.7.0', '2.7.0', '24.2.1']),
		);
		const gas = byCode.get('24.2.1');
		expect(gas?.tags).toMatchObject({channel: '0-1', unit: 'm3'});
		// The gas meter's last full hour: 10:00 Amsterdam (CET) = 09:00 UTC.
		expect(gas?.time.toISOString()).toBe('2026-03-10T09:00:00.000Z');
		expect(gas?.fields).toEqual({
			value: expect.closeTo(gasRegister(MODEL, at('2026-03-10T09:17:41Z')).m3, 3),
		});
	});

	it('counts gas up hour by hour, more on a January day than on a July day', () => {
		let previous = 0;
		for (let hour = 0; hour < 72; hour++) {
			const {m3} = gasRegister(MODEL, at('2026-02-01T00:30:00Z') + hour * 3_600_000);
			expect(m3).toBeGreaterThanOrEqual(previous);
			previous = m3;
		}
		const day = (first: number) => {
			let sum = 0;
			for (let hour = first; hour < first + 24; hour++) sum += gasInHourM3(MODEL, hour);
			return sum;
		};
		const january = Math.floor(at('2027-01-15T00:00:00Z') / 3_600_000);
		const july = Math.floor(at('2026-07-15T00:00:00Z') / 3_600_000);
		expect(day(january)).toBeGreaterThan(3 * day(july));
		expect(day(july)).toBeGreaterThan(0.8);
	});

	it('is a push profile at 115200 Bd with the same values as the rendered telegram', () => {
		const profile = createDsmrProfile({timeZone: 'Europe/Amsterdam'});
		expect(profile.push?.baudRate).toBe(115_200);
		const text = profile.dataMessage(at('2026-03-10T09:17:41Z')).toString('latin1');
		expect(text).toContain('0-1:24.2.1(260310100000W)(');
		expect(text).toContain('0-0:1.0.0(260310101741W)');
	});
});
