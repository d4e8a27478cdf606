import {type ChildProcess, spawn} from 'node:child_process';
import {createInterface} from 'node:readline';
import {parseIdentification} from '../src/iec62056/identification.ts';
import {readMeter} from '../src/readout/readout-session.ts';
import {createSimulatorProfile} from '../src/simulator/simulator-profiles.ts';
import {bitsPerCharacter, SIGN_ON_SETTINGS} from '../src/transport/link.ts';
import {SerialLink} from '../src/transport/serial-link.ts';
import {openPtyPair} from '../test/helpers/pty-pair.ts';
import {readWithSmartmeterObis} from '../test/helpers/smartmeter-obis-reader.ts';
import {type BenchmarkResult, ratioAtMost} from './benchmark-report.ts';

/** Readouts per reader; the median is reported. About 2.5 s each, interleaved. */
const RUNS = 7;
/** The simulated instant, pinned so every run carries the same telegram. */
const AT = Date.parse('2026-03-10T12:34:56Z');
const DATA_RATE = 9600;
/** Pause between two readouts so the meter is idle at 300 Bd again, ms (not timed). */
const BETWEEN_RUNS_MS = 300;
/**
 * Pause after one of our readouts failed, ms (not timed): longer than the meter's option-select
 * timeout (2000 ms), so a meter still waiting or sending is idle again before the next request.
 */
const AFTER_FAILURE_MS = 3000;
/**
 * Our readouts (of all 2 x RUNS + 1) that may fail with the figure still given: a shared machine can
 * stall a process for longer than the inter-character timeout (1500 ms) now and then. More fail the benchmark.
 */
const TOLERATED_FAILURES = 1;
/** The meter's own process, next to this file once compiled (dist/bench). */
const METER_PROCESS = new URL('./readout-meter-process.js', import.meta.url).pathname;
/** How long the meter's process may take to start listening, ms. */
const METER_START_TIMEOUT_MS = 15_000;

/**
 * Wall time of one mode C readout of the smarthomeNG dlms plugin's ZMD120 telegram at 9600 Bd over a socat pty, the
 * simulator pacing its bytes (and its hearing) at the real line rate, since a pty passes bytes at
 * once whatever rate is set. Compared with the wire-time floor (every character's 10 bits at its rate,
 * plus the meter's two reaction times) and with smartmeter-obis 4.0.0 reading the same simulator.
 */
export async function measureReadoutThroughput(): Promise<BenchmarkResult> {
	const profile = createSimulatorProfile('zmd120');
	const identification = parseIdentification(profile.identification);
	const pty = await openPtyPair();
	let meter: MeterProcess | undefined;
	try {
		// The meter runs in a process of its own, as a real one would: a stall here (garbage collection of
		// what the parse benchmarks left) must not hold back its bytes while our inter-character timeout runs.
		meter = await startMeterProcess(pty.meterPath, 'zmd120', AT);
		// What the earlier benchmarks left on the heap is collected now, not in the middle of a readout.
		(globalThis as {gc?: () => void}).gc?.();
		const ours: number[] = [];
		const unguarded: number[] = [];
		const theirs: number[] = [];
		// smartmeter-obis failing (it has its own timing) must not cost our figures: its failures are counted.
		const theirFailures: string[] = [];
		// Ours too, up to TOLERATED_FAILURES: each named (1 = the untimed first readout) in the detail.
		const ourFailures: string[] = [];
		const readTheirs = async () => {
			try {
				theirs.push((await readWithSmartmeterObis(pty.hostPath)).elapsedMs);
			} catch (error) {
				theirFailures.push((error as Error).message);
			}
		};
		let ourReadouts = 0;
		const tryOurs = async (into: number[] | undefined, switchGuardMs?: number) => {
			ourReadouts++;
			try {
				const elapsedMs = await readOurs(pty.hostPath, switchGuardMs);
				into?.push(elapsedMs);
			} catch (error) {
				ourFailures.push(`readout ${ourReadouts}: ${(error as Error).message}`);
				if (ourFailures.length > TOLERATED_FAILURES) {
					throw new Error(
						`${ourFailures.length} of our readouts failed (at most ${TOLERATED_FAILURES} tolerated): ${ourFailures.join('; ')}`,
					);
				}
				await pause(AFTER_FAILURE_MS);
			}
		};
		// One untimed readout each first: native bindings loaded, code warm.
		await tryOurs(undefined);
		await pause(BETWEEN_RUNS_MS);
		await readWithSmartmeterObis(pty.hostPath).catch(() => undefined);
		for (let run = 0; run < RUNS; run++) {
			await pause(BETWEEN_RUNS_MS);
			await tryOurs(ours);
			await pause(BETWEEN_RUNS_MS);
			await readTheirs();
			// The same without the guard after the ACK: what the guard costs (it runs inside the meter's 200 ms).
			await pause(BETWEEN_RUNS_MS);
			await tryOurs(unguarded, 0);
		}
		const hostErrors = await meter.stop();
		if (hostErrors.length > 0) {
			throw new Error(`the simulator saw host errors: ${hostErrors.join('; ')}`);
		}

		const characterMs = (rate: number) => (bitsPerCharacter(SIGN_ON_SETTINGS) * 1000) / rate;
		const requestCharacters = '/?!\r\n'.length;
		const identificationCharacters = profile.identification.length + 2;
		const ackCharacters = 6;
		const dataCharacters = profile.dataMessage(AT).length;
		const signOnRate = SIGN_ON_SETTINGS.baudRate;
		const floorMs =
			(requestCharacters + identificationCharacters + ackCharacters) * characterMs(signOnRate) +
			dataCharacters * characterMs(DATA_RATE) +
			2 * identification.reactionTimeMs;
		const oursMs = median(ours);
		const theirsMs = median(theirs);
		const unguardedMs = median(unguarded);
		const failedNote = ourFailures.length > 0 ? ` (${ourFailures.length} of ${2 * RUNS + 1} failed)` : '';
		const ms = (value: number) => `${Math.round(value).toLocaleString('en').padStart(6)} ms`;
		return {
			detail: [
				`readout: mode C, ZMD120 telegram, over a socat pty with the simulator in its own process paced at the line rate; median of ${RUNS} runs`,
				`  request ${requestCharacters} + identification ${identificationCharacters} + ACK ${ackCharacters} characters at ${signOnRate} Bd, ` +
					`data ${dataCharacters} characters at ${DATA_RATE} Bd, 2 x ${identification.reactionTimeMs} ms reaction`,
				`  wire-time floor              ${ms(floorMs)}`,
				`  dlms-logger                  ${ms(oursMs)}  ${(oursMs / floorMs).toFixed(3)} x floor (target <= 1.05)  [${spread(ours)}]`,
				...(ourFailures.length > 0
					? [
							`  dlms-logger failed readouts  ${ourFailures.length} of ${2 * RUNS + 1}: ${ourFailures.join('; ')}`,
						]
					: []),
				`  dlms-logger, no switch guard ${ms(unguardedMs)}  guard cost ${Math.round(oursMs - unguardedMs)} ms (the 33 ms guard ends inside the meter's 200 ms reaction time)  [${spread(unguarded)}]`,
				theirs.length === 0
					? `  smartmeter-obis 4.0.0        no readout in ${RUNS} tries: ${theirFailures[0] ?? ''}`
					: `  smartmeter-obis 4.0.0        ${ms(theirsMs)}  ${(theirsMs / floorMs).toFixed(3)} x floor  [${spread(theirs)}]` +
						(theirFailures.length > 0
							? `; ${theirFailures.length} of ${RUNS} readouts failed: ${theirFailures[0]}`
							: ''),
				`  dlms-logger / smartmeter-obis: ${(oursMs / theirsMs).toFixed(2)} x its time (${Math.round(theirsMs - oursMs)} ms less per readout)`,
			].join('\n'),
			rows: [
				{
					figure: `readout, mode C at ${DATA_RATE} Bd, pty`,
					ours: `${Math.round(oursMs).toLocaleString('en')} ms${failedNote}`,
					baseline: `wire-time floor ${Math.round(floorMs).toLocaleString('en')} ms`,
					ratio: oursMs / floorMs,
					value: Number.NaN,
					target: ratioAtMost(1.05),
				},
				{
					figure: `readout, mode C at ${DATA_RATE} Bd, pty`,
					ours: `${Math.round(oursMs).toLocaleString('en')} ms${failedNote}`,
					baseline:
						theirs.length === 0
							? `smartmeter-obis: no readout (${theirFailures[0] ?? ''})`
							: `smartmeter-obis ${Math.round(theirsMs).toLocaleString('en')} ms`,
					ratio: oursMs / theirsMs,
					value: Number.NaN,
					// Not slower than the reader people use today.
					target: ratioAtMost(1),
				},
			],
		};
	} finally {
		meter?.kill();
		await pty.close();
	}
}

