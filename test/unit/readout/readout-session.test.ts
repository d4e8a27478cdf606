import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {PlanLearner} from '../../../src/readout/plan-learner.ts';
import {ReadoutError} from '../../../src/readout/readout-errors.ts';
import type {ReadoutOptions} from '../../../src/readout/readout-options.ts';
import {type ReadoutResult, readMeter} from '../../../src/readout/readout-session.ts';
import {MeterSimulator} from '../../../src/simulator/meter-simulator.ts';
import {createPushProfile} from '../../../src/simulator/push-profile.ts';
import type {SimulatorFault} from '../../../src/simulator/simulator-fault.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import {createMemoryLinkPair, type MemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';
import {settleWithFakeTimers, startSimulatedLine} from '../../helpers/fake-timer-meter.ts';
import {damagingStx, type StxDamage} from '../../helpers/stx-damaging-link.ts';

let pair: MemoryLinkPair;
let simulator: MeterSimulator | undefined;

beforeEach(() => {
	vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
});
afterEach(async () => {
	await simulator?.close();
	simulator = undefined;
	vi.useRealTimers();
});

async function startMeter(profile: string, faults: SimulatorFault[] = [], latencyMs = 0) {
	({pair, simulator} = await startSimulatedLine(createSimulatorProfile(profile), {faults}, {latencyMs}));
	return simulator;
}

/** Runs a readout to its end under fake timers; returns the result or the error. */
async function read(options: ReadoutOptions = {}): Promise<ReadoutResult | ReadoutError> {
	return (await settleWithFakeTimers(readMeter(pair.host, options))) as ReadoutResult | ReadoutError;
}

function expectResult(outcome: ReadoutResult | ReadoutError): ReadoutResult {
	if (outcome instanceof Error) throw outcome;
	return outcome;
}

describe('readMeter, mode C', () => {
	it('reads the smarthomeNG dlms plugin example ZMD120: sign-on at 300, ACK at 300 before the switch, data at 9600 with a good BCC', async () => {
		await startMeter('zmd120');
		const result = expectResult(await read());
		expect(result.mode).toBe('C');
		expect(result.baudRate).toBe(9600);
		expect(result.identification?.manufacturer).toBe('LGZ');
		expect(result.check).toMatchObject({algorithm: 'bcc', ok: true});
		expect(result.parsed.dataSets.map((set) => set.key)).toContain('1.8.1');
		const hostEvents = pair.events.filter((event) => event.side === 'host');
		const ackSent = hostEvents.find((event) => event.kind === 'sent' && event.bytes[0] === 0x06);
		const switched = hostEvents.find((event) => event.kind === 'baud' && event.baudRate === 9600);
		expect(ackSent).toBeDefined();
		expect(switched).toBeDefined();
		expect(ackSent?.timeMs).toBeLessThanOrEqual(switched?.timeMs ?? 0);
		expect(simulator?.hostErrors).toEqual([]);
	});

	it('asks for a lower rate under a baud cap', async () => {
		await startMeter('zmd120');
		const result = expectResult(await read({baudMax: 4800}));
		expect(result.baudRate).toBe(4800);
		expect(
			pair.events.some(
				(event) =>
					event.side === 'host' && event.kind === 'write' && event.bytes.toString('latin1') === '\x06040\r\n',
			),
		).toBe(true);
	});

	it('reports the time of each phase', async () => {
		await startMeter('zmd120');
		const result = expectResult(await read());
		expect(result.timings.identificationMs).toBeGreaterThanOrEqual(200);
		expect(result.timings.dataMs).toBeGreaterThan(0);
		expect(result.timings.totalMs).toBeGreaterThanOrEqual(
			result.timings.signOnMs +
				result.timings.identificationMs +
				result.timings.switchMs +
				result.timings.dataMs,
		);
	});
});

