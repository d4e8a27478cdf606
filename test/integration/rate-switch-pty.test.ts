import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {readMeter} from '../../src/readout/readout-session.ts';
import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import type {SimulatorProfile} from '../../src/simulator/simulator-profile.ts';
import {createSimulatorProfile} from '../../src/simulator/simulator-profiles.ts';
import {SerialLink} from '../../src/transport/serial-link.ts';
import {type LineSpeedWatch, watchLineSpeed} from '../helpers/line-speed-watch.ts';
import {hasSocat, openPtyPair, type PtyPair} from '../helpers/pty-pair.ts';

const ACK = 0x06;
/** ACK 0 5 0 CR LF at 300 Bd 7E1: 6 characters of 10 bits. */
const ACK_WIRE_MS = 200;
/** Least time between the ACK's last stop bit and the host's switch; the guard is 33 ms (10 ms for 20 ms meters). */
const MARGIN_MS = 5;

/**
 * The real serialport binding on a socat pty, the paced simulator on the other end, and the host's
 * line speed read from the pty's termios: when the host really switched, against when the ACK's last
 * bit left a 300 Bd line (its first byte's arrival + its wire time; a pty delivers at once).
 */
describe.skipIf(!hasSocat())('rate switch over a pty, timed by the line speed the host set', () => {
	let pty: PtyPair;
	let watch: LineSpeedWatch;
	let simulator: MeterSimulator | undefined;

	beforeEach(async () => {
		pty = await openPtyPair();
		watch = await watchLineSpeed(pty.hostPath);
	});
	afterEach(async () => {
		await simulator?.close();
		simulator = undefined;
		await watch.close();
		await pty.close();
	});

	/** Starts `profile` paced, hearing the host as its termios says; returns when the ACK reached the meter. */
	async function meter(profile: SimulatorProfile): Promise<{ackArrivedAt: () => number | undefined}> {
		const link = new SerialLink({path: pty.meterPath});
		simulator = new MeterSimulator(link, {profile, paced: true, hostLineRate: (atMs) => watch.rateAt(atMs)});
		await simulator.start();
		let ackArrivedAt: number | undefined;
		link.onData((chunk) => {
			if (ackArrivedAt === undefined && chunk[0] === ACK)
				ackArrivedAt = performance.timeOrigin + performance.now();
		});
		return {ackArrivedAt: () => ackArrivedAt};
	}

	async function switchMargin(profile: SimulatorProfile): Promise<number> {
		const {ackArrivedAt} = await meter(profile);
		const result = await readMeter(new SerialLink({path: pty.hostPath}));
		expect(result.mode).toBe('C');
		expect(result.baudRate).toBe(9600);
		expect(simulator?.hostErrors).toEqual([]);
		const ackAt = ackArrivedAt();
		if (ackAt === undefined) throw new Error('the ACK never reached the meter');
		const switched = watch.changes.find((change) => change.baudRate === 9600 && change.atMs > ackAt);
		if (switched === undefined) throw new Error('the host never switched to 9600 Bd after the ACK');
		return switched.atMs - (ackAt + ACK_WIRE_MS);
	}

	it('switches to 9600 Bd at least 5 ms after the ACK left a 300 Bd line (200 ms meter)', async () => {
		const margin = await switchMargin(createSimulatorProfile('zmd120'));
		expect(margin).toBeGreaterThanOrEqual(MARGIN_MS);
	});

	it('switches at least 5 ms after the ACK, and before the data, for a 20 ms meter', async () => {
		const profile = {...createSimulatorProfile('zmd120'), name: 'fast', identification: '/ISk5MT174-0001'};
		const margin = await switchMargin(profile);
		expect(margin).toBeGreaterThanOrEqual(MARGIN_MS);
	});
});
