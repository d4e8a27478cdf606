import {DEL, NUL, STX} from '../iec62056/control-characters.ts';
import type {Frame} from '../iec62056/frame.ts';
import {FrameScanner} from '../iec62056/frame-scanner.ts';
import {type Identification, parseIdentification} from '../iec62056/identification.ts';
import type {OptionSelect} from '../iec62056/option-select.ts';
import {baudCharacter, INITIAL_BAUD_RATE} from '../iec62056/protocol-mode.ts';
import {plural} from '../observability/plural.ts';
import {bitsPerCharacter, type Link, SIGN_ON_SETTINGS} from '../transport/link.ts';
import {LinkError, type LinkFailure} from '../transport/link-errors.ts';
import {CancellableTimers} from './cancellable-timers.ts';
import {commandMessage} from './command-message.ts';
import {deterministicNoise} from './deterministic-noise.ts';
import {type MeterSimulatorOptions, resolveMeterSimulatorOptions} from './meter-simulator-options.ts';
import {
	DEFAULT_NOISE_BURST_BYTES,
	DEFAULT_NOISE_PREFIX_BYTES,
	type SimulatorFault,
	type SimulatorFaultKind,
} from './simulator-fault.ts';
import type {HostProblem, SentMessage, SimulatorLogEntry, SimulatorStopReason} from './simulator-log.ts';
import type {SimulatorProfile} from './simulator-profile.ts';

/** Pause between the last byte and a hang-up, ms: long enough for queued bytes to reach the other side. */
const HANG_UP_PAUSE_MS = 20;
/** With `paced`: a message goes out in slices of about this much line time, ms (as a UART's bytes trickle in). */
const PACING_SLICE_MS = 10;
/** Link failures that mean the other side went away (not that the meter's own port is broken). */
const HUNG_UP: ReadonlySet<LinkFailure> = new Set(['disconnected', 'not-open']);

/** A log entry before the engine stamps its time. */
type Unstamped<Entry> = Entry extends unknown ? Omit<Entry, 'timeMs'> : never;

type State = 'stopped' | 'idle' | 'answering' | 'await-option' | 'sending' | 'after-data' | 'programming';

/**
 * The meter side of IEC 62056-21 over any Link: waits for `/?[address]!` at 300 7E1, answers with its
 * identification after its reaction time, then per mode: A sends the data at 300 Bd; B switches to the
 * announced rate and sends; C waits for `ACK 0 Z Y`, switches to Z and sends (Y=0) or offers
 * programming with P0 and then only breaks (Y=1); D pushes on its own every interval. Everything the
 * host did is recorded in `log`, and a host at the wrong rate is flagged (`hostErrors`).
 * Only timers (setTimeout) drive it, so vitest fake timers do; close() or the abort signal stop them all.
 */
export class MeterSimulator {
	readonly link: Link;
	readonly profile: SimulatorProfile;
	/** Everything that happened, in order. */
	readonly log: SimulatorLogEntry[] = [];
	/** Resolves with the reason once the simulator has stopped (close, abort, hang-up, link gone). */
	readonly stopped: Promise<SimulatorStopReason>;
	readonly #identification: Identification;
	readonly #faults: readonly SimulatorFault[];
	readonly #faultsAt: ((readout: number) => readonly SimulatorFault[]) | undefined;
	readonly #clock: () => number;
	readonly #address: string;
	readonly #reactionTimeMs: number;
	readonly #optionSelectTimeoutMs: number;
	readonly #withoutOptionSelect: 'give-up' | 'data-at-initial-rate';
	readonly #repeatWindowMs: number;
	readonly #reopen: boolean;
	readonly #paced: boolean;
	readonly #sendAtOnce: boolean;
	readonly #hostLineRate: ((atMs: number) => number | undefined) | undefined;
	readonly #hangUp: () => void | Promise<void>;
	readonly #onLog: ((entry: SimulatorLogEntry) => void) | undefined;
	#resolveStopped: (reason: SimulatorStopReason) => void = () => undefined;
	#scanner = new FrameScanner();
	#state: State = 'stopped';
	#started = false;
	#stoppedReason: SimulatorStopReason | undefined;
	/** Set while the hang-up fault closes the line, so the link's own close report is not taken for the peer's. */
	#hangingUp = false;
	#baudRate: number = INITIAL_BAUD_RATE;
	/** Bumped whenever a conversation ends: steps of an older one see it and stop. */
	#session = 0;
	/** Readouts (accepted requests, or pushes) so far; faults with `times` count them. */
	#readouts = 0;
	#lastData: Buffer | undefined;
	/** The noise-burst in the last data message, bytes: line noise, so a repetition carries other noise. */
	#lastNoiseBytes = 0;
	/** The last data message as the profile made it, the faults of its readout and whether it went out intact. */
	#lastTelegram: {content: Buffer; faults: SimulatorFaultKind[]; intact: boolean} | undefined;
	/** Faults noted in the current readout (for the telegram log). */
	#readoutFaults = new Set<SimulatorFaultKind>();
	/** Whether the data of the current readout goes out at a rate the host cannot expect (a rate fault). */
	#offRate = false;
	#repeated = false;
	/** Timers of the current conversation; the push schedule has its own. */
	readonly #timers = new CancellableTimers();
	#pushTimer: ReturnType<typeof setTimeout> | undefined;
	#unsubscribe: (() => void)[] = [];
	/** With `paced`: chunks received but not yet off the (simulated) wire, and when each is complete. */
	#inbound: {readonly chunk: Buffer; readonly dueAt: number}[] = [];
	#inboundTimer: ReturnType<typeof setTimeout> | undefined;
	/** With `paced`: when the line towards the meter is free again, ms (Date.now() scale). */
	#inboundFreeAt = 0;
	#signal: AbortSignal | undefined;
	readonly #onAbort = () => void this.#stop('aborted');

