import {NAK, NUL} from '../iec62056/control-characters.ts';
import {type ParsedDataBlock, parseDataBlock} from '../iec62056/data-block-parser.ts';
import type {BlockCheck, DataBlockFrame, Frame} from '../iec62056/frame.ts';
import type {Identification} from '../iec62056/identification.ts';
import {encodeOptionSelect} from '../iec62056/option-select.ts';
import {TruncatedBlockError} from '../iec62056/protocol-errors.ts';
import {modeCBaudCharacter, type ProtocolMode} from '../iec62056/protocol-mode.ts';
import {encodeRequest} from '../iec62056/request-message.ts';
import {plural} from '../observability/plural.ts';
import type {Link} from '../transport/link.ts';
import {LinkError} from '../transport/link-errors.ts';
import {type BlockCheckEvidence, blockShapeEvidence, repetitionEvidence} from './block-check-evidence.ts';
import {FrameInbox, type InboxTimeout} from './frame-inbox.ts';
import type {DataMessageWithoutStx} from './missing-stx.ts';
import {looksLikePushTelegram} from './push-evidence.ts';
import {defaultSwitchGuardMs, wireTimeMs} from './rate-switch-timing.ts';
import {ReadoutError, type ReadoutPhase} from './readout-errors.ts';
import {type MergedOptions, mergeReadoutOptions, type ReadoutOptions} from './readout-options.ts';
import {choosePlan, describePlan, fallbackPlans, type ReadoutPlan} from './readout-plan.ts';

/** Milliseconds per phase, for `read` output and the self-metrics. */
export interface ReadoutTimings {
	readonly signOnMs: number;
	readonly identificationMs: number;
	readonly switchMs: number;
	readonly dataMs: number;
	readonly totalMs: number;
}

export interface ReadoutResult {
	readonly place: string;
	/** When the data block was complete (host clock): the readout time of current values. */
	readonly readAt: Date;
	readonly identification?: Identification;
	readonly mode: ProtocolMode;
	/** Rate the data came at, Bd. */
	readonly baudRate: number;
	readonly timings: ReadoutTimings;
	/** Every byte received, as received. */
	readonly raw: Buffer;
	readonly block: DataBlockFrame;
	readonly check: BlockCheck;
	readonly parsed: ParsedDataBlock;
	/** The plan that worked. */
	readonly plan: ReadoutPlan;
	/** True when the plan tried first failed (or the data came before the switch) and another one worked. */
	readonly fellBack: boolean;
	/** With `fellBack`: the plan that failed and why. */
	readonly fallback?: {readonly failed: ReadoutPlan; readonly reason: string};
}

/** Thrown inside an attempt when the meter does not answer at the agreed rate; the session then falls back. */
class RateMismatch extends Error {
	readonly plan: ReadoutPlan;
	readonly identification: Identification;
	constructor(plan: ReadoutPlan, identification: Identification, detail: string) {
		super(detail);
		this.plan = plan;
		this.identification = identification;
	}
}

/**
 * Reads one meter over a Link: open, (wake up), sign on, identification, mode A/B/C handshake or
 * mode D listening, data block with its check, close. An explicit sequence of phases, each with its
 * own timeout; the inter-character timeout is re-armed by every byte. A meter that ignores the rate it
 * announced (Itron EM214 answers at 300 at once; AUX SX330 refuses a lower rate) is detected by
 * garbage or silence after the switch, and read again with the rate that works; the result's `plan`
 * says what to remember for that port. Throws ReadoutError; never parses a block that failed its
 * check (unless told to) or was cut off.
 */
