import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {parseIdentification} from '../../../src/iec62056/identification.ts';
import {encodeOptionSelect} from '../../../src/iec62056/option-select.ts';
import {encodeRequest} from '../../../src/iec62056/request-message.ts';
import {encodeDataMessage} from '../../../src/iec62056/telegram-encoder.ts';
import {MeterSimulator} from '../../../src/simulator/meter-simulator.ts';
import type {MeterSimulatorOptions} from '../../../src/simulator/meter-simulator-options.ts';
import {createPushProfile} from '../../../src/simulator/push-profile.ts';
import type {SimulatorProfile} from '../../../src/simulator/simulator-profile.ts';
import {createSlow300Profile} from '../../../src/simulator/slow-300-profile.ts';
import {createZmd120Profile} from '../../../src/simulator/zmd120-profile.ts';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {LinkError} from '../../../src/transport/link-errors.ts';
import {createMemoryLinkPair, type MemoryLinkPairOptions} from '../../../src/transport/memory-link-pair.ts';
import {listenAsHost} from '../../helpers/meter-host.ts';

const START = new Date('2026-03-16T10:00:00Z');
const ACK_9600 = encodeOptionSelect({protocolControl: '0', baudChar: '5', modeControl: '0'});
const NAK = Buffer.of(0x15);

/** A tiny meter for the modes no built-in profile speaks (mode B, mode C at 2400). */
function testProfile(identification: string): SimulatorProfile {
	const id = parseIdentification(identification);
	return {
		name: 'test',
		description: 'test meter',
		identification,
		dataMessage: () =>
			encodeDataMessage({
				identification: id,
				lines: [[{address: '1.8.0', values: [{text: '00001234.5', unit: 'kWh'}]}]],
			}),
	};
}

async function setUp(
	options: Partial<MeterSimulatorOptions> = {},
	pairOptions: MemoryLinkPairOptions = {},
	hostBaudRate = 300,
) {
	const pair = createMemoryLinkPair(pairOptions);
	const simulator = new MeterSimulator(pair.meter, {profile: createZmd120Profile(), ...options});
	await simulator.start();
	await pair.host.open({...SIGN_ON_SETTINGS, baudRate: hostBaudRate});
	const host = listenAsHost(pair.host);
	return {pair, simulator, host};
}

/** Time of the meter's first write of `text` (its start on the line). */
function meterWriteTime(
	events: ReturnType<typeof createMemoryLinkPair>['events'],
	text: string,
): number | undefined {
	const event = events.find(
		(candidate) =>
			candidate.side === 'meter' &&
			candidate.kind === 'write' &&
			candidate.bytes.toString('latin1').includes(text),
	);
	return event?.timeMs;
}

beforeEach(() => {
	vi.useFakeTimers({now: START});
});

afterEach(() => {
	vi.useRealTimers();
});