describe('readMeter, faults', () => {
	it('says no answer when the meter stays silent', async () => {
		await startMeter('zmd120', [{kind: 'silence'}]);
		const error = await read();
		expect(error).toBeInstanceOf(ReadoutError);
		expect((error as ReadoutError).failure).toBe('no-answer');
		expect((error as ReadoutError).message).toContain('is the head on the optical port');
	});

	it('sends a NAK for a wrong BCC so the meter repeats the block, and reads again next time', async () => {
		await startMeter('zmd120', [{kind: 'bad-bcc', times: 1}]);
		const first = await read();
		expect((first as ReadoutError).failure).toBe('block-check');
		const naks = pair.events.filter(
			(event) => event.side === 'host' && event.kind === 'write' && event.bytes[0] === 0x15,
		);
		expect(naks).toHaveLength(1);
		// The next cycle, once the meter is back at 300 Bd and idle.
		await vi.advanceTimersByTimeAsync(3000);
		const second = expectResult(await read());
		expect(second.check.ok).toBe(true);
	});

	it('fails with a block-check error, not a rate mismatch, when the meter does not repeat the block after the NAK', async () => {
		({pair, simulator} = await startSimulatedLine(
			createSimulatorProfile('zmd120'),
			{faults: [{kind: 'bad-bcc'}], repeatWindowMs: 1},
			{latencyMs: 0},
		));
		const error = await read();
		expect((error as ReadoutError).failure).toBe('block-check');
		expect((error as ReadoutError).message).toMatch(/BCC mismatch: .* \(no repetition after the NAK\)$/);
	});

	it('fails with a block-check error when the repetition is wrong too', async () => {
		await startMeter('zmd120', [{kind: 'bad-bcc'}]);
		const error = await read();
		expect((error as ReadoutError).failure).toBe('block-check');
		expect((error as ReadoutError).message).toMatch(
			/BCC mismatch: computed 0x[0-9A-F]{2}, received 0x[0-9A-F]{2} \(also after 1 NAK\)/,
		);
	});

	it('takes no unchecked data when noise changed the STX of the data message', async () => {
		// Without its STX the block reads like a push telegram, which has no check: mode C waits for a block.
		const profile = createSimulatorProfile('zmd120');
		const withoutStx = {
			...profile,
			dataMessage: (atMs: number) => Buffer.concat([Buffer.from('z'), profile.dataMessage(atMs).subarray(1)]),
		};
		({pair, simulator} = await startSimulatedLine(withoutStx, {faults: []}, {latencyMs: 0}));
		const outcome = await read();
		expect(outcome).toBeInstanceOf(ReadoutError);
		// Readable data at the agreed rate: the block is incomplete, the rate was right.
		expect((outcome as ReadoutError).failure).toBe('truncated');
	});

	it('never parses a block cut off mid-way', async () => {
		await startMeter('zmd120', [{kind: 'truncate'}]);
		const error = await read();
		expect((error as ReadoutError).failure).toBe('truncated');
	});

	it('skips noise before the identification and the echo of its own request', async () => {
		await startMeter('zmd120', [{kind: 'noise-prefix'}, {kind: 'echo'}]);
		const result = expectResult(await read());
		expect(result.check.ok).toBe(true);
	});

	it('keeps waiting while a slow meter keeps sending', async () => {
		await startMeter('zmd120', [{kind: 'slow-bytes', delayMs: 200}]);
		const result = expectResult(await read({interCharacterTimeoutMs: 1000}));
		expect(result.check.ok).toBe(true);
		expect(result.timings.dataMs).toBeGreaterThan(60_000);
	});

	it('falls back to 300 Bd for a meter that answers at once at the sign-on rate, and says what worked', async () => {
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'initial-rate'}]);
		const result = expectResult(await read());
		expect(result.fellBack).toBe(true);
		expect(result.plan).toEqual({mode: 'A', baudRate: 300});
		expect(result.check.ok).toBe(true);
	});

	it('uses the remembered plan straight away on the next readout', async () => {
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'initial-rate'}]);
		const result = expectResult(await read({remembered: {mode: 'A', baudRate: 300}}));
		expect(result.fellBack).toBe(false);
		expect(result.check.ok).toBe(true);
	});

	it('falls back to the announced rate for a meter that refuses a lower one', async () => {
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'announced-rate'}]);
		const result = expectResult(await read({baudMax: 4800}));
		expect(result.fellBack).toBe(true);
		expect(result.plan).toEqual({mode: 'C', baudRate: 9600});
	});

	it('reads a one-off wrong-rate data message again within the readout at 300 Bd, saying what failed', async () => {
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'other-rate', times: 1}]);
		const result = expectResult(await read());
		expect(result.fellBack).toBe(true);
		expect(result.plan).toEqual({mode: 'C', baudRate: 300});
		expect(result.fallback).toMatchObject({failed: {mode: 'C', baudRate: 9600}});
		expect(result.fallback?.reason).toMatch(/after the rate switch/);
		expect(result.check.ok).toBe(true);
	});

	it('fails with rate-mismatch when the data never comes at the agreed rate and fallback is off', async () => {
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'other-rate'}]);
		const error = await read({fallback: false});
		expect(error).toBeInstanceOf(ReadoutError);
		expect((error as ReadoutError).failure).toBe('rate-mismatch');
		expect((error as ReadoutError).phase).toBe('data');
	});

	it('fails with rate-mismatch, naming every plan tried, when no plan works', async () => {
		// Garbage at 9600 Bd, a cut-off block at 300 Bd, and nothing without an ACK.
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'other-rate'}, {kind: 'truncate'}]);
		const error = await read();
		expect((error as ReadoutError).failure).toBe('rate-mismatch');
		expect((error as ReadoutError).message).toMatch(
			/mode C at 9600 Bd: .*; mode C at 300 Bd: .*truncated.*; mode A at 300 Bd: .*no plan worked/,
		);
	});

	it('reports the link going away mid-telegram', async () => {
		await startMeter('zmd120', [{kind: 'hang-up'}]);
		const error = await read();
		expect((error as ReadoutError).failure).toBe('link');
		// `<port>: <phase>: <what>`, the port named once.
		const place = pair.host.place;
		expect((error as ReadoutError).message).toMatch(
			new RegExp(
				`^${place.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: data: the link went away: reader unplugged or bridge hung up`,
			),
		);
		expect((error as ReadoutError).message.split(place)).toHaveLength(2);
	});

	it('stops when aborted', async () => {
		await startMeter('zmd120', [{kind: 'silence'}]);
		const controller = new AbortController();
		setTimeout(() => controller.abort(new Error('shutdown')), 500);
		const error = await read({signal: controller.signal});
		expect((error as ReadoutError).failure).toBe('aborted');
		expect(pair.host.isOpen).toBe(false);
	});
});

