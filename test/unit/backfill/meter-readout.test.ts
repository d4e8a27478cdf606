import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {readMeterOnce} from '../../../src/backfill/meter-readout.ts';
import type {MeterConfig} from '../../../src/config/config-schema.ts';
import {ReadoutError} from '../../../src/readout/readout-errors.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';
import {settleWithFakeTimers, startSimulatedLine} from '../../helpers/fake-timer-meter.ts';

beforeEach(() => {
	vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
});
afterEach(() => {
	vi.useRealTimers();
});

const meter = (signOn: string[]): MeterConfig =>
	({
		id: 'house',
		port: 'simulator:zmd120',
		mode: 'auto',
		sign_on: signOn,
		ignore_bcc: false,
		wake_up: false,
	}) as MeterConfig;

describe('readMeterOnce', () => {
	it("reads every sign-on of the list and gives one readout stamped with the last one's time", async () => {
		const {simulator, pair} = await startSimulatedLine(
			createZmd120Profile({timeZone: 'Europe/Berlin'}),
			{},
			{},
		);
		const item = await settleWithFakeTimers(readMeterOnce({meter: meter(['?', '?']), link: pair.host}));
		await simulator.close();
		if (item instanceof Error) throw item;
		expect(item.kind).toBe('readout');
		if (item.kind !== 'readout') return;
		expect(item.meterId).toBe('house');
		expect(item.place).toBe('meter house (simulator:zmd120)');
		expect(item.telegrams).toHaveLength(2);
		expect(item.telegrams[1]?.identification?.ident).toMatch(/ZMD120/);
		expect(item.readAt.getTime()).toBeGreaterThan(new Date('2026-03-10T12:00:01.600Z').getTime());
		expect(item.telegrams[0]?.dataSets.some((set) => set.address === '1-1:1.8.1')).toBe(true);
	});

	it('fails with the readout error of a meter that does not answer', async () => {
		const {simulator, pair} = await startSimulatedLine(createZmd120Profile(), {faults: [{kind: 'silence'}]});
		const outcome = await settleWithFakeTimers(readMeterOnce({meter: meter(['?']), link: pair.host}));
		await simulator.close();
		expect(outcome).toBeInstanceOf(ReadoutError);
	});
});
