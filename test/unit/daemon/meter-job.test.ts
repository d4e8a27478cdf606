import {afterEach, describe, expect, it, vi} from 'vitest';
import {parseConfig} from '../../../src/config/config-loader.ts';
import {MeterJob, type MeterJobEvent} from '../../../src/daemon/meter-job.ts';
import {PortLock} from '../../../src/daemon/port-lock.ts';
import {encodeTelegram} from '../../../src/iec62056/telegram-encoder.ts';
import type {PointSink} from '../../../src/output/point-sink.ts';
import type {Point} from '../../../src/readings/point.ts';
import {createCapturedTelegramProfile} from '../../../src/simulator/captured-telegram-profile.ts';
import {MeterSimulator} from '../../../src/simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import type {Link} from '../../../src/transport/link.ts';
import {LinkError} from '../../../src/transport/link-errors.ts';
import {createMemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';

class MemorySink implements PointSink {
	readonly points: Point[] = [];
	async write(points: readonly Point[]) {
		this.points.push(...points);
	}
	async flush() {
		return true;
	}
	async close() {}
}

async function meterConfig(extra = '') {
	const {config} = await parseConfig(
		`meters:\n  - id: m\n    port: /dev/ttyUSB0\n    every: 10s\n${extra}`,
		'c.yaml',
	);
	return config.meters[0] as NonNullable<(typeof config.meters)[number]>;
}

function makeJob(link: Link, meter: Awaited<ReturnType<typeof meterConfig>>, sink = new MemorySink()) {
	const events: MeterJobEvent[] = [];
	const job = new MeterJob({
		meter,
		timeZone: 'Europe/Berlin',
		measurement: 'meter',
		link,
		portLock: new PortLock(),
		sink,
		onEvent: (event) => events.push(event),
	});
	return {job, events, sink};
}

/** Runs `count` ticks one after the other under fake timers, each given `msEach` of simulated time. */
async function tickTimes(job: MeterJob, count: number, msEach: number): Promise<void> {
	for (let round = 0; round < count; round++) {
		const tick = job.tick();
		await vi.advanceTimersByTimeAsync(msEach);
		await tick;
	}
}

/** A port that is not there: every open fails as an unplugged reader does. */
const missingPort: Link = {
	place: '/dev/ttyUSB0',
	canSetBaudRate: true,
	isOpen: false,
	open: async () => {
		throw new LinkError('/dev/ttyUSB0', 'not-found');
	},
	write: async () => undefined,
	drain: async () => undefined,
	setBaudRate: async () => undefined,
	onData: () => () => undefined,
	onClose: () => () => undefined,
	close: async () => undefined,
};

afterEach(() => {
	vi.useRealTimers();
});

describe('MeterJob', () => {
	it('reads the meter, tags the points with the configured id and hands them to the sink', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {profile: createSimulatorProfile('zmd120')});
		await simulator.start();
		const {job, events, sink} = makeJob(pair.host, await meterConfig());
		const tick = job.tick();
		await vi.advanceTimersByTimeAsync(5000);
		await tick;
		expect(events.map((event) => event.kind)).toEqual(['read']);
		expect(sink.points.length).toBeGreaterThan(10);
		expect(new Set(sink.points.map((point) => point.tags['meter']))).toEqual(new Set(['m']));
		await simulator.close();
	});

	it('starts its schedule only after the delay it is given', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00.500Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {profile: createSimulatorProfile('zmd120')});
		await simulator.start();
		const {job, events} = makeJob(pair.host, await meterConfig());
		job.start(4000);
		// Without the delay the first tick would come at the next whole second, and be read by now.
		await vi.advanceTimersByTimeAsync(4000);
		expect(simulator.log.some((entry) => entry.kind === 'received')).toBe(false);
		await vi.advanceTimersByTimeAsync(6000);
		expect(events.map((event) => event.kind)).toEqual(['read']);
		await job.stop();
		await simulator.close();
	});

	it('says when its first readout is: the next cron time after the delay, or the next whole second', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:03:10Z')});
		const cron = makeJob(missingPort, {...(await meterConfig()), schedule: '*/15 * * * *'}).job;
		expect(cron.firstReadoutAt).toBeUndefined();
		cron.start(1000);
		expect(cron.firstReadoutAt?.toISOString()).toBe('2026-03-10T12:15:00.000Z');
		const every = makeJob(missingPort, await meterConfig()).job;
		every.start(2500);
		expect(every.firstReadoutAt?.toISOString()).toBe('2026-03-10T12:03:13.000Z');
		cron.pause();
		every.pause();
		await cron.stop();
		await every.stop();
	});

	it('never starts when paused during its delay', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const {job, events} = makeJob(missingPort, await meterConfig());
		job.start(3000);
		job.pause();
		await vi.advanceTimersByTimeAsync(30_000);
		expect(events).toEqual([]);
		expect(() => job.start(-1)).toThrow(/delayMs must be a number of ms >= 0/);
	});

	it('skips and counts a tick while the previous readout still runs', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {profile: createSimulatorProfile('zmd120')});
		await simulator.start();
		const {job, events} = makeJob(pair.host, await meterConfig());
		const first = job.tick();
		await job.tick();
		await job.tick();
		await vi.advanceTimersByTimeAsync(5000);
		await first;
		expect(events.map((event) => event.kind)).toEqual(['overlap', 'overlap', 'read']);
		expect(events[1]).toMatchObject({skippedTicks: 2});
		await simulator.close();
	});

	it('says which readout stop() abandoned, and stores none of it', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {profile: createSimulatorProfile('zmd120')});
		await simulator.start();
		const {job, events, sink} = makeJob(pair.host, await meterConfig());
		const tick = job.tick();
		await vi.advanceTimersByTimeAsync(300);
		await job.stop();
		await tick;
		expect(events).toEqual([{kind: 'abandoned', meter: 'm'}]);
		expect(sink.points).toEqual([]);
		await simulator.close();
	});

	it('waits longer and longer while the port is gone, reporting the repeat count', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const {job, events} = makeJob(missingPort, await meterConfig());
		await job.tick();
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({kind: 'failed', repeated: 1});
		await job.tick();
		expect(events).toHaveLength(1);
		vi.setSystemTime(Date.now() + 10_000);
		await job.tick();
		expect(events[1]).toMatchObject({kind: 'failed', repeated: 2});
		// The pause doubled: 10 s after the second failure is not enough.
		vi.setSystemTime(Date.now() + 10_000);
		await job.tick();
		expect(events).toHaveLength(2);
		vi.setSystemTime(Date.now() + 10_000);
		await job.tick();
		expect(events).toHaveLength(3);
	});

	it('says when the meter is read again after failures', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {
			profile: createSimulatorProfile('zmd120'),
			faults: [{kind: 'bad-bcc', times: 1}],
		});
		await simulator.start();
		const {job, events} = makeJob(pair.host, await meterConfig());
		let tick = job.tick();
		await vi.advanceTimersByTimeAsync(8000);
		await tick;
		tick = job.tick();
		await vi.advanceTimersByTimeAsync(8000);
		await tick;
		expect(events.map((event) => event.kind)).toEqual(['failed', 'recovered', 'read']);
		await simulator.close();
	});

	it('writes only the selected codes', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {profile: createSimulatorProfile('zmd120')});
		await simulator.start();
		const {job, sink} = makeJob(
			pair.host,
			await meterConfig('    select: [1.8.1, {code: 2.8.1, name: export}]\n'),
		);
		const tick = job.tick();
		await vi.advanceTimersByTimeAsync(5000);
		await tick;
		expect(sink.points.map((point) => [point.tags['obis'], point.tags['name']])).toEqual([
			['1.8.1', undefined],
			['2.8.1', 'export'],
		]);
		await simulator.close();
	});

	it('says once, after the first good readout, which selected codes the meter never sent', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {profile: createSimulatorProfile('zmd120')});
		await simulator.start();
		const {job, events} = makeJob(pair.host, await meterConfig('    select: [1.8.1, 9.9.9, 1.8.*, 7.7.7]\n'));
		await tickTimes(job, 2, 5000);
		expect(events.filter((event) => event.kind === 'read')).toHaveLength(2);
		expect(events.filter((event) => event.kind === 'unmatched-selection')).toEqual([
			{kind: 'unmatched-selection', meter: 'm', codes: ['9.9.9', '7.7.7']},
		]);
		await simulator.close();
	});

	it('says once, by name, which exactly selected billing history it cannot date', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const telegram = encodeTelegram({
			identification: {manufacturer: 'ISk', baudChar: '5', enhanced: [], ident: 'MT174'},
			lines: [
				[{address: '0.0.0', values: [{text: '12345678'}]}],
				[{address: '1-1:1.8.0', values: [{text: '00001000', unit: 'kWh'}]}],
				[{address: '1-1:3.8.2*08', values: [{text: '00000372'}]}],
			],
		});
		const simulator = new MeterSimulator(pair.meter, {profile: createCapturedTelegramProfile(telegram)});
		await simulator.start();
		const {job, events} = makeJob(pair.host, await meterConfig('    select: ["3.8.2*08", 1.8.*]\n'));
		await tickTimes(job, 2, 5000);
		expect(events.filter((event) => event.kind === 'read')).toHaveLength(2);
		expect(events.filter((event) => event.kind === 'undated-selected-history')).toEqual([
			{
				kind: 'undated-selected-history',
				meter: 'm',
				entries: [{code: '3.8.2*08', address: '1-1:3.8.2*08', period: '*08'}],
			},
		]);
		await simulator.close();
	});

	it('signs on once per configured message, a quiet gap apart, and writes the combined data once', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {profile: createSimulatorProfile('zmd120')});
		await simulator.start();
		const {job, events, sink} = makeJob(pair.host, await meterConfig('    sign_on: ["?", "#"]\n'));
		const tick = job.tick();
		await vi.advanceTimersByTimeAsync(15_000);
		await tick;
		const requests = pair.events.filter(
			(event) => event.side === 'host' && event.kind === 'write' && event.bytes[0] === 0x2f,
		);
		expect(requests.map((event) => (event.kind === 'write' ? event.bytes.toString('latin1') : ''))).toEqual([
			'/?!\r\n',
			'/#!\r\n',
		]);
		const [first, second] = requests;
		expect((second?.timeMs ?? 0) - (first?.timeMs ?? 0)).toBeGreaterThan(1600);
		expect(events.map((event) => event.kind)).toEqual(['read']);
		// The same registers came twice: each is written once.
		const keys = sink.points.map((point) => `${point.tags['obis']}@${point.time.getTime()}`);
		expect(new Set(keys).size).toBe(keys.length);
		await simulator.close();
	});

	it('falls back within a readout after a one-off wrong-rate data message, and reads at 9600 Bd again next time', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {
			profile: createSimulatorProfile('zmd120'),
			faults: [{kind: 'wrong-rate', answer: 'other-rate', times: 1}],
		});
		await simulator.start();
		const {job, events} = makeJob(pair.host, await meterConfig());
		// A fallback readout at 300 Bd takes about 40 s (the ZMD120's 888 bytes alone are 30 s at 300 Bd).
		await tickTimes(job, 2, 45_000);
		expect(events.map((event) => event.kind)).toEqual(['fell-back', 'read', 'read']);
		expect(events[0]).toMatchObject({
			failed: {mode: 'C', baudRate: 9600},
			plan: {mode: 'C', baudRate: 300},
			failuresInRow: 1,
			learnAfter: 3,
		});
		const rates = events.flatMap((event) => (event.kind === 'read' ? [event.result.baudRate] : []));
		expect(rates).toEqual([300, 9600]);
		await simulator.close();
	});

	it('keeps a lower plan only after three readouts in a row fell back, says so once, and uses it next', async () => {
		vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
		const pair = createMemoryLinkPair({paced: true});
		const simulator = new MeterSimulator(pair.meter, {
			profile: createSimulatorProfile('zmd120'),
			faults: [{kind: 'wrong-rate', answer: 'other-rate'}],
		});
		await simulator.start();
		const {job, events} = makeJob(pair.host, await meterConfig());
		await tickTimes(job, 4, 45_000);
		expect(events.map((event) => event.kind)).toEqual([
			'fell-back',
			'read',
			'fell-back',
			'read',
			'fell-back',
			'plan-changed',
			'read',
			'read',
		]);
		expect(events[5]).toMatchObject({change: {from: undefined, to: {mode: 'C', baudRate: 300}}});
		const acks = pair.events.filter(
			(event) => event.side === 'host' && event.kind === 'write' && event.bytes[0] === 0x06,
		);
		// Three readouts ask for 9600 Bd, then 300 Bd; the fourth asks for 300 Bd at once.
		expect(acks.map((event) => (event.kind === 'write' ? event.bytes.toString('latin1') : ''))).toEqual([
			'\x06050\r\n',
			'\x06000\r\n',
			'\x06050\r\n',
			'\x06000\r\n',
			'\x06050\r\n',
			'\x06000\r\n',
			'\x06000\r\n',
		]);
		await simulator.close();
	});

	it('derives its cycle from a cron expression', async () => {
		const {job} = makeJob(
			missingPort,
			await meterConfig().then(async () => {
				const {config} = await parseConfig(
					'meters:\n  - id: m\n    port: /dev/x\n    schedule: "*/15 * * * *"\n',
					'c.yaml',
				);
				return config.meters[0] as NonNullable<(typeof config.meters)[number]>;
			}),
		);
		expect(job.cycleMs).toBe(15 * 60_000);
	});
});