describe('readMeter, a data message whose STX the line lost or damaged', () => {
	/** The ZMD120 behind a line that damages the STX of its first data messages; the meter itself sends them whole. */
	async function startDamagedLine(damage: StxDamage, faults: SimulatorFault[] = [], repeatWindowMs?: number) {
		pair = createMemoryLinkPair({paced: true});
		const meterEnd = damagingStx(pair.meter, damage);
		simulator = new MeterSimulator(meterEnd, {
			profile: createSimulatorProfile('zmd120'),
			faults,
			hangUp: () => pair.hangUp('meter'),
			...(repeatWindowMs === undefined ? {} : {repeatWindowMs}),
		});
		await simulator.start();
		return meterEnd;
	}

	const hostWrites = (first: number) =>
		pair.events.filter(
			(event) => event.side === 'host' && event.kind === 'write' && event.bytes[0] === first,
		);

	it('NAKs a data message whose STX became 0x82 and reads its repetition at the agreed rate', async () => {
		const line = await startDamagedLine({becomes: 0x82});
		const result = expectResult(await read());
		expect(line.damaged).toBe(1);
		expect(hostWrites(0x15)).toHaveLength(1);
		expect(result.plan).toEqual({mode: 'C', baudRate: 9600});
		expect(result.fellBack).toBe(false);
		expect(result.check.ok).toBe(true);
	});

	it('fails as truncated, naming the rate, when the repetition lost its STX too, and signs on only once', async () => {
		await startDamagedLine({becomes: 'lost', times: 2});
		const error = await read();
		expect(error).toBeInstanceOf(ReadoutError);
		expect((error as ReadoutError).failure).toBe('truncated');
		expect((error as ReadoutError).message).toBe(
			'memory:host: data: data message without STX at 9600 Bd: the start byte was lost or damaged (also after 1 NAK)',
		);
		// No fallback to another plan within the readout: one request, no switch back to 300 Bd for data.
		expect(hostWrites(0x2f)).toHaveLength(1);
	});

	it('fails as truncated, not as a rate mismatch, when the meter does not repeat the message after the NAK', async () => {
		// The meter is back at 300 Bd and idle before the NAK comes: it ignores it.
		await startDamagedLine({becomes: 'lost'}, [], 1);
		const error = await read();
		expect((error as ReadoutError).failure).toBe('truncated');
		expect((error as ReadoutError).message).toMatch(
			/data: data message without STX at 9600 Bd: the start byte was lost or damaged \(no repetition after the NAK\)$/,
		);
		expect(hostWrites(0x2f)).toHaveLength(1);
	});

	it('fails as truncated when the message without STX was cut off as well', async () => {
		await startDamagedLine({becomes: 'lost'}, [{kind: 'truncate'}]);
		const error = await read();
		expect((error as ReadoutError).failure).toBe('truncated');
		expect((error as ReadoutError).message).toMatch(
			/data: data message without STX at 9600 Bd, cut off after \d+ bytes: the start byte was lost or damaged$/,
		);
	});

	it('changes no plan, however often it happens (no NAK allowed)', async () => {
		const plans = new PlanLearner({learnAfter: 2});
		await startDamagedLine({becomes: 0x82, times: 4});
		for (let readout = 0; readout < 4; readout++) {
			const error = await read({remembered: plans.next(), nakRetries: 0});
			expect((error as ReadoutError).failure).toBe('truncated');
			expect(plans.recordFailure(undefined, error as ReadoutError)).toBeUndefined();
			await vi.advanceTimersByTimeAsync(3000);
		}
		expect(plans.failuresInRow).toBe(0);
		expect(plans.next()).toBeUndefined();
		expect(hostWrites(0x2f)).toHaveLength(4);
		// The meter was read at the rate it announced each time, never at a lower one.
		expect(expectResult(await read()).plan).toEqual({mode: 'C', baudRate: 9600});
	});

	it('still calls junk at another rate a rate mismatch', async () => {
		await startMeter('zmd120', [{kind: 'wrong-rate', answer: 'other-rate'}]);
		const error = await read({fallback: false});
		expect((error as ReadoutError).failure).toBe('rate-mismatch');
		expect((error as ReadoutError).message).toMatch(/after the rate switch/);
		expect(hostWrites(0x15)).toHaveLength(0);
	});
});

