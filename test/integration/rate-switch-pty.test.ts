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
 * bit left a 300 Bd line (its start + its wire time; a pty delivers at once). The ACK started by the
 * time the host's write() resolved, and by the time the meter's end saw its first byte, whichever is
 * first: the meter's end alone sees it late when this process is busy (a loaded machine), which
 * would shrink the margin measured without moving the switch.
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

	/** When the host's ACK went out: by its write() (see above), and as the meter's end saw it. */
	interface AckTimes {
		handedOverAt?: number;
		arrivedAt?: number;
	}

	/**
	 * Starts `profile` paced, hearing the host as its termios says. The meter times what it hears from
	 * when it sees it; the host's rate is looked up that much earlier, by how late the meter's end saw
	 * the ACK: the line time of what the host sent, not this process's lateness. What the meter sends is
	 * judged earlier by as much, which never lets a late switch pass.
	 */
	async function meter(profile: SimulatorProfile, ack: AckTimes): Promise<void> {
		const link = new SerialLink({path: pty.meterPath});
		const seenLateMs = () =>
			ack.arrivedAt === undefined || ack.handedOverAt === undefined
				? 0
				: Math.max(0, ack.arrivedAt - ack.handedOverAt);
		simulator = new MeterSimulator(link, {
			profile,
			paced: true,
			hostLineRate: (atMs) => watch.rateAt(atMs - seenLateMs()),
		});
		await simulator.start();
		link.onData((chunk) => {
			if (ack.arrivedAt === undefined && chunk[0] === ACK)
				ack.arrivedAt = performance.timeOrigin + performance.now();
		});
	}

	async function switchMargin(profile: SimulatorProfile): Promise<number> {
		const ack: AckTimes = {};
		await meter(profile, ack);
		const host = new SerialLink({path: pty.hostPath});
		const write = host.write.bind(host);
		host.write = async (bytes) => {
			await write(bytes);
			if (ack.handedOverAt === undefined && bytes[0] === ACK)
				ack.handedOverAt = performance.timeOrigin + performance.now();
		};
		const result = await readMeter(host);
		expect(result.mode).toBe('C');
		expect(result.baudRate).toBe(9600);
		expect(result.check.ok).toBe(true);
		// No character of the ACK cut by the switch: the meter would hear it garbled.
		expect(simulator?.hostErrors).toEqual([]);
		if (ack.arrivedAt === undefined || ack.handedOverAt === undefined)
			throw new Error('the ACK never reached the meter');
		const ackAt = Math.min(ack.arrivedAt, ack.handedOverAt);
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