	constructor(link: Link, options: MeterSimulatorOptions) {
		if (link === null || typeof link !== 'object' || typeof link.write !== 'function') {
			throw new TypeError(`link must be a Link, received ${String(link)}`);
		}
		const profile = options?.profile;
		if (profile === undefined || typeof profile.dataMessage !== 'function') {
			throw new TypeError(`profile must be a SimulatorProfile, received ${String(profile)}`);
		}
		const identification = parseIdentification(profile.identification);
		const resolved = resolveMeterSimulatorOptions(options, identification);
		this.link = link;
		this.profile = profile;
		this.#identification = identification;
		this.#faults = resolved.faults;
		this.#faultsAt = resolved.faultsAt;
		this.#clock = resolved.clock;
		this.#address = resolved.address;
		this.#reactionTimeMs = resolved.reactionTimeMs;
		this.#optionSelectTimeoutMs = resolved.optionSelectTimeoutMs;
		this.#withoutOptionSelect = resolved.withoutOptionSelect;
		this.#repeatWindowMs = resolved.repeatWindowMs;
		this.#reopen = resolved.reopen;
		this.#paced = resolved.paced;
		this.#sendAtOnce = resolved.sendAtOnce;
		this.#hostLineRate = resolved.hostLineRate;
		this.#hangUp = resolved.hangUp ?? (() => this.link.close());
		this.#onLog = resolved.onLog;
		this.stopped = new Promise((resolve) => {
			this.#resolveStopped = resolve;
		});
	}

	/** The mode the meter speaks: D for push profiles, else what its identification's baud character says. */
	get mode(): 'A' | 'B' | 'C' | 'D' {
		return this.profile.push ? 'D' : this.#identification.mode;
	}

	/** The meter's current rate, Bd. */
	get baudRate(): number {
		return this.#baudRate;
	}

	/** What the host did wrong (the log's `host-error` entries). */
	get hostErrors(): Extract<SimulatorLogEntry, {kind: 'host-error'}>[] {
		return this.log.filter((entry) => entry.kind === 'host-error');
	}