export async function readMeter(link: Link, options: ReadoutOptions = {}): Promise<ReadoutResult> {
	const merged = mergeReadoutOptions(options);
	const signal = merged.signal;
	const startedAt = Date.now();
	const forced = merged.mode === 'auto' ? merged.remembered : {mode: merged.mode};
	const settings = forced?.mode === 'D' ? merged.pushSettings : merged.signOnSettings;
	try {
		await link.open(settings, signal);
	} catch (error) {
		throw asReadoutError(link, 'open', error);
	}
	const inbox = new FrameInbox(link, {parity: merged.parity});
	try {
		if (forced?.mode === 'D') return await listenForPush(link, inbox, merged, startedAt);
		try {
			return await attempt(link, inbox, merged, forced, startedAt, undefined);
		} catch (error) {
			if (!(error instanceof RateMismatch)) throw error;
			// A push meter is not read at a lower rate either: say what it is at once.
			if (!merged.fallback || looksLikePushTelegram(inbox.raw))
				throw rateMismatchError(link, error.message, inbox);
			const failed = {plan: error.plan, reason: error.message};
			// Let the meter give up on the failed exchange (it returns to idle after its own timeout),
			// then sign on again with each plan that may work.
			const reasons = [`${describePlan(error.plan)}: ${error.message}`];
			for (const plan of fallbackPlans(error.plan, error.identification, merged)) {
				await link.setBaudRate(merged.signOnSettings.baudRate);
				await waitForQuiet(inbox, merged, startedAt);
				inbox.discard();
				try {
					return await attempt(link, inbox, merged, plan, startedAt, failed);
				} catch (retryError) {
					if (retryError instanceof RateMismatch) {
						reasons.push(`${describePlan(plan)}: ${retryError.message}`);
						continue;
					}
					if (
						retryError instanceof ReadoutError &&
						retryError.failure !== 'aborted' &&
						retryError.failure !== 'link'
					) {
						reasons.push(`${describePlan(plan)}: ${retryError.message}`);
						continue;
					}
					throw retryError;
				}
			}
			throw rateMismatchError(link, `${reasons.join('; ')}; no plan worked`, inbox);
		}
	} catch (error) {
		const failed = asReadoutError(link, 'data', error, inbox.raw);
		// Signed on in vain to a meter that sends on its own: the bytes say so (not when told the mode).
		throw merged.mode === 'auto' && forced?.mode !== 'D' ? asPushMeter(failed, inbox.raw) : failed;
	} finally {
		inbox.dispose();
		await link.close().catch(() => undefined);
	}
}

async function attempt(
	link: Link,
	inbox: FrameInbox,
	options: MergedOptions,
	plan: ReadoutPlan | undefined,
	startedAt: number,
	/** Set when this attempt is a fallback: the plan that failed before, and why. */
	fellBackFrom: {readonly plan: ReadoutPlan; readonly reason: string} | undefined,
): Promise<ReadoutResult> {
	const {signal} = options;
	const signOnRate = options.signOnSettings.baudRate;
	await link.setBaudRate(signOnRate);
	if (options.wakeUp) await wakeUp(link, signOnRate, signal);

	inbox.mark();
	const signOnAt = Date.now();
	await link.write(
		encodeRequest({
			...(options.address === undefined ? {} : {address: options.address}),
			...(options.queryChar === undefined ? {} : {queryChar: options.queryChar}),
		}),
	);
	await link.drain();
	const requestSentAt = Date.now();

	const identificationFrame = await inbox.next(
		(frame) => frame.kind === 'identification',
		{
			firstByteMs: options.identificationTimeoutMs,
			interCharacterMs: options.interCharacterTimeoutMs,
			// A slow meter's identification may take longer than the first-byte timeout; bytes flowing keep it alive.
			deadline: startedAt + options.totalTimeoutMs,
			// But not bytes that cannot be one: a meter pushing at another rate (garbage here), or noise,
			// would keep the wait alive until the total timeout (5 min).
			maxBytes: IDENTIFICATION_MAX_BYTES,
		},
		signal,
	);
	if (!isFrame(identificationFrame)) {
		const failed = timeoutError(
			link,
			'identification',
			identificationFrame,
			inbox,
			'no identification after the sign-on',
		);
		// More bytes than any answer to a sign-on: a meter that sends on its own, heard at the sign-on rate.
		const flooded =
			identificationFrame.kind === 'deadline' && identificationFrame.bytesInPhase > IDENTIFICATION_MAX_BYTES;
		throw flooded
			? new ReadoutError(
					link.place,
					'identification',
					failed.failure,
					`${failed.detail}, more than any answer to the sign-on`,
					{
						received: failed.received,
						pushMeter: true,
					},
				)
			: failed;
	}
	const identification = (identificationFrame as Extract<Frame, {kind: 'identification'}>).identification;
	const identifiedAt = Date.now();

	let chosen = choosePlan(identification, plan, options, link.canSetBaudRate);
	let switched = false;
	let fallback =
		fellBackFrom === undefined ? undefined : {failed: fellBackFrom.plan, reason: fellBackFrom.reason};
	inbox.watchForBlockStart();
	if (chosen.mode === 'C') {
		const rateCharacter = modeCBaudCharacter(chosen.baudRate) ?? '0';
		const ack = encodeOptionSelect({protocolControl: '0', baudChar: rateCharacter, modeControl: '0'});
		await link.write(ack);
		// write() resolves once the driver has the bytes: they cannot be on the line before that.
		const handedOverAt = Date.now();
		await link.drain();
		// Staying at the sign-on rate (ACK 0 0 0, a bridge that cannot switch): nothing to time, the data
		// is read at the rate it comes at.
		if (chosen.baudRate !== signOnRate && link.canSetBaudRate) {
			// On a UART drain() (tcdrain) returns when the shift register is empty; on ptys and some USB
			// drivers it returns at once, so the ACK's own wire time at the sign-on rate bounds it too (6
			// characters at 300 Bd: 200 ms). Then the guard, then the settle time of heads that buffer more.
			const lineClearAt = Math.max(Date.now(), handedOverAt + wireTimeMs(ack.length, options.signOnSettings));
			const guardMs = options.switchGuardMs ?? defaultSwitchGuardMs(identification, options.signOnSettings);
			const waitMs = lineClearAt + guardMs + options.settleMs - Date.now();
			if (waitMs > 0) await pause(waitMs, signal);
			if (inbox.blockStarted) {
				// The data began at the sign-on rate before the switch (Itron EM214): stay and read it there.
				fallback ??= {failed: {...chosen}, reason: 'the data began at the sign-on rate before the switch'};
				chosen = {mode: 'A', baudRate: signOnRate};
			} else {
				switched = await switchRate(link, signOnRate, chosen.baudRate);
			}
		}
	} else if (chosen.mode === 'B') {
		switched = await switchRate(link, signOnRate, chosen.baudRate);
	}
	const switchedAt = Date.now();
	if (switched) inbox.mark();
	const dataRate = switched || chosen.mode === 'A' ? chosen.baudRate : signOnRate;

	const result = await receiveBlock(link, inbox, options, {
		baudRate: dataRate,
		firstByteMs: options.dataTimeoutMs,
		deadline: startedAt + options.totalTimeoutMs,
		onMismatch: switched
			? (detail) => new RateMismatch({mode: chosen.mode, baudRate: chosen.baudRate}, identification, detail)
			: undefined,
	});
	const doneAt = Date.now();
	return {
		place: link.place,
		readAt: new Date(doneAt),
		identification,
		mode: chosen.mode,
		baudRate: dataRate,
		timings: {
			signOnMs: requestSentAt - signOnAt,
			identificationMs: identifiedAt - requestSentAt,
			switchMs: switchedAt - identifiedAt,
			dataMs: doneAt - switchedAt,
			totalMs: doneAt - startedAt,
		},
		raw: inbox.raw,
		...result,
		plan: {mode: chosen.mode, baudRate: chosen.baudRate},
		fellBack: fallback !== undefined,
		...(fallback === undefined ? {} : {fallback}),
	};
}