describe('readMeter, other modes', () => {
	it('reads a mode A meter at 300 Bd without an ACK', async () => {
		await startMeter('slow-300');
		const result = expectResult(await read());
		expect(result.mode).toBe('A');
		expect(result.baudRate).toBe(300);
		expect(
			pair.events.some((event) => event.side === 'host' && event.kind === 'write' && event.bytes[0] === 0x06),
		).toBe(false);
	});

	it('listens to a mode D push meter without a request', async () => {
		await startMeter('push');
		const result = expectResult(await read({mode: 'D'}));
		expect(result.mode).toBe('D');
		expect(result.check.algorithm).toBe('none');
		expect(result.identification?.manufacturer).toBe('ESY');
		expect(pair.events.some((event) => event.side === 'host' && event.kind === 'write')).toBe(false);
	});
});

describe('readMeter, a push meter read without mode D', () => {
	it.each([0, 100, 700])(
		'says it looks like a push meter, joined %i ms into a push, within seconds',
		async (lateMs) => {
			({pair, simulator} = await startSimulatedLine(createPushProfile({pushIntervalMs: 1000}), {}));
			await settleWithFakeTimers(new Promise((resolve) => setTimeout(resolve, lateMs)));
			const startedAt = Date.now();
			const error = await read();
			expect(error).toBeInstanceOf(ReadoutError);
			expect((error as ReadoutError).pushMeter).toBe(true);
			expect((error as Error).message).toMatch(
				/^memory:host: identification: no identification after the sign-on: \d+ bytes received but no message, more than any answer to the sign-on; the meter sends without answering the sign-on: this looks like a push meter \(mode D\); set mode: D$/,
			);
			// Never the fallback's wait for a quiet line, which a meter pushing every second never gives.
			expect(Date.now() - startedAt).toBeLessThan(15_000);
		},
	);
});