	/** Opens the link (unless open already) at 300 7E1, or at the push rate, and starts listening or pushing. */
	async start(signal?: AbortSignal): Promise<void> {
		if (this.#started) return;
		this.#started = true;
		this.#signal = signal;
		if (signal?.aborted) {
			await this.#stop('aborted');
			return;
		}
		signal?.addEventListener('abort', this.#onAbort, {once: true});
		this.#unsubscribe = [
			this.link.onData((chunk) => this.#onLinkData(chunk)),
			this.link.onClose((error) => this.#onLinkClosed(error)),
		];
		try {
			await this.#open();
		} catch (error) {
			await this.#stop(signal?.aborted ? 'aborted' : 'link-error', error);
			throw error;
		}
	}

	/** Stops every timer, stops listening and closes the link. Safe to call twice. */
	async close(): Promise<void> {
		await this.#stop('closed');
	}

	async #open(): Promise<void> {
		const rate = this.profile.push?.baudRate ?? INITIAL_BAUD_RATE;
		if (!this.link.isOpen) await this.link.open({...SIGN_ON_SETTINGS, baudRate: rate}, this.#signal);
		else if (this.link.canSetBaudRate) await this.link.setBaudRate(rate);
		if (this.#stoppedReason !== undefined) return;
		this.#baudRate = rate;
		this.#scanner = new FrameScanner();
		this.#state = 'idle';
		if (this.profile.push) this.#schedulePush(0);
	}

	async #stop(reason: SimulatorStopReason, error?: unknown): Promise<void> {
		if (this.#stoppedReason !== undefined) return;
		this.#stoppedReason = reason;
		this.#state = 'stopped';
		this.#session++;
		this.#cancelTimers();
		if (this.#pushTimer !== undefined) clearTimeout(this.#pushTimer);
		this.#pushTimer = undefined;
		if (this.#inboundTimer !== undefined) clearTimeout(this.#inboundTimer);
		this.#inboundTimer = undefined;
		this.#inbound = [];
		this.#signal?.removeEventListener('abort', this.#onAbort);
		for (const unsubscribe of this.#unsubscribe) unsubscribe();
		this.#unsubscribe = [];
		this.#record({
			kind: 'stopped',
			reason,
			...(error instanceof Error ? {error} : error === undefined ? {} : {error: new Error(String(error))}),
		});
		try {
			await this.link.close();
		} catch {
			// The link is going away anyway (a hung-up peer, an unplugged head): nothing left to close.
		}
		this.#resolveStopped(reason);
	}

	#onLinkClosed(error: Error | undefined): void {
		if (this.#stoppedReason !== undefined || this.#hangingUp) return;
		if (!this.#reopen) {
			void this.#stop('link-closed', error);
			return;
		}
		this.#record({
			kind: 'ignored',
			reason: `link closed by the other side${error ? ` (${error.message})` : ''}; reopening`,
		});
		this.#state = 'stopped';
		this.#toIdle();
		if (this.#pushTimer !== undefined) clearTimeout(this.#pushTimer);
		this.#pushTimer = undefined;
		this.#open().catch((reopenError: unknown) =>
			this.#stop(this.#signal?.aborted ? 'aborted' : 'link-error', reopenError),
		);
	}

	// ---- receiving ----

	#onLinkData(chunk: Buffer): void {
		if (this.#state === 'stopped') return;
		// The IR head's echo is optical: it comes back while the bytes are still being sent, so never paced.
		if (this.#fault('echo', this.#state === 'idle' ? this.#readouts + 1 : this.#readouts)) {
			this.#record({kind: 'sent', message: 'echo', bytes: Buffer.from(chunk), baudRate: this.#baudRate});
			this.link.write(chunk).catch((error: unknown) => this.#stop('link-error', error));
		}
		if (!this.#paced) {
			this.#onData(chunk);
			return;
		}
		// A pty delivers at once; a real line needs 10 bits a character: the meter hears the end of a message only then.
		const startAt = Math.max(Date.now(), this.#inboundFreeAt);
		this.#inboundFreeAt = startAt + chunk.length * this.#characterMs();
		this.#inbound.push({chunk, dueAt: this.#inboundFreeAt});
		this.#deliverInbound();
	}

	/** Hands paced chunks to #onData in order once their line time has passed; one timer at a time keeps the order. */
	#deliverInbound(): void {
		const head = this.#inbound[0];
		if (this.#inboundTimer !== undefined || head === undefined) return;
		this.#inboundTimer = setTimeout(
			() => {
				this.#inboundTimer = undefined;
				const now = Date.now();
				while (this.#inbound[0] !== undefined && this.#inbound[0].dueAt <= now + 1) {
					const {chunk, dueAt} = this.#inbound.shift() as {chunk: Buffer; dueAt: number};
					this.#onData(this.#asHeard(chunk, dueAt));
				}
				this.#deliverInbound();
			},
			Math.max(0, head.dueAt - Date.now()),
		);
	}

	#onData(chunk: Buffer): void {
		if (this.#state === 'stopped') return;
		const highBitBytes = chunk.reduce((count, byte) => count + (byte > 0x7f ? 1 : 0), 0);
		if (highBitBytes > 0) this.#garbled(chunk, highBitBytes);
		for (const frame of this.#scanner.push(chunk)) this.#onFrame(frame);
	}

	#garbled(chunk: Buffer, highBitBytes: number): void {
		if (this.#state === 'after-data') {
			// Most likely the host signing on again at 300 Bd while we still listen at the data rate.
			this.#record({
				kind: 'ignored',
				reason: `${plural(chunk.length, 'byte')} at another rate after the data message: back to ${INITIAL_BAUD_RATE} Bd`,
			});
			this.#toIdle();
			return;
		}
		this.#hostError(
			'garbled',
			`${highBitBytes} of ${plural(chunk.length, 'byte')} arrived with bit 7 set while the meter was at ${this.#baudRate} Bd ` +
				`(${this.#describeState()}): the host sent at another rate (switched too early or too late)`,
		);
	}

	#onFrame(frame: Frame): void {
		if (frame.kind === 'noise' && frame.highBitBytes > 0) return; // flagged as garbled already
		this.#record({kind: 'received', frame: frame.kind, bytes: frame.bytes, baudRate: this.#baudRate});
		switch (frame.kind) {
			case 'request':
				this.#onRequest(frame.request.address);
				return;
			case 'option-select':
				if (this.#state === 'await-option') void this.#run(() => this.#onOptionSelect(frame.optionSelect));
				else this.#ignore(`option select while ${this.#describeState()}`);
				return;
			case 'nak':
				this.#onNak();
				return;
			case 'command':
				if (this.#state === 'programming' || frame.command === 'B0') {
					void this.#run(() => this.#onCommand(frame.command));
				} else this.#ignore(`command ${frame.command} outside programming mode`);
				return;
			default:
				if (frame.kind !== 'noise' || frame.bytes.some((byte) => byte !== NUL)) {
					this.#ignore(`${frame.kind} while ${this.#describeState()}`);
				}
		}
	}

	#onRequest(address: string): void {
		if (this.profile.push) {
			this.#ignore('a request to a push meter (mode D does not answer)');
			return;
		}
		if (this.#state === 'sending' || this.#state === 'answering') {
			this.#ignore(`a request while ${this.#describeState()} (half duplex: the meter is not listening)`);
			return;
		}
		if (this.#address !== '' && address !== this.#address) {
			this.#ignore(
				`request for address ${JSON.stringify(address)}, not ours (${JSON.stringify(this.#address)})`,
			);
			return;
		}
		this.#toIdle();
		this.#readouts++;
		this.#startReadout();
		if (this.#fault('silence')) {
			this.#faultNote('silence', 'request not answered');
			return;
		}
		this.#state = 'answering';
		const session = this.#session;
		void this.#run(() => this.#answer(session));
	}

	#onNak(): void {
		if (this.#state !== 'after-data' || this.#lastData === undefined) {
			this.#ignore(`NAK while ${this.#describeState()}`);
			return;
		}
		if (this.#repeated) {
			this.#ignore('a second NAK: the data message is repeated once only');
			return;
		}
		this.#repeated = true;
		const data =
			this.#lastNoiseBytes > 0
				? otherNoiseBurst(this.#lastData, this.#lastNoiseBytes, this.#readouts)
				: this.#lastData;
		const telegram = this.#lastTelegram;
		this.#state = 'sending';
		this.#cancelTimers();
		const session = this.#session;
		void this.#run(async () => {
			if (!(await this.#sleep(session, this.#reactionTimeMs))) return;
			const startMs = Date.now();
			const complete = await this.#send(session, data, 'repeat');
			if (telegram) {
				this.#recordTelegram(
					'repeat',
					telegram.content,
					data,
					telegram.faults,
					telegram.intact && complete,
					startMs,
				);
			}
			if (!complete) return;
			this.#afterData(session, data);
		});
	}

	// ---- answering ----

	async #answer(session: number): Promise<void> {
		if (!(await this.#sleep(session, this.#reactionTimeMs))) return;
		if (!(await this.#sendIdentification(session))) return;
		switch (this.#identification.mode) {
			case 'A':
				await this.#sendData(session);
				return;
			case 'B':
				await this.link.drain();
				// The reaction time passes before the switch, not after: on a line both orders look alike,
				// but serialport's rate change flushes (tcflush TCIOFLUSH) what the other side has not yet
				// read, and on a pty, where drain() returns at once, that can be the identification's last
				// characters when the host is slow to read them.
				if (!(await this.#sleep(session, this.#reactionTimeMs))) return;
				await this.#setBaudRate(this.#identification.baudRate);
				if (!this.#isCurrent(session)) return;
				await this.#sendData(session);
				return;
			case 'C':
				if (this.#fault('wrong-rate')?.answer === 'initial-rate') {
					this.#faultNote(
						'wrong-rate',
						`data at ${INITIAL_BAUD_RATE} Bd right after the identification, no ACK awaited`,
					);
					if (!(await this.#sleep(session, this.#reactionTimeMs))) return;
					await this.#sendData(session);
					return;
				}
				this.#state = 'await-option';
				this.#later(this.#optionSelectTimeoutMs, () => this.#optionSelectTimedOut(session));
		}
	}

	#optionSelectTimedOut(session: number): void {
		if (!this.#isCurrent(session) || this.#state !== 'await-option') return;
		this.#hostError('no-option-select', `no option select within tt = ${this.#optionSelectTimeoutMs} ms`);
		if (this.#withoutOptionSelect === 'give-up') {
			this.#toIdle();
			return;
		}
		this.#state = 'answering';
		void this.#run(() => this.#sendData(session));
	}

	async #onOptionSelect(option: OptionSelect): Promise<void> {
		const session = this.#session;
		this.#cancelTimers();
		const requested = baudCharacter(option.baudChar);
		if (requested.mode !== 'C') {
			this.#hostError('bad-option-select', `baud character ${JSON.stringify(option.baudChar)} is not 0–6`);
			this.#toIdle();
			return;
		}
		if (option.protocolControl !== '0') {
			this.#ignore(
				`option select protocol control ${JSON.stringify(option.protocolControl)} (only 0, normal, is simulated)`,
			);
			this.#toIdle();
			return;
		}
		if (option.modeControl !== '0' && option.modeControl !== '1') {
			this.#ignore(
				`option select mode ${JSON.stringify(option.modeControl)} (only 0 readout and 1 programming)`,
			);
			this.#toIdle();
			return;
		}
		const announced = this.#identification.baudRate;
		let rate = Math.min(requested.baudRate, announced);
		if (requested.baudRate > announced) {
			this.#ignore(
				`requested ${requested.baudRate} Bd above the announced ${announced} Bd: answering at ${announced}`,
			);
		}
		if (requested.baudRate < announced && this.#fault('wrong-rate')?.answer === 'announced-rate') {
			this.#faultNote('wrong-rate', `asked for ${requested.baudRate} Bd, answering at ${announced} Bd`);
			rate = announced;
			this.#offRate = true;
		}
		if (rate > INITIAL_BAUD_RATE && this.#fault('wrong-rate')?.answer === 'other-rate') {
			const other = rate > INITIAL_BAUD_RATE ? rate / 2 : rate * 2;
			this.#faultNote('wrong-rate', `agreed on ${rate} Bd, sending the data at ${other} Bd`);
			rate = other;
			this.#offRate = true;
		}
		this.#state = 'answering';
		// The meter switches as soon as the ACK is in; the host must be at the new rate within tr.
		await this.#setBaudRate(rate);
		if (!(await this.#sleep(session, this.#reactionTimeMs))) return;
		if (option.modeControl === '0') {
			await this.#sendData(session);
			return;
		}
		// Programming is not simulated: offer the password challenge, then answer anything with a break.
		if (!(await this.#send(session, commandMessage('P0', '()'), 'password'))) return;
		this.#state = 'programming';
		this.#later(this.#optionSelectTimeoutMs, () => {
			if (!this.#isCurrent(session)) return;
			this.#ignore('no command after P0: leaving programming mode');
			this.#toIdle();
		});
	}

	async #onCommand(command: string): Promise<void> {
		const session = this.#session;
		this.#cancelTimers();
		if (command === 'B0') {
			this.#toIdle();
			return;
		}
		this.#state = 'answering';
		if (!(await this.#sleep(session, this.#reactionTimeMs))) return;
		if (!(await this.#send(session, commandMessage('B0'), 'break'))) return;
		await this.link.drain();
		if (this.#isCurrent(session)) this.#toIdle();
	}

	async #sendIdentification(session: number): Promise<boolean> {
		const noise = this.#fault('noise-prefix');
		if (noise) {
			const count = noise.bytes ?? DEFAULT_NOISE_PREFIX_BYTES;
			const bytes = Buffer.alloc(count, 0);
			for (let index = 1; index < count; index += 2) bytes[index] = DEL;
			this.#faultNote('noise-prefix', `${count} NUL/DEL bytes before the identification`);
			if (!(await this.#send(session, bytes, 'noise'))) return false;
		}
		return await this.#send(
			session,
			Buffer.from(`${this.profile.identification}\r\n`, 'latin1'),
			'identification',
		);
	}

	async #sendData(session: number): Promise<void> {
		if (!this.#isCurrent(session)) return;
		this.#state = 'sending';
		const content = this.profile.dataMessage(this.#clock());
		let data = content;
		const burst = this.#fault('noise-burst');
		this.#lastNoiseBytes = 0;
		if (burst && data[0] === STX) {
			this.#lastNoiseBytes = burst.bytes ?? DEFAULT_NOISE_BURST_BYTES;
			data = withNoiseBurst(data, this.#lastNoiseBytes, this.#readouts);
			this.#faultNote(
				'noise-burst',
				`${plural(data.length - content.length, 'byte')} of noise inside the data message after byte ${Math.floor(content.length / 3)}`,
			);
		} else if (burst) this.#faultNote('noise-burst', 'no effect: a push telegram has no BCC to see it');
		const badBcc = this.#fault('bad-bcc');
		if (badBcc && data[0] === STX) {
			data = Buffer.from(data);
			const last = data.length - 1;
			const correct = data[last] as number;
			data[last] = badBcc.bcc ?? correct ^ 0x01;
			this.#faultNote('bad-bcc', `BCC 0x${hex(data[last] as number)} instead of 0x${hex(correct)}`);
		} else if (badBcc) this.#faultNote('bad-bcc', 'no effect: a push telegram has no BCC');

		const cut = this.#fault('hang-up') ?? this.#fault('truncate');
		if (cut) {
			const length = Math.min(data.length, cut.afterBytes ?? Math.floor(data.length / 2));
			this.#faultNote(cut.kind, `data message cut after ${length} of ${data.length} bytes`);
			data = data.subarray(0, length);
		}
		if (this.#fault('echo')) this.#readoutFaults.add('echo');
		const startMs = Date.now();
		const complete = await this.#send(session, data, 'data');
		// The repeat window, the log's end time and a hang-up all start when the last byte left the line.
		if (complete) await this.link.drain();
		const faults = [...this.#readoutFaults];
		const intact = complete && !this.#offRate && data.equals(content);
		this.#lastTelegram = {content, faults, intact};
		this.#recordTelegram('data', content, data, faults, intact, startMs);
		if (!complete) return;
		if (cut?.kind === 'hang-up') {
			// drain() may return while the last bytes are still in a driver or an in-memory line: let them out first.
			if (!(await this.#sleep(session, HANG_UP_PAUSE_MS))) return;
			this.#hangingUp = true;
			await this.#hangUp();
			await this.#stop('hang-up');
			return;
		}
		this.#afterData(session, data);
	}

	#afterData(session: number, data: Buffer): void {
		if (!this.#isCurrent(session)) return;
		if (this.profile.push) {
			this.#state = 'idle';
			return;
		}
		this.#lastData = data;
		this.#state = 'after-data';
		this.#later(this.#repeatWindowMs, () => {
			if (this.#isCurrent(session)) this.#toIdle();
		});
	}

	// ---- pushing ----

	#schedulePush(delayMs: number): void {
		this.#pushTimer = setTimeout(() => {
			this.#pushTimer = undefined;
			if (this.#state === 'stopped') return;
			this.#schedulePush(this.profile.push?.intervalMs ?? 2000);
			if (this.#state !== 'idle') {
				this.#ignore('push due while the previous telegram is still on the line: skipped');
				return;
			}
			this.#readouts++;
			this.#startReadout();
			if (this.#fault('silence')) {
				this.#faultNote('silence', 'push skipped');
				return;
			}
			this.#state = 'answering';
			const session = this.#session;
			void this.#run(async () => {
				if (!(await this.#sendIdentification(session))) return;
				await this.#sendData(session);
			});
		}, delayMs);
	}

	// ---- mechanics ----

	/** Ends the conversation: back to waiting for a request at 300 Bd, with a fresh framer. */
	#toIdle(): void {
		this.#session++;
		this.#cancelTimers();
		this.#lastData = undefined;
		this.#repeated = false;
		this.#scanner = new FrameScanner();
		if (this.#state === 'stopped') return;
		this.#state = 'idle';
		if (!this.profile.push && this.#baudRate !== INITIAL_BAUD_RATE) {
			void this.#run(() => this.#setBaudRate(INITIAL_BAUD_RATE));
		}
	}

	async #setBaudRate(baudRate: number): Promise<void> {
		if (baudRate === this.#baudRate) return;
		this.#baudRate = baudRate;
		this.#record({kind: 'baud', baudRate});
		// A raw TCP bridge carries no rate: the conversation simply goes on at the start rate.
		if (this.link.canSetBaudRate) await this.link.setBaudRate(baudRate);
	}

	/** Writes a message, character by character under `slow-bytes`. Resolves false if the conversation ended meanwhile. */
	async #send(session: number, bytes: Buffer, message: SentMessage): Promise<boolean> {
		if (!this.#isCurrent(session)) return false;
		this.#record({kind: 'sent', message, bytes: Buffer.from(bytes), baudRate: this.#baudRate});
		const slow = this.#fault('slow-bytes');
		if (slow === undefined || slow.delayMs === 0 || bytes.length <= 1) {
			if (this.#paced) return await this.#sendPaced(session, bytes);
			await this.link.write(bytes);
			return this.#isCurrent(session);
		}
		for (let index = 0; index < bytes.length; index++) {
			if (index > 0 && !(await this.#sleep(session, slow.delayMs))) return false;
			await this.link.write(bytes.subarray(index, index + 1));
		}
		return this.#isCurrent(session);
	}

	/**
	 * `paced`: writes each slice when its last character would leave a real UART at the current rate, and
	 * resolves when the whole message is out (with `sendAtOnce`: writes it all at once). Due times are absolute, so timer lateness does not add up.
	 */
	async #sendPaced(session: number, bytes: Buffer): Promise<boolean> {
		if (this.#sendAtOnce) {
			await this.link.write(this.#asHeard(bytes, Date.now()));
			return this.#isCurrent(session);
		}
		const characterMs = this.#characterMs();
		const perSlice = Math.max(1, Math.floor(PACING_SLICE_MS / characterMs));
		const startAt = Date.now();
		for (let offset = 0; offset < bytes.length; offset += perSlice) {
			const end = Math.min(bytes.length, offset + perSlice);
			const dueAt = startAt + end * characterMs;
			const wait = dueAt - Date.now();
			if (wait > 0 && !(await this.#sleep(session, wait))) return false;
			await this.link.write(this.#asHeard(bytes.subarray(offset, end), dueAt));
		}
		return this.#isCurrent(session);
	}

	/**
	 * With `hostLineRate`: characters whose line time ended at `atMs` while the host's end was at another
	 * rate than ours come out garbled (bit 7 set), as a UART reads them; otherwise unchanged. The time is
	 * the nominal one, so a late timer here does not count against the host.
	 */
	#asHeard(bytes: Buffer, atMs: number): Buffer {
		const hostRate = this.#hostLineRate?.(atMs);
		if (hostRate === undefined || hostRate === this.#baudRate) return bytes;
		return Buffer.from(bytes.map((byte, index) => ((byte * 31 + index * 17) & 0x7f) | 0x80));
	}

	/** Line time of one character at the current rate, ms (10 bits for 7E1). */
	#characterMs(): number {
		return (bitsPerCharacter(SIGN_ON_SETTINGS) * 1000) / this.#baudRate;
	}

	/**
	 * Runs a conversation step; a failing link stops the simulator instead of raising an unhandled
	 * rejection. With `reopen`, a write that fails because the other side hung up (a TCP client gone in
	 * the middle of a telegram) ends only the conversation: the link's close event, which follows,
	 * opens it again for the next client, as a bridge would.
	 */
	async #run(step: () => Promise<void>): Promise<void> {
		try {
			await step();
		} catch (error) {
			if (this.#stoppedReason !== undefined) return;
			if (this.#reopen && error instanceof LinkError && HUNG_UP.has(error.failure)) return;
			await this.#stop('link-error', error);
		}
	}

	#isCurrent(session: number): boolean {
		return this.#stoppedReason === undefined && this.#session === session;
	}

	/** Waits; resolves false (early) when the conversation ended or its timers were cancelled meanwhile. */
	async #sleep(session: number, delayMs: number): Promise<boolean> {
		return (await this.#timers.sleep(delayMs)) && this.#isCurrent(session);
	}

	#later(delayMs: number, action: () => void): void {
		this.#timers.later(delayMs, action);
	}

	#cancelTimers(): void {
		this.#timers.cancelAll();
	}

	/** The fault of this kind if it applies to readout `readout` (default: the current one). */
	#fault<K extends SimulatorFaultKind>(
		kind: K,
		readout = this.#readouts,
	): Extract<SimulatorFault, {kind: K}> | undefined {
		const fault = this.#faults.find(
			(candidate) => candidate.kind === kind && (candidate.times === undefined || readout <= candidate.times),
		);
		if (fault !== undefined) return fault as Extract<SimulatorFault, {kind: K}>;
		const scheduled = this.#faultsAt?.(readout).find((candidate) => candidate.kind === kind);
		return scheduled as Extract<SimulatorFault, {kind: K}> | undefined;
	}

	#describeState(): string {
		switch (this.#state) {
			case 'idle':
				return 'waiting for a request';
			case 'answering':
				return 'answering';
			case 'await-option':
				return 'waiting for the option select';
			case 'sending':
				return 'sending';
			case 'after-data':
				return 'after the data message';
			case 'programming':
				return 'in programming mode';
			case 'stopped':
				return 'stopped';
		}
	}

	#ignore(reason: string): void {
		this.#record({kind: 'ignored', reason});
	}

	#hostError(problem: HostProblem, detail: string): void {
		this.#record({kind: 'host-error', problem, detail});
	}

	#faultNote(fault: SimulatorFaultKind, detail: string): void {
		this.#readoutFaults.add(fault);
		this.#record({kind: 'fault', fault, detail});
	}

	/** A new readout (request or push): its faults and rate start afresh. */
	#startReadout(): void {
		this.#readoutFaults = new Set();
		this.#offRate = false;
	}

	#recordTelegram(
		message: 'data' | 'repeat',
		content: Buffer,
		bytes: Buffer,
		faults: readonly SimulatorFaultKind[],
		intact: boolean,
		startMs: number,
	): void {
		this.#record({
			kind: 'telegram',
			message,
			content,
			bytes: Buffer.from(bytes),
			baudRate: this.#baudRate,
			intact,
			faults,
			startMs,
		});
	}

	#record(entry: Unstamped<SimulatorLogEntry>): void {
		const stamped = {timeMs: Date.now(), ...entry} as SimulatorLogEntry;
		this.log.push(stamped);
		this.#onLog?.(stamped);
	}
}

/**
 * `count` printable bytes inserted after the first third of a data message (past the STX), as a burst
 * of line noise would add them; if they happen to XOR to 0 the last one is changed, so the BCC sees them.
 */
function withNoiseBurst(data: Buffer, count: number, seed: number): Buffer {
	const noise = Buffer.alloc(count);
	for (let index = 0; index < count; index++) {
		// 0x41–0x5A: letters, never a control character, bracket or end mark of the grammar.
		noise[index] = 0x41 + Math.floor(deterministicNoise(seed, index) * 26);
	}
	if (noise.reduce((xor, byte) => xor ^ byte, 0) === 0)
		noise[count - 1] = (noise[count - 1] as number) ^ 0x02;
	const at = Math.max(1, Math.floor(data.length / 3));
	return Buffer.concat([data.subarray(0, at), noise, data.subarray(at)]);
}

/**
 * The data message of withNoiseBurst with the meter's bytes as they were and other noise in the burst's
 * place: the noise was on the line, the repetition after a NAK meets the line again.
 */
function otherNoiseBurst(data: Buffer, count: number, seed: number): Buffer {
	const length = data.length - count;
	const at = Math.max(1, Math.floor(length / 3));
	const meterBytes = Buffer.concat([data.subarray(0, at), data.subarray(at + count)]);
	// A seed no readout number reaches: noise unlike the first try's.
	return withNoiseBurst(meterBytes, count, seed + 0x10000);
}

function hex(byte: number): string {
	return byte.toString(16).toUpperCase().padStart(2, '0');
}