/**
 * Bytes after the sign-on within which the identification must have come: the message is at most 23
 * bytes (`/`, 3 letters, the rate character, 16 characters, CR LF, IEC 62056-21 §6.3.2), after an
 * echo of the sign-on on a half-duplex head (up to 38 bytes with a 32-character address) and some
 * noise; several times that is not a slow answer but bytes that are none.
 */
const IDENTIFICATION_MAX_BYTES = 160;

/** After a failed exchange: wait until the meter stopped sending (no byte for a while), so the next sign-on is heard. */
async function waitForQuiet(inbox: FrameInbox, options: MergedOptions, startedAt: number): Promise<void> {
	const quietMs = options.interCharacterTimeoutMs + 500;
	// A meter that sends on and on (a push meter, a noisy line) is never quiet: after QUIET_WAIT_MAX_MS
	// the next sign-on goes out anyway, instead of waiting out the total timeout (5 min by default).
	const deadline = Math.min(startedAt + options.totalTimeoutMs, Date.now() + quietMs + QUIET_WAIT_MAX_MS);
	await inbox.next(() => false, {firstByteMs: quietMs, interCharacterMs: quietMs, deadline}, options.signal);
}

/** How much longer than one quiet gap a fallback waits for the meter to fall silent, ms. */
const QUIET_WAIT_MAX_MS = 5000;