describe('readMeter, mode D with a cut push telegram', () => {
	// A push meter sends on by itself: a telegram cut off on the line is skipped and the next one read,
	// whether the next one follows within the inter-character timeout (an eHZ every 1 s) or after it (2 s).
	it.each([1000, 2000])(
		'skips the cut telegram and reads the next whole one (a push every %i ms)',
		async (intervalMs) => {
			({pair, simulator} = await startSimulatedLine(createPushProfile({pushIntervalMs: intervalMs}), {
				faults: [{kind: 'truncate', times: 1}],
			}));
			const result = expectResult(await read({mode: 'D'}));
			expect(result.mode).toBe('D');
			expect(result.parsed.complete).toBe(true);
			const sent = simulator?.log.flatMap((entry) => (entry.kind === 'telegram' ? [entry] : [])) ?? [];
			expect(sent.map((entry) => entry.intact)).toEqual([false, true]);
			expect(sent[1]?.content.toString('latin1')).toContain(result.block.text);
		},
	);

	it('joined mid-way and the next push left out: waits for the one after, not failing on the pause', async () => {
		({pair, simulator} = await startSimulatedLine(createPushProfile({pushIntervalMs: 2000}), {
			faultsAt: (push) => (push === 2 ? [{kind: 'silence'}] : []),
		}));
		// The collector opens the port 100 ms into the first push (about 0.3 s at 9600 Bd).
		await vi.advanceTimersByTimeAsync(100);
		const result = expectResult(await read({mode: 'D'}));
		const sent = simulator?.log.flatMap((entry) => (entry.kind === 'telegram' ? [entry] : [])) ?? [];
		expect(sent).toHaveLength(2);
		expect(sent[1]?.content.toString('latin1')).toContain(result.block.text);
		expect(result.readAt.getTime()).toBeGreaterThanOrEqual(sent[1]?.startMs ?? Number.NaN);
	});

	it('still gives up after the push timeout on a line that only ever sends parts', async () => {
		({pair, simulator} = await startSimulatedLine(createPushProfile({pushIntervalMs: 2000}), {
			faults: [{kind: 'truncate'}],
		}));
		const started = Date.now();
		const outcome = await read({mode: 'D', pushTimeoutMs: 5000});
		expect(outcome).toBeInstanceOf(ReadoutError);
		expect((outcome as ReadoutError).failure).toBe('truncated');
		expect(Date.now() - started).toBeLessThan(5000 + 2000);
	});

	it('reports the cut telegram when no whole one follows before the deadline', async () => {
		({pair, simulator} = await startSimulatedLine(createPushProfile({pushIntervalMs: 1000}), {
			faults: [{kind: 'truncate'}],
		}));
		const outcome = await read({mode: 'D', pushTimeoutMs: 3000, totalTimeoutMs: 1000});
		expect(outcome).toBeInstanceOf(ReadoutError);
		expect((outcome as ReadoutError).failure).toBe('truncated');
	});
});

describe('readMeter, sign-on messages', () => {
	it('sends the query character it is given (# for a Siemens 2WR5) and reads the answer', async () => {
		await startMeter('zmd120');
		const result = expectResult(await read({queryChar: '#'}));
		expect(result.check.ok).toBe(true);
		const request = pair.events.find((event) => event.side === 'host' && event.kind === 'write');
		expect(request?.kind === 'write' && request.bytes.toString('latin1')).toBe('/#!\r\n');
	});

	it('refuses a query character the request cannot carry', async () => {
		pair = createMemoryLinkPair();
		await expect(readMeter(pair.host, {queryChar: '!'})).rejects.toThrow(TypeError);
	});
});

describe('readMeter, a line that answers with a stray byte', () => {
	it('counts it as one byte, not "1 bytes"', async () => {
		pair = createMemoryLinkPair();
		await pair.meter.open({baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1});
		// A noisy head: one byte for each sign-on, never an identification.
		pair.meter.onData(() => void pair.meter.write(Uint8Array.of(0x7f)));
		const error = await read({fallback: false});
		expect(error).toBeInstanceOf(ReadoutError);
		expect((error as Error).message).toMatch(
			/: no identification after the sign-on: 1 byte received but no message;/,
		);
	});
});

describe('readMeter options', () => {
	it('refuses a non-positive timeout, naming it', async () => {
		pair = createMemoryLinkPair();
		await expect(readMeter(pair.host, {dataTimeoutMs: 0})).rejects.toThrow(/dataTimeoutMs/);
	});
});