describe('MeterSimulator, mode C', () => {
	it('answers the sign-on with its identification after 200 ms, then the data at 9600 after the ACK, with a good BCC', async () => {
		const {pair, simulator, host} = await setUp();
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(199);
		expect(meterWriteTime(pair.events, '/LGZ')).toBeUndefined();
		await vi.advanceTimersByTimeAsync(11);
		expect(meterWriteTime(pair.events, '/LGZ')).toBe(START.getTime() + 200);
		expect(host.ofKind('identification').map((frame) => frame.identification.manufacturer)).toEqual(['LGZ']);

		await pair.host.write(ACK_9600);
		await pair.host.drain();
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(250);

		const [block] = host.ofKind('data-block');
		expect(block?.check).toMatchObject({algorithm: 'bcc', ok: true});
		expect(block?.text).toContain('1-1:1.8.1(');
		expect(simulator.hostErrors).toEqual([]);
		const ackAt = START.getTime() + 210;
		expect(meterWriteTime(pair.events, '1-1:0.0.0')).toBe(ackAt + 200);
		expect(pair.events.find((event) => event.side === 'meter' && event.kind === 'baud')).toMatchObject({
			baudRate: 9600,
			timeMs: ackAt,
		});
	});

	it('returns to 300 Bd after the repeat window, ready for the next readout', async () => {
		const {pair, simulator, host} = await setUp();
		for (let round = 0; round < 2; round++) {
			await pair.host.setBaudRate(300);
			await pair.host.write(encodeRequest());
			await vi.advanceTimersByTimeAsync(210);
			await pair.host.write(ACK_9600);
			await pair.host.setBaudRate(9600);
			await vi.advanceTimersByTimeAsync(210);
			expect(simulator.baudRate).toBe(9600);
			await vi.advanceTimersByTimeAsync(1500);
			expect(simulator.baudRate).toBe(300);
		}
		expect(host.ofKind('data-block').filter((frame) => frame.check.ok)).toHaveLength(2);
		expect(simulator.hostErrors).toEqual([]);
	});

	it('switches to the rate the option select asks for (4800 of an announced 9600)', async () => {
		const {pair, host} = await setUp();
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(encodeOptionSelect({protocolControl: '0', baudChar: '4', modeControl: '0'}));
		await pair.host.setBaudRate(4800);
		await vi.advanceTimersByTimeAsync(210);
		expect(host.ofKind('data-block')[0]?.check.ok).toBe(true);
	});

	it('flags a host that switched to 9600 before sending its ACK: garbled bytes, no data, tt runs out', async () => {
		const {pair, simulator, host} = await setUp();
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.setBaudRate(9600);
		await pair.host.write(ACK_9600);
		await vi.advanceTimersByTimeAsync(2500);
		expect(simulator.hostErrors.map((entry) => entry.problem)).toEqual(['garbled', 'no-option-select']);
		expect(host.ofKind('data-block')).toEqual([]);
	});

	it('leaves a host that switches too late with garbage: the data went out at 9600', async () => {
		const {pair, simulator, host} = await setUp();
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(ACK_9600);
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.setBaudRate(9600);
		host.end();
		expect(host.ofKind('data-block')).toEqual([]);
		expect(host.bytes().some((byte) => byte > 0x7f)).toBe(true);
		expect(simulator.log.find((entry) => entry.kind === 'sent' && entry.message === 'data')).toMatchObject({
			baudRate: 9600,
		});
	});

	it('repeats the data message once on a NAK, not twice', async () => {
		const {pair, simulator, host} = await setUp();
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(ACK_9600);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(300);
		await pair.host.write(NAK);
		await vi.advanceTimersByTimeAsync(300);
		await pair.host.write(NAK);
		await vi.advanceTimersByTimeAsync(300);
		const blocks = host.ofKind('data-block');
		expect(blocks).toHaveLength(2);
		expect(blocks[1]?.bytes).toEqual(blocks[0]?.bytes);
		expect(simulator.log.filter((entry) => entry.kind === 'sent').map((entry) => entry.message)).toEqual([
			'identification',
			'data',
			'repeat',
		]);
	});

	it('gives up after tt without an option select, or sends at 300 Bd when configured so', async () => {
		const quiet = await setUp();
		await quiet.pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(2300);
		expect(quiet.host.ofKind('data-block')).toEqual([]);
		expect(quiet.simulator.hostErrors.map((entry) => entry.problem)).toEqual(['no-option-select']);

		const carryOn = await setUp({withoutOptionSelect: 'data-at-initial-rate', optionSelectTimeoutMs: 1600});
		await carryOn.pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(1900);
		expect(carryOn.host.ofKind('data-block')[0]?.check.ok).toBe(true);
	});

	it('offers programming with P0 (Y=1) and answers the next command with a break', async () => {
		const {pair, simulator, host} = await setUp();
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(encodeOptionSelect({protocolControl: '0', baudChar: '5', modeControl: '1'}));
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(210);
		expect(host.ofKind('command').map((frame) => [frame.command, frame.check.ok])).toEqual([['P0', true]]);
		await pair.host.write(Buffer.from('\x01P1\x02(00000000)\x03a', 'latin1'));
		await vi.advanceTimersByTimeAsync(210);
		expect(host.ofKind('command').map((frame) => frame.command)).toEqual(['P0', 'B0']);
		expect(simulator.baudRate).toBe(300);
	});

	it('answers a request without an address or with its own, and stays silent for another', async () => {
		const {pair, simulator, host} = await setUp({address: '12345678'});
		await pair.host.write(encodeRequest({address: '99999999'}));
		await vi.advanceTimersByTimeAsync(500);
		expect(host.ofKind('identification')).toEqual([]);
		expect(
			simulator.log.some(
				(entry) => entry.kind === 'ignored' && entry.reason.includes('"99999999", not ours'),
			),
		).toBe(true);
		await pair.host.write(encodeRequest({address: '12345678'}));
		await vi.advanceTimersByTimeAsync(210);
		expect(host.ofKind('identification')).toHaveLength(1);
	});

	it('answers a request without an address, as the standard has it', async () => {
		const {pair, host} = await setUp({address: '12345678'});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		expect(host.ofKind('identification')).toHaveLength(1);
	});

	it('answers only its own device address when set to insist on it', async () => {
		const {pair, simulator, host} = await setUp({address: '12345678', addressRequired: true});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(500);
		expect(host.ofKind('identification')).toEqual([]);
		expect(simulator.log.some((entry) => entry.kind === 'ignored' && entry.reason.includes('not ours'))).toBe(
			true,
		);
		await pair.host.write(encodeRequest({address: '12345678'}));
		await vi.advanceTimersByTimeAsync(210);
		expect(host.ofKind('identification')).toHaveLength(1);
	});

	it('records what the host sent and when', async () => {
		const {pair, simulator} = await setUp();
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(ACK_9600);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(210);
		const received = simulator.log.filter((entry) => entry.kind === 'received');
		expect(received.map((entry) => [entry.frame, entry.timeMs - START.getTime(), entry.baudRate])).toEqual([
			['request', 0, 300],
			['option-select', 210, 300],
		]);
	});
});