async function listenForPush(
	link: Link,
	inbox: FrameInbox,
	options: MergedOptions,
	startedAt: number,
): Promise<ReadoutResult> {
	inbox.mark();
	const result = await receiveBlock(link, inbox, options, {
		baudRate: options.pushSettings.baudRate,
		firstByteMs: options.pushTimeoutMs,
		deadline: startedAt + options.pushTimeoutMs + options.totalTimeoutMs,
		onMismatch: undefined,
		pushOnly: true,
	});
	const doneAt = Date.now();
	return {
		place: link.place,
		readAt: new Date(doneAt),
		...(result.block.identification ? {identification: result.block.identification} : {}),
		mode: 'D',
		baudRate: options.pushSettings.baudRate,
		timings: {
			signOnMs: 0,
			identificationMs: 0,
			switchMs: 0,
			dataMs: doneAt - startedAt,
			totalMs: doneAt - startedAt,
		},
		raw: inbox.raw,
		...result,
		plan: {mode: 'D', baudRate: options.pushSettings.baudRate},
		fellBack: false,
	};
}

interface ReceiveOptions {
	/** The rate the data is read at, Bd (for messages). */
	readonly baudRate: number;
	readonly firstByteMs: number;
	readonly deadline: number;
	/** After a rate switch: how to report garbage or silence (the rate is wrong), instead of failing. */
	readonly onMismatch: ((detail: string) => RateMismatch) | undefined;
	/** Mode D: only push telegrams count; partial ones (joined mid-way) are skipped. */
	readonly pushOnly?: boolean;
}

async function receiveBlock(
	link: Link,
	inbox: FrameInbox,
	options: MergedOptions,
	receive: ReceiveOptions,
): Promise<Pick<ReadoutResult, 'block' | 'check' | 'parsed'>> {
	// Modes A–C: a data message whose STX the line lost or damaged is readable text at the right rate,
	// told apart from the junk of a wrong rate (and from silence) by the inbox.
	const unwatch = receive.pushOnly ? undefined : inbox.watchForMissingStx();
	try {
		return await awaitBlock(link, inbox, options, receive);
	} finally {
		unwatch?.();
	}
}

