import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {billingResetTimes} from '../../../src/readings/billing-reset-times.ts';
import type {SimulatorProfile} from '../../../src/simulator/simulator-profile.ts';
import {createZmd120Profile, ZMD120_IDENTIFICATION} from '../../../src/simulator/zmd120-profile.ts';

const SEED_FIXTURE = new URL('../../fixtures/telegrams/landisgyr-zmd120-c/input.bin', import.meta.url);
const AT = Date.parse('2026-07-15T10:30:00Z');

function decode(profile: SimulatorProfile, atMs: number) {
	const bytes = Buffer.concat([
		Buffer.from(`${profile.identification}\r\n`, 'latin1'),
		profile.dataMessage(atMs),
	]);
	const decoding = decodeCapture(bytes);
	expect(decoding.errors).toEqual([]);
	const [telegram] = decoding.telegrams;
	if (telegram === undefined) throw new Error('no telegram');
	return telegram;
}

function value(profile: SimulatorProfile, atMs: number, address: string, index = 0): string | undefined {
	return decode(profile, atMs).dataSets.find((set) => set.address === address)?.values[index]?.text;
}

describe('zmd120 profile', () => {
	it('decodes to the same 38 codes as the smarthomeNG dlms plugin list, with the 1-1: channel', () => {
		const seed = decodeCapture(readFileSync(SEED_FIXTURE)).telegrams[0];
		const simulated = decode(createZmd120Profile(), AT);
		expect(simulated.dataSets.map((set) => set.address)).toEqual(seed?.dataSets.map((set) => set.address));
		expect(simulated.dataSets).toHaveLength(38);
		expect(simulated.identification).toMatchObject({
			manufacturer: 'LGZ',
			baudRate: 9600,
			mode: 'C',
			reactionTimeMs: 200,
		});
		expect(createZmd120Profile().identification).toBe(ZMD120_IDENTIFICATION);
	});

	it('prints values in the smarthomeNG dlms plugin formats', () => {
		const profile = createZmd120Profile();
		expect(value(profile, AT, '1-1:1.8.0')).toMatch(/^\d{8}$/);
		expect(value(profile, AT, '1-1:1.6.1')).toMatch(/^\d{2}\.\d{2}$/);
		expect(value(profile, AT, '1-1:1.6.1', 1)).toMatch(/^2607\d{6}$/);
		expect(value(profile, AT, '1-1:1.2.1')).toMatch(/^\d{4}\.\d{2}$/);
		expect(value(profile, AT, '1-1:0.1.2')).toBe('0000');
		expect(value(profile, AT, '1-1:0.1.3')).toBe('260701');
		expect(value(profile, AT, '1-1:F.F')).toBe('00000000');
	});

	it("gives the meter's local time in 0.9.1/0.9.2, in the configured zone", () => {
		expect(value(createZmd120Profile(), AT, '1-1:0.9.1')).toBe('123000');
		expect(value(createZmd120Profile(), AT, '1-1:0.9.2')).toBe('260715');
		expect(value(createZmd120Profile({timeZone: 'UTC'}), AT, '1-1:0.9.1')).toBe('103000');
	});

	it('renders the same telegram for the same instant and rising counters later', () => {
		const profile = createZmd120Profile();
		expect(profile.dataMessage(AT)).toEqual(createZmd120Profile().dataMessage(AT));
		const later = AT + 3 * 86_400_000;
		expect(Number(value(profile, later, '1-1:1.8.0'))).toBeGreaterThan(
			Number(value(profile, AT, '1-1:1.8.0')),
		);
		expect(Number(value(profile, later, '1-1:2.8.0'))).toBeGreaterThan(
			Number(value(profile, AT, '1-1:2.8.0')),
		);
	});

	it('installedAt: a meter installed earlier counts from then, with the model unchanged otherwise', () => {
		const early = createZmd120Profile({installedAt: new Date('2024-11-14T09:20:00Z')});
		const atBefore = Date.parse('2025-06-01T10:00:00Z');
		// Before the default installation (February 2026) the default meter shows only zeros.
		expect(value(createZmd120Profile(), atBefore, '1-1:1.8.0')).toBe('00000000');
		expect(Number(value(early, atBefore, '1-1:1.8.0'))).toBeGreaterThan(10_000);
		expect(value(early, atBefore, '1-1:0.1.0')).toBe('07');
		expect(value(early, AT, '1-1:1.8.1')).not.toBe(value(createZmd120Profile(), AT, '1-1:1.8.1'));
	});

	it('verbose: 15 periods of *NN history counting down from the billing counter, zeros before installation', () => {
		const profile = createZmd120Profile({verbose: true});
		const telegram = decode(profile, AT);
		const counter = value(profile, AT, '1-1:0.1.0');
		expect(counter).toBe('05');
		const peaks = telegram.dataSets.filter((set) => set.key.startsWith('1.6.2*'));
		expect(peaks.map((set) => set.key)).toEqual(
			['05', '04', '03', '02', '01', '00', '99', '98', '97', '96', '95', '94', '93', '92', '91'].map(
				(nn) => `1.6.2*${nn}`,
			),
		);
		expect(peaks[0]?.values.map((part) => part.text)).toEqual([
			expect.stringMatching(/^\d\d\.\d\d$/),
			expect.stringMatching(/^2606\d{6}$/),
		]);
		expect(peaks[14]?.values.map((part) => part.text)).toEqual(['00.00', '0000000000']);
		expect(telegram.dataSets.find((set) => set.key === '1.8.1*01')?.values[0]?.text).toMatch(/^\d{8}$/);
		expect(telegram.dataSets.find((set) => set.key === '0.1.2*05')?.values[0]?.text).toBe('2607010000');
	});

	it('verbose: the month reset moves the current 1.8.1 into the new *NN entry', () => {
		const profile = createZmd120Profile({verbose: true});
		const before = Date.parse('2026-07-31T21:59:00Z');
		const after = Date.parse('2026-07-31T22:01:00Z');
		expect(value(profile, after, '1-1:0.1.0')).toBe('06');
		expect(value(profile, after, '1-1:1.8.1*06')).toBe(value(profile, before, '1-1:1.8.1'));
		expect(value(profile, after, '1-1:1.6.1*06')).toBe(value(profile, before, '1-1:1.6.1'));
		expect(value(profile, after, '1-1:0.1.2*06')).toBe('2608010000');
		expect(value(profile, after, '1-1:1.6.1')).toBe('00.00');
	});

	it('verbose: the readings layer places each period at its reset time', () => {
		const telegram = decode(createZmd120Profile({verbose: true}), AT);
		const resets = billingResetTimes(telegram.dataSets);
		expect(resets.get('*05')).toMatchObject({year: 2026, month: 7, day: 1, hour: 0});
		expect(resets.get('*01')).toMatchObject({year: 2026, month: 3, day: 1});
	});
});