/** The meter's process: `stop()` ends it and returns its complaints about the host; `kill()` if it must go at once. */
interface MeterProcess {
	stop(): Promise<string[]>;
	kill(): void;
}

/** Starts bench/readout-meter-process on the meter's end of the pty and waits until it listens. */
async function startMeterProcess(meterPath: string, profile: string, atMs: number): Promise<MeterProcess> {
	const child: ChildProcess = spawn(process.execPath, [METER_PROCESS, meterPath, profile, String(atMs)], {
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const lines = createInterface({input: child.stdout as NodeJS.ReadableStream})[Symbol.asyncIterator]();
	const kill = () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	};
	const failed = (what: string) =>
		new Error(`the meter's process ${what}${stderr ? `: ${stderr.trim()}` : ''}`);
	let timer: ReturnType<typeof setTimeout> | undefined;
	const first = await Promise.race([
		lines.next(),
		new Promise<'timeout'>((resolve) => {
			timer = setTimeout(() => resolve('timeout'), METER_START_TIMEOUT_MS);
		}),
	]).finally(() => clearTimeout(timer));
	if (first === 'timeout' || first.done || first.value !== 'ready') {
		kill();
		throw failed(
			first === 'timeout' ? `did not start within ${METER_START_TIMEOUT_MS} ms` : 'ended before it listened',
		);
	}
	return {
		kill,
		async stop() {
			child.stdin?.end();
			const report = await lines.next();
			const code = await exited;
			if (report.done || code !== 0) throw failed(`ended with exit code ${code}`);
			return (JSON.parse(report.value) as {hostErrors: string[]}).hostErrors;
		},
	};
}

/** The readout figures as text (what `npm run bench` printed before it had a report). */
export async function runReadoutThroughput(): Promise<string> {
	return (await measureReadoutThroughput()).detail;
}

async function readOurs(path: string, switchGuardMs?: number): Promise<number> {
	const startedAt = performance.now();
	const result = await readMeter(new SerialLink({path}), switchGuardMs === undefined ? {} : {switchGuardMs});
	const elapsedMs = performance.now() - startedAt;
	if (result.mode !== 'C' || result.baudRate !== DATA_RATE || !result.check.ok) {
		throw new Error(
			`unexpected readout: mode ${result.mode} at ${result.baudRate} Bd, check ok ${result.check.ok}`,
		);
	}
	return elapsedMs;
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function spread(values: readonly number[]): string {
	return `min ${Math.round(Math.min(...values))}, max ${Math.round(Math.max(...values))}`;
}

function pause(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