async function awaitBlock(
	link: Link,
	inbox: FrameInbox,
	options: MergedOptions,
	receive: ReceiveOptions,
): Promise<Pick<ReadoutResult, 'block' | 'check' | 'parsed'>> {
	let naks = 0;
	/**
	 * After a NAK: the failure of the block it was for. A meter that does not repeat it (its repeat window
	 * passed) leaves silence, which after a rate switch would otherwise read as a wrong rate; but that
	 * block came at this rate.
	 */
	let unrepeated: ((why: string) => ReadoutError) | undefined;
	/** The block that failed its check before the NAK, to compare its repetition with. */
	let failedBlock: DataBlockFrame | undefined;
	let noiseHighBits = 0;
	let firstByteMs = receive.firstByteMs;
	// Mode D: the meter sends the next telegram by itself, so a telegram cut off on the line is skipped,
	// and so is a pause after the tail of one joined mid-way (a push left out, a slow meter): listening
	// goes on for the push timeout; what went wrong is reported only if no whole telegram came by then.
	let cutPush: ReadoutError | undefined;
	const listenUntil = Date.now() + receive.firstByteMs;
	for (;;) {
		const frame = await inbox.next(
			(candidate) =>
				// Modes A–C answer with an STX block: a push-framed one there is a block whose STX noise
				// changed, and it would pass with no check at all.
				candidate.kind === 'data-block'
					? candidate.framing === (receive.pushOnly ? 'push' : 'stx')
					: candidate.kind === 'error',
			{firstByteMs, interCharacterMs: options.interCharacterTimeoutMs, deadline: receive.deadline},
			options.signal,
			(skipped) => {
				if (skipped.kind === 'noise') noiseHighBits += skipped.highBitBytes;
			},
		);
		if (frame.kind === 'without-stx') {
			if (naks < options.nakRetries) {
				naks++;
				// To the meter this is a faulty block like one with a wrong BCC: after a NAK it repeats the
				// data message (§5.2), which the line may carry whole this time.
				await nak(link);
				inbox.mark();
				inbox.watchForMissingStx();
				const message = frame.message;
				unrepeated = (why) => withoutStxError(link, inbox, message, receive.baudRate, why);
				// The junk byte in the STX's place says nothing about the rate: the rest was readable.
				noiseHighBits = 0;
				firstByteMs = options.dataTimeoutMs;
				continue;
			}
			throw withoutStxError(link, inbox, frame.message, receive.baudRate, afterNaks(naks));
		}
		if (!isFrame(frame)) {
			const unfinished =
				frame.kind === 'silence' || frame.kind === 'deadline' ? inbox.unfinishedWithoutStx() : undefined;
			if (unfinished) throw withoutStxError(link, inbox, unfinished, receive.baudRate, afterNaks(naks));
			const truncated =
				frame.kind === 'silence' || frame.kind === 'deadline' ? truncatedIn(frame.pending) : undefined;
			const cut = truncated
				? new ReadoutError(link.place, 'data', 'truncated', truncated.message, {
						cause: truncated,
						received: inbox.raw,
					})
				: undefined;
			if (
				receive.pushOnly &&
				frame.kind === 'silence' &&
				frame.bytesInPhase > 0 &&
				Date.now() < listenUntil
			) {
				cutPush = cut ?? cutPush;
				firstByteMs = listenUntil - Date.now();
				continue;
			}
			if (cut) throw cut;
			if (unrepeated && (frame.kind === 'silence' || frame.kind === 'deadline')) {
				throw unrepeated(
					frame.bytesInPhase === 0
						? ' (no repetition after the NAK)'
						: ` (after the NAK ${plural(frame.bytesInPhase, 'byte')} but no block)`,
				);
			}
			if (cutPush && (frame.kind === 'silence' || frame.kind === 'deadline')) throw cutPush;
			if (receive.onMismatch && (frame.kind === 'silence' || frame.kind === 'deadline')) {
				throw receive.onMismatch(
					frame.bytesInPhase === 0
						? 'no data after the rate switch'
						: `${plural(frame.bytesInPhase, 'byte')} after the rate switch but no data block`,
				);
			}
			throw timeoutError(link, 'data', frame, inbox, 'no data block', noiseHighBits);
		}
		if (frame.kind === 'error') {
			if (receive.onMismatch && noiseHighBits > 0) throw receive.onMismatch('garbage after the rate switch');
			const error = new ReadoutError(link.place, 'data', 'truncated', frame.error.message, {
				cause: frame.error,
				received: inbox.raw,
			});
			if (receive.pushOnly) {
				cutPush = error;
				continue;
			}
			throw error;
		}
		const block = frame as DataBlockFrame;
		if (!block.check.ok && !options.ignoreBlockCheck) {
			if (naks < options.nakRetries && block.framing === 'stx') {
				naks++;
				// The meter repeats the block after a NAK (§5.2); the repetition may take as long again.
				await nak(link);
				inbox.mark();
				inbox.watchForMissingStx();
				unrepeated = (why) =>
					blockCheckError(link, inbox, block, why, blockShapeEvidence(parseDataBlock(block.text)));
				failedBlock = block;
				firstByteMs = options.dataTimeoutMs;
				continue;
			}
			const evidence =
				failedBlock === undefined || failedBlock.framing !== block.framing
					? blockShapeEvidence(parseDataBlock(block.text))
					: repetitionEvidence(failedBlock.bytes, block.bytes);
			throw blockCheckError(link, inbox, block, afterNaks(naks), evidence);
		}
		const parsed = parseDataBlock(block.text);
		if (!parsed.complete) {
			const error = new TruncatedBlockError(block.bytes.length, '"!" end mark');
			throw new ReadoutError(link.place, 'data', 'truncated', error.message, {
				cause: error,
				received: inbox.raw,
			});
		}
		return {block, check: block.check, parsed};
	}
}

async function nak(link: Link): Promise<void> {
	await link.write(Buffer.of(NAK));
	await link.drain();
}

/** ` (also after 1 NAK)` when the block failed again after NAKs, for the end of a message. */
function afterNaks(naks: number): string {
	return naks > 0 ? ` (also after ${naks} NAK)` : '';
}

/** `why`: how the NAK went, for the end of the message. */
function blockCheckError(
	link: Link,
	inbox: FrameInbox,
	block: DataBlockFrame,
	why: string,
	evidence: BlockCheckEvidence,
): ReadoutError {
	const check = block.check as Extract<BlockCheck, {algorithm: 'bcc' | 'crc16'}>;
	return new ReadoutError(
		link.place,
		'data',
		'block-check',
		`${check.algorithm.toUpperCase()} mismatch: computed 0x${hex(check.expected)}, received 0x${hex(check.received)}${why}`,
		{received: inbox.raw, blockCheck: evidence},
	);
}

/**
 * A data message that came as readable text at `baudRate` but without its STX: the rate was right and
 * the line lost or damaged one byte, so it is a block that came incomplete (`truncated`), never a rate
 * mismatch (which would make the collector fall back to a lower rate for nothing).
 */