describe('MeterSimulator, reaction time', () => {
	it('answers a lower-case manufacturer (ISk) after 20 ms', async () => {
		const {pair, host} = await setUp({profile: createSlow300Profile()});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(19);
		expect(meterWriteTime(pair.events, '/ISk')).toBeUndefined();
		await vi.advanceTimersByTimeAsync(2);
		expect(meterWriteTime(pair.events, '/ISk')).toBe(START.getTime() + 20);
		expect(host.ofKind('identification')).toHaveLength(1);
	});

	it('takes reactionTimeMs from the options over the identification', async () => {
		const {pair} = await setUp({reactionTimeMs: 500});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(510);
		expect(meterWriteTime(pair.events, '/LGZ')).toBe(START.getTime() + 500);
	});
});

describe('MeterSimulator, mode A and B', () => {
	it('mode A: sends the identification and the data at 300 Bd without an ACK', async () => {
		const {pair, simulator, host} = await setUp({profile: createSlow300Profile()});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(50);
		expect(host.ofKind('identification')[0]?.identification.mode).toBe('A');
		const [block] = host.ofKind('data-block');
		expect(block?.check.ok).toBe(true);
		expect(pair.events.some((event) => event.side === 'meter' && event.kind === 'baud')).toBe(false);
		expect(simulator.mode).toBe('A');
	});

	it('mode A at 300 Bd on a paced line: a ~220-line telegram takes minutes and arrives whole', async () => {
		const {pair, host} = await setUp({profile: createSlow300Profile()}, {paced: true});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(60_000);
		expect(host.ofKind('data-block')).toEqual([]);
		await vi.advanceTimersByTimeAsync(240_000);
		const [block] = host.ofKind('data-block');
		expect(block?.check.ok).toBe(true);
		expect(block?.text.split('\r\n').length).toBeGreaterThan(200);
	});

	it('mode B: switches to the announced rate after the identification and sends 200 ms later', async () => {
		const {pair, simulator, host} = await setUp({profile: testProfile('/SIEC2WR5')});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		expect(host.ofKind('identification')[0]?.identification).toMatchObject({mode: 'B', baudRate: 2400});
		await pair.host.setBaudRate(2400);
		await vi.advanceTimersByTimeAsync(210);
		expect(host.ofKind('data-block')[0]?.check.ok).toBe(true);
		expect(simulator.log.filter((entry) => entry.kind === 'baud').map((entry) => entry.baudRate)).toEqual([
			2400,
		]);
	});
});

