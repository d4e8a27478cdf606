import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {DataSet} from '../../src/iec62056/data-set.ts';
import {readMeter} from '../../src/readout/readout-session.ts';
import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../../src/simulator/simulator-profiles.ts';
import {SerialLink} from '../../src/transport/serial-link.ts';
import {hasSocat, openPtyPair, type PtyPair} from '../helpers/pty-pair.ts';
import {
	readWithSmartmeterObis,
	type SmartmeterObisValue,
	smartmeterObisKey,
} from '../helpers/smartmeter-obis-reader.ts';

/** The instant both readouts see: the simulator's clock is pinned, so the registers are identical. */
const AT = Date.parse('2026-03-10T12:34:56Z');

/**
 * A third-party reader against the same simulated meter: smartmeter-obis 4.0.0 (its own serialport 12
 * and native binding) and our readMeter (serialport 13) each sign on to the simulator over a socat pty,
 * one after the other. Both must report the same OBIS values and units.
 */
describe.skipIf(!hasSocat())('smartmeter-obis cross-check over a socat pty pair', () => {
	let pty: PtyPair;
	let simulator: MeterSimulator;

	beforeEach(async () => {
		pty = await openPtyPair();
		simulator = new MeterSimulator(new SerialLink({path: pty.meterPath}), {
			profile: createSimulatorProfile('zmd120'),
			clock: () => AT,
			// Hearing the host at the line rate, sending at once: what is compared (values, units, a free
			// port afterwards) does not depend on how long the meter's messages take, and a readout takes
			// about 0.8 s instead of 2.4 s. Both readers still switch to 9600 Bd after the ACK.
			paced: true,
			sendAtOnce: true,
		});
		await simulator.start();
	});
	afterEach(async () => {
		await simulator.close();
		await pty.close();
	});

	/** Our data sets as smartmeter-obis would report them: its key, and the values of every bracket and `&` part. */
	function ourValues(dataSets: readonly DataSet[]): Map<string, SmartmeterObisValue[]> {
		const values = new Map<string, SmartmeterObisValue[]>();
		for (const set of dataSets) {
			const key = smartmeterObisKey(set.address);
			if (key === undefined) continue;
			const parts = set.values.flatMap((value) => value.parts ?? [value]);
			values.set(
				key,
				parts.map((part) => ({
					value: part.unit ? Number(part.text) : numberIfCanonical(part.text),
					unit: part.unit ?? '',
				})),
			);
		}
		return values;
	}

	it('reports the same OBIS values and units as readMeter for the ZMD120', async () => {
		const ours = await readMeter(new SerialLink({path: pty.hostPath}));
		expect(ours.check.ok).toBe(true);
		const theirs = await readWithSmartmeterObis(pty.hostPath);
		expect(theirs.errors).toEqual([]);
		const expected = ourValues(ours.parsed.dataSets);
		expect(expected.size).toBeGreaterThan(30);
		expect(new Map(theirs.values)).toEqual(expected);
		expect(simulator.hostErrors).toEqual([]);
	});

	it('leaves the port free: readMeter signs on again right after smartmeter-obis', async () => {
		await readWithSmartmeterObis(pty.hostPath);
		const again = await readMeter(new SerialLink({path: pty.hostPath}));
		expect(again.check.ok).toBe(true);
	});
});

/** smartmeter-obis turns a unit-less value into a number only when the number prints back the same. */
function numberIfCanonical(text: string): number | string {
	const number = Number.parseFloat(text);
	return number.toString() === text ? number : text;
}