function withoutStxError(
	link: Link,
	inbox: FrameInbox,
	message: DataMessageWithoutStx,
	baudRate: number,
	/** How the NAK went, for the end of the message. */
	why: string,
): ReadoutError {
	const what = message.complete
		? `data message without STX at ${baudRate} Bd`
		: `data message without STX at ${baudRate} Bd, cut off after ${plural(message.bytes, 'byte')}`;
	return new ReadoutError(
		link.place,
		'data',
		'truncated',
		`${what}: the start byte was lost or damaged${why}`,
		{received: inbox.raw},
	);
}

/** `failed` again, saying it looks like a push meter, when the bytes received look like push telegrams. */
function asPushMeter(failed: ReadoutError, raw: Buffer): ReadoutError {
	if (failed.failure === 'aborted' || failed.failure === 'link' || failed.pushMeter) return failed;
	if (!looksLikePushTelegram(raw)) return failed;
	return new ReadoutError(failed.place, failed.phase, failed.failure, failed.detail, {
		cause: failed,
		received: failed.received,
		...(failed.blockCheck === undefined ? {} : {blockCheck: failed.blockCheck}),
		pushMeter: true,
	});
}

function rateMismatchError(link: Link, detail: string, inbox: FrameInbox): ReadoutError {
	return new ReadoutError(link.place, 'data', 'rate-mismatch', detail, {received: inbox.raw});
}

async function switchRate(link: Link, current: number, wanted: number): Promise<boolean> {
	if (wanted === current || !link.canSetBaudRate) return false;
	await link.setBaudRate(wanted);
	return true;
}

/** 2.1–2.3 s of NULs, then 1.5–1.7 s of silence (the wake-up of battery meters, §5.3). */
async function wakeUp(link: Link, baudRate: number, signal: AbortSignal | undefined): Promise<void> {
	const count = Math.ceil((2200 * baudRate) / 10 / 1000);
	await link.write(Buffer.alloc(count, NUL));
	await link.drain();
	await pause(1600, signal);
}

function truncatedIn(frames: readonly Frame[]): TruncatedBlockError | undefined {
	for (const frame of frames) {
		if (frame.kind === 'error' && frame.error instanceof TruncatedBlockError) return frame.error;
	}
	return undefined;
}

function timeoutError(
	link: Link,
	phase: ReadoutPhase,
	timeout: InboxTimeout,
	inbox: FrameInbox,
	what: string,
	highBits = 0,
): ReadoutError {
	const received = inbox.raw;
	switch (timeout.kind) {
		case 'aborted':
			return new ReadoutError(link.place, phase, 'aborted', 'aborted', {cause: timeout.reason, received});
		case 'closed':
			// The ReadoutError names the place; the LinkError's detail says what happened without it.
			return new ReadoutError(link.place, phase, 'link', timeout.error?.detail ?? 'the link closed', {
				cause: timeout.error,
				received,
			});
		case 'without-stx':
			return new ReadoutError(
				link.place,
				phase,
				'truncated',
				`${what}: a data message without STX: the start byte was lost or damaged`,
				{received},
			);
		default: {
			if (timeout.bytesInPhase === 0) {
				const failure = phase === 'identification' ? 'no-answer' : 'timeout';
				return new ReadoutError(link.place, phase, failure, `${what}: no answer`, {received});
			}
			const hint = highBits > 0 ? ` (${plural(highBits, 'byte')} with bit 7 set)` : '';
			return new ReadoutError(
				link.place,
				phase,
				'garbage',
				`${what}: ${plural(timeout.bytesInPhase, 'byte')} received but no message${hint}`,
				{received},
			);
		}
	}
}

function asReadoutError(link: Link, phase: ReadoutPhase, error: unknown, received?: Buffer): ReadoutError {
	if (error instanceof ReadoutError) return error;
	if (error instanceof LinkError) {
		// The ReadoutError names the place; the LinkError's detail says what happened without it.
		return new ReadoutError(
			link.place,
			phase,
			error.failure === 'aborted' ? 'aborted' : 'link',
			error.detail,
			{
				cause: error,
				...(received ? {received} : {}),
			},
		);
	}
	return new ReadoutError(link.place, phase, 'link', (error as Error).message ?? String(error), {
		cause: error,
		...(received ? {received} : {}),
	});
}

const TIMEOUT_KINDS: ReadonlySet<string> = new Set([
	'silence',
	'deadline',
	'closed',
	'aborted',
	'without-stx',
]);

function isFrame(value: Frame | InboxTimeout): value is Frame {
	return !TIMEOUT_KINDS.has(value.kind);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, {once: true});
	});
}

function hex(value: number): string {
	return value.toString(16).toUpperCase().padStart(2, '0');
}