describe('MeterSimulator, mode D', () => {
	it('pushes a telegram at 9600 7E1 every interval without a request, no BCC', async () => {
		const pair = createMemoryLinkPair();
		const simulator = new MeterSimulator(pair.meter, {profile: createPushProfile({pushIntervalMs: 5000})});
		await pair.host.open({...SIGN_ON_SETTINGS, baudRate: 9600});
		const host = listenAsHost(pair.host);
		await simulator.start();
		await vi.advanceTimersByTimeAsync(1);
		expect(host.ofKind('data-block')).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(5000);
		const blocks = host.ofKind('data-block');
		expect(blocks).toHaveLength(2);
		expect(blocks.map((block) => [block.framing, block.check.algorithm])).toEqual([
			['push', 'none'],
			['push', 'none'],
		]);
		expect(blocks[0]?.identification?.ident).toBe('Q3DA1004 V3.04');
		expect(simulator.mode).toBe('D');
		await simulator.close();
	});

	it('does not answer a request', async () => {
		const pair = createMemoryLinkPair();
		const simulator = new MeterSimulator(pair.meter, {profile: createPushProfile({pushIntervalMs: 60_000})});
		await simulator.start();
		await pair.host.open({...SIGN_ON_SETTINGS, baudRate: 9600});
		await vi.advanceTimersByTimeAsync(1000);
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(1000);
		expect(
			simulator.log.some((entry) => entry.kind === 'ignored' && entry.reason.includes('push meter')),
		).toBe(true);
		expect(simulator.log.filter((entry) => entry.kind === 'sent' && entry.message === 'data')).toHaveLength(
			1,
		);
		await simulator.close();
	});
});

describe('MeterSimulator, faults', () => {
	async function readout(options: Partial<MeterSimulatorOptions>, ack = ACK_9600) {
		const setup = await setUp(options);
		await setup.pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await setup.pair.host.write(ack);
		await setup.pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(300);
		return setup;
	}

	it('bad-bcc: the block arrives whole with a wrong BCC', async () => {
		const {host} = await readout({faults: [{kind: 'bad-bcc'}]});
		const [block] = host.ofKind('data-block');
		const check = block?.check;
		if (check?.algorithm !== 'bcc') throw new Error('expected a BCC-checked block');
		expect(check.ok).toBe(false);
		expect(check.received).toBe(check.expected ^ 1);
	});

	it('bad-bcc with times: 1 spoils the first readout only', async () => {
		const {pair, host} = await readout({faults: [{kind: 'bad-bcc', bcc: 0x00, times: 1}]});
		await vi.advanceTimersByTimeAsync(1500);
		await pair.host.setBaudRate(300);
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(ACK_9600);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(300);
		expect(host.ofKind('data-block').map((block) => block.check.ok)).toEqual([false, true]);
	});

	it('noise-burst: letters inside the block that the BCC always sees, the text otherwise unchanged', async () => {
		for (const bytes of [1, 2, 8, 40]) {
			vi.useFakeTimers({now: START});
			const {host, simulator} = await readout({faults: [{kind: 'noise-burst', bytes}]});
			const [block] = host.ofKind('data-block');
			expect(block?.check.ok).toBe(false);
			const [telegram] = simulator.log.filter((entry) => entry.kind === 'telegram');
			if (telegram?.kind !== 'telegram') throw new Error('expected a telegram entry');
			expect(telegram.bytes.length - telegram.content.length).toBe(bytes);
			expect(telegram).toMatchObject({intact: false, faults: ['noise-burst']});
			await simulator.close();
		}
	});

	it('faultsAt: a schedule by readout number spoils exactly the readouts it names', async () => {
		const faultsAt = (readout: number) => (readout === 2 ? [{kind: 'bad-bcc' as const}] : []);
		const {pair, host, simulator} = await readout({faultsAt});
		for (let again = 0; again < 2; again++) {
			await vi.advanceTimersByTimeAsync(1500);
			await pair.host.setBaudRate(300);
			await pair.host.write(encodeRequest());
			await vi.advanceTimersByTimeAsync(210);
			await pair.host.write(ACK_9600);
			await pair.host.setBaudRate(9600);
			await vi.advanceTimersByTimeAsync(300);
		}
		expect(host.ofKind('data-block').map((block) => block.check.ok)).toEqual([true, false, true]);
		const telegrams = simulator.log.filter((entry) => entry.kind === 'telegram');
		expect(telegrams.map((entry) => entry.kind === 'telegram' && entry.intact)).toEqual([true, false, true]);
	});

	it('logs every data message as a telegram: intact, or which fault spoilt it; a NAK repeat too', async () => {
		const {pair, simulator} = await readout({faults: [{kind: 'bad-bcc'}, {kind: 'echo'}]});
		await pair.host.write(NAK);
		await vi.advanceTimersByTimeAsync(500);
		const telegrams = simulator.log.flatMap((entry) => (entry.kind === 'telegram' ? [entry] : []));
		expect(telegrams.map((entry) => [entry.message, entry.intact, [...entry.faults].sort()])).toEqual([
			['data', false, ['bad-bcc', 'echo']],
			['repeat', false, ['bad-bcc', 'echo']],
		]);
		expect(telegrams[0]?.content.equals(telegrams[1]?.content as Buffer)).toBe(true);
		expect(telegrams[0]?.baudRate).toBe(9600);
		expect(telegrams[0]?.timeMs).toBeGreaterThanOrEqual(telegrams[0]?.startMs ?? Number.NaN);
	});

	it('a telegram at a rate the host did not agree to is logged as not intact, though its bytes are', async () => {
		const {simulator} = await readout({faults: [{kind: 'wrong-rate', answer: 'other-rate'}]});
		await vi.advanceTimersByTimeAsync(500);
		const [telegram] = simulator.log.flatMap((entry) => (entry.kind === 'telegram' ? [entry] : []));
		expect(telegram?.bytes.equals(telegram.content)).toBe(true);
		expect(telegram).toMatchObject({intact: false, faults: ['wrong-rate'], baudRate: 4800});
	});

	it('truncate: the block stops after the given bytes and never ends', async () => {
		const {host} = await readout({faults: [{kind: 'truncate', afterBytes: 100}]});
		host.end();
		expect(host.ofKind('data-block')).toEqual([]);
		const [error] = host.ofKind('error');
		expect(error?.bytes.length).toBe(100);
	});

	it('silence: the request is logged but never answered', async () => {
		const {pair, simulator, host} = await setUp({faults: [{kind: 'silence'}]});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(5000);
		expect(host.bytes().length).toBe(0);
		expect(simulator.log.map((entry) => entry.kind)).toEqual(['received', 'fault']);
	});

	it('slow-bytes: characters leave with the given pause between them', async () => {
		const {pair, host} = await setUp({faults: [{kind: 'slow-bytes', delayMs: 100}]});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		const writes = () => pair.events.filter((event) => event.side === 'meter' && event.kind === 'write');
		expect(writes()).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(100 * 20);
		const times = writes().map((event) => event.timeMs - START.getTime());
		expect(times.slice(0, 3)).toEqual([200, 300, 400]);
		await vi.advanceTimersByTimeAsync(100);
		expect(host.ofKind('identification')).toHaveLength(1);
	});

	it('echo: the host reads its own request back before the identification', async () => {
		const {pair, host} = await setUp({faults: [{kind: 'echo'}]});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		expect(host.frames.map((frame) => frame.kind)).toEqual(['request', 'identification']);
		await pair.host.write(ACK_9600);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(210);
		expect(host.frames.map((frame) => frame.kind)).toContain('data-block');
	});

	it('wrong-rate initial-rate (Itron EM214): data at 300 Bd right after the identification', async () => {
		const {pair, simulator, host} = await setUp({faults: [{kind: 'wrong-rate', answer: 'initial-rate'}]});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(450);
		expect(host.ofKind('data-block')[0]?.check.ok).toBe(true);
		expect(simulator.log.some((entry) => entry.kind === 'baud')).toBe(false);
	});

	it('wrong-rate announced-rate (AUX SX330): asked for 4800, answers at 9600', async () => {
		const {pair, simulator, host} = await setUp({faults: [{kind: 'wrong-rate', answer: 'announced-rate'}]});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(encodeOptionSelect({protocolControl: '0', baudChar: '4', modeControl: '0'}));
		await pair.host.setBaudRate(4800);
		await vi.advanceTimersByTimeAsync(300);
		expect(host.ofKind('data-block')).toEqual([]);
		expect(simulator.log.filter((entry) => entry.kind === 'baud').map((entry) => entry.baudRate)).toEqual([
			9600,
		]);
	});

	it('noise-prefix: NUL and DEL bytes before the identification', async () => {
		const {pair, host} = await setUp({faults: [{kind: 'noise-prefix', bytes: 4}]});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		expect(host.bytes().subarray(0, 5)).toEqual(Buffer.from([0x00, 0x7f, 0x00, 0x7f, 0x2f]));
		expect(host.ofKind('identification')).toHaveLength(1);
	});

	it('hang-up: the line closes mid-telegram and the host is told', async () => {
		const pair = createMemoryLinkPair();
		const simulator = new MeterSimulator(pair.meter, {
			profile: createZmd120Profile(),
			faults: [{kind: 'hang-up', afterBytes: 50}],
			hangUp: () => pair.hangUp('meter'),
		});
		await simulator.start();
		await pair.host.open(SIGN_ON_SETTINGS);
		const host = listenAsHost(pair.host);
		const closed = vi.fn();
		pair.host.onClose(closed);
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(ACK_9600);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(300);
		expect(closed).toHaveBeenCalledTimes(1);
		await expect(simulator.stopped).resolves.toBe('hang-up');
		host.end();
		expect(host.ofKind('error')[0]?.bytes.length).toBe(50);
	});

	it('rejects an invalid fault with a TypeError naming it', () => {
		const pair = createMemoryLinkPair();
		expect(
			() =>
				new MeterSimulator(pair.meter, {
					profile: createZmd120Profile(),
					faults: [{kind: 'slow-bytes', delayMs: -1}],
				}),
		).toThrow(/slow-bytes\.delayMs/);
	});
});

describe('MeterSimulator, lifecycle', () => {
	it('close() stops every timer, mid-conversation', async () => {
		const {pair, simulator} = await setUp();
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(100);
		await simulator.close();
		await vi.advanceTimersByTimeAsync(0);
		expect(vi.getTimerCount()).toBe(0);
		await expect(simulator.stopped).resolves.toBe('closed');
		expect(pair.meter.isOpen).toBe(false);
	});

	it('an abort stops a push meter and its schedule', async () => {
		const pair = createMemoryLinkPair();
		const controller = new AbortController();
		const simulator = new MeterSimulator(pair.meter, {profile: createPushProfile()});
		await simulator.start(controller.signal);
		await vi.advanceTimersByTimeAsync(10);
		controller.abort();
		await expect(simulator.stopped).resolves.toBe('aborted');
		await vi.advanceTimersByTimeAsync(10);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('stops when the other side hangs up, or reopens when asked to', async () => {
		const once = await setUp();
		once.pair.hangUp('host');
		await expect(once.simulator.stopped).resolves.toBe('link-closed');

		const again = await setUp({reopen: true});
		again.pair.hangUp('host');
		await vi.advanceTimersByTimeAsync(0);
		expect(again.pair.meter.isOpen).toBe(true);
		await again.pair.host.open(SIGN_ON_SETTINGS);
		await again.pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		expect(
			again.simulator.log.some((entry) => entry.kind === 'sent' && entry.message === 'identification'),
		).toBe(true);
		await again.simulator.close();
	});

	it('with reopen, outlives a write cut off by the other side hanging up, and answers the next client', async () => {
		const {pair, simulator} = await setUp({reopen: true, profile: createPushProfile()});
		// The client hangs up while the meter writes: the write fails before the close event arrives.
		const write = pair.meter.write.bind(pair.meter);
		let cut = false;
		pair.meter.write = async (bytes) => {
			if (!cut) {
				cut = true;
				setTimeout(() => pair.hangUp('host'), 1);
				throw new LinkError(pair.meter.place, 'disconnected');
			}
			return write(bytes);
		};
		await vi.advanceTimersByTimeAsync(50);
		expect(cut).toBe(true);
		expect(simulator.log.filter((entry) => entry.kind === 'stopped')).toEqual([]);
		// The next client gets the next push.
		await pair.host.open({...SIGN_ON_SETTINGS, baudRate: 9600});
		const host = listenAsHost(pair.host);
		await vi.advanceTimersByTimeAsync(2500);
		expect(host.bytes().toString('latin1')).toContain('/ESY5Q3DA1004');
		await simulator.close();
	});

	it('without reopen, stops on a write the link refuses', async () => {
		const {pair, simulator} = await setUp({profile: createPushProfile()});
		pair.meter.write = async () => {
			throw new LinkError(pair.meter.place, 'disconnected');
		};
		await vi.advanceTimersByTimeAsync(50);
		await expect(simulator.stopped).resolves.toBe('link-error');
	});

	it('serves values of the instant the data is sent', async () => {
		const {pair, host} = await setUp({clock: () => Date.UTC(2026, 6, 1, 12)});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(210);
		await pair.host.write(ACK_9600);
		await pair.host.setBaudRate(9600);
		await vi.advanceTimersByTimeAsync(210);
		const decoded = decodeCapture(host.bytes());
		const date = decoded.telegrams[0]?.dataSets.find((set) => set.key === '0.9.2');
		expect(date?.values[0]?.text).toBe('260701');
	});
});

describe('MeterSimulator, paced (for ptys, which deliver at once)', () => {
	it('hears a request only once its five characters would have arrived at 300 Bd', async () => {
		const {pair} = await setUp({paced: true});
		await pair.host.write(encodeRequest());
		// 5 characters × 10 bits ÷ 300 Bd ≈ 167 ms on the wire, the 200 ms reaction time, then the
		// identification's first character leaves after its own 33 ms.
		await vi.advanceTimersByTimeAsync(390);
		expect(meterWriteTime(pair.events, '/')).toBeUndefined();
		await vi.advanceTimersByTimeAsync(20);
		const firstCharacterMs = (meterWriteTime(pair.events, '/') ?? 0) - START.getTime();
		expect(firstCharacterMs).toBeGreaterThanOrEqual(398);
		expect(firstCharacterMs).toBeLessThanOrEqual(401);
	});

	it('sends its identification one character per 33 ms at 300 Bd', async () => {
		const {pair} = await setUp({paced: true});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(2000);
		const writes = pair.events.filter((event) => event.side === 'meter' && event.kind === 'write');
		const identification = writes.filter((event) => event.timeMs < START.getTime() + 1200);
		// `/LGZ52ZMD120APt.G03` CR LF: 21 characters, each written when its last bit would leave.
		expect(identification).toHaveLength(21);
		const first = identification[0]?.timeMs ?? 0;
		const last = identification.at(-1)?.timeMs ?? 0;
		expect(last - first).toBeCloseTo((20 * 1000) / 30, 0);
	});

	it('with sendAtOnce, still hears the request after its line time but sends the identification in one write', async () => {
		const {pair} = await setUp({paced: true, sendAtOnce: true});
		await pair.host.write(encodeRequest());
		// 167 ms for the request's five characters to arrive, then the 200 ms reaction time.
		await vi.advanceTimersByTimeAsync(360);
		expect(meterWriteTime(pair.events, '/')).toBeUndefined();
		await vi.advanceTimersByTimeAsync(20);
		const writes = pair.events.flatMap((event) =>
			event.side === 'meter' && event.kind === 'write' ? [event] : [],
		);
		expect(writes.map((event) => event.bytes.toString('latin1'))).toEqual(['/LGZ52ZMD120APt.G03\r\n']);
		const writtenMs = (writes[0]?.timeMs ?? 0) - START.getTime();
		expect(writtenMs).toBeGreaterThanOrEqual(366);
		expect(writtenMs).toBeLessThanOrEqual(368);
	});

	it('with sendAtOnce, hears the ACK only once its six characters would have arrived, then sends the data in one write', async () => {
		const {pair} = await setUp({paced: true, sendAtOnce: true});
		await pair.host.write(encodeRequest());
		await vi.advanceTimersByTimeAsync(400);
		const ackAt = Date.now();
		await pair.host.write(ACK_9600);
		// 6 characters at 300 Bd = 200 ms on the wire, then the 200 ms reaction time at 9600 Bd.
		await vi.advanceTimersByTimeAsync(390);
		expect(meterWriteTime(pair.events, '\x02')).toBeUndefined();
		await vi.advanceTimersByTimeAsync(20);
		const data = pair.events.flatMap((event) =>
			event.side === 'meter' && event.kind === 'write' && event.timeMs > ackAt ? [event] : [],
		);
		expect(data).toHaveLength(1);
		expect(data[0]?.bytes[0]).toBe(0x02);
		expect(data[0]?.bytes.at(-2)).toBe(0x03);
		expect((data[0]?.timeMs ?? 0) - ackAt).toBeGreaterThanOrEqual(399);
		expect((data[0]?.timeMs ?? 0) - ackAt).toBeLessThanOrEqual(402);
	});
});
