import {type ChildProcess, spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseIdentification} from '../../src/iec62056/identification.ts';
import {encodeDataMessage} from '../../src/iec62056/telegram-encoder.ts';
import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import type {SimulatorFault} from '../../src/simulator/simulator-fault.ts';
import type {SimulatorProfile} from '../../src/simulator/simulator-profile.ts';
import {createSimulatorProfile} from '../../src/simulator/simulator-profiles.ts';
import {ZMD120_IDENTIFICATION, ZMD120_MODEL, zmd120Lines} from '../../src/simulator/zmd120-profile.ts';
import {SerialLink} from '../../src/transport/serial-link.ts';
import {freePort} from './free-port.ts';
import {watchLineSpeed} from './line-speed-watch.ts';
import {openPtyPair} from './pty-pair.ts';

/** The built CLI: next to this file once compiled (dist/test/helpers), else under dist/. */
const CLI = new URL(
	import.meta.url.includes('/dist/test/') ? '../../src/cli/main.js' : '../../dist/src/cli/main.js',
	import.meta.url,
).pathname;

export interface CollectorRunOptions {
	/** How long the collector runs, ms; with `untilReadouts`, the longest it runs. */
	readonly durationMs: number;
	/** End the run as soon as this many readouts were logged (within `durationMs`). Default: run the full time. */
	readonly untilReadouts?: number;
	/** Readout cycle, s. Default 5. */
	readonly everySeconds?: number;
	/** The meter's data message comes once at half the agreed rate (the first readout). Default false. */
	readonly glitch?: boolean;
	/** The IR head echoes what the host sends. Default true. */
	readonly echo?: boolean;
	/** Send only the first 6 data lines (a fallback at 300 Bd then takes 5 s instead of 30 s). Default false. */
	readonly shortTelegram?: boolean;
}

/** One readout as the collector logged it. */
export interface LoggedReadout {
	readonly atMs: number;
	readonly mode: string;
	readonly baudRate: number;
	readonly durationMs: number;
}

export interface CollectorRun {
	readonly readouts: readonly LoggedReadout[];
	/** Readouts that fell back within themselves (the collector's info line). */
	readonly fellBack: number;
	/** Warnings and errors the collector logged. */
	readonly problems: readonly string[];
	/** Messages about a kept plan (should be none after a one-off glitch). */
	readonly planChanges: readonly string[];
	/** The simulator's complaints about the host (an ACK cut by an early switch …). */
	readonly hostErrors: readonly string[];
	/** /metrics at the end. */
	readonly metrics: string;
}

/**
 * `dlms-logger run` as a process (the built CLI) reading the simulated ZMD120 in mode C over a socat
 * pty pair. The simulator runs here, paced at the line rate, and hears the host at the speed its
 * termios is set to (a character crossing while the two ends disagree is garbled), so an early switch
 * or a meter answering at the wrong rate costs what it costs on a real line.
 */
export async function runCollectorOverPty(options: CollectorRunOptions): Promise<CollectorRun> {
	if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" (npm test does it first)`);
	const pty = await openPtyPair();
	const watch = await watchLineSpeed(pty.hostPath);
	const directory = await mkdtemp(join(tmpdir(), 'dlms-collector-run-'));
	let daemon: ChildProcess | undefined;
	const faults: SimulatorFault[] = [];
	if (options.echo ?? true) faults.push({kind: 'echo'});
	if (options.glitch) faults.push({kind: 'wrong-rate', answer: 'other-rate', times: 1});
	const simulator = new MeterSimulator(new SerialLink({path: pty.meterPath}), {
		profile: options.shortTelegram ? shortZmd120() : createSimulatorProfile('zmd120'),
		faults,
		paced: true,
		hostLineRate: (atMs) => watch.rateAt(atMs),
	});
	try {
		await simulator.start();
		const healthPort = await freePort();
		const config = join(directory, 'config.yaml');
		await writeFile(
			config,
			[
				// The simulated ZMD120's clock runs in Europe/Berlin (its profile's default): read in
				// another zone, the collector rightly warns that the meter clock is hours off.
				'timezone: Europe/Berlin',
				'log:',
				'  format: json',
				'health:',
				`  listen: 127.0.0.1:${healthPort}`,
				'meters:',
				'  - id: zmd',
				`    port: ${pty.hostPath}`,
				`    every: ${options.everySeconds ?? 5}s`,
				'',
			].join('\n'),
		);
		daemon = spawn(process.execPath, ['--max-semi-space-size=1', CLI, 'run', '--config', config], {
			cwd: directory,
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		const readouts: LoggedReadout[] = [];
		const problems: string[] = [];
		const planChanges: string[] = [];
		let fellBack = 0;
		let pending = '';
		let enough: () => void = () => undefined;
		const enoughReadouts = new Promise<void>((resolve) => {
			enough = resolve;
		});
		daemon.stderr?.on('data', (chunk: Buffer) => {
			pending += chunk.toString();
			const lines = pending.split('\n');
			pending = lines.pop() ?? '';
			for (const line of lines) {
				let entry: Record<string, unknown>;
				try {
					entry = JSON.parse(line) as Record<string, unknown>;
				} catch {
					problems.push(line);
					continue;
				}
				const message = String(entry['msg'] ?? '');
				if (/: read \d+ points?$/.test(message)) {
					readouts.push({
						atMs: Date.parse(String(entry['time'])),
						mode: String(entry['mode']),
						baudRate: Number(entry['baudRate']),
						durationMs: Number(entry['durationMs']),
					});
					if (options.untilReadouts !== undefined && readouts.length >= options.untilReadouts) enough();
				} else if (/failed \(.*\); read with/.test(message)) {
					fellBack++;
				} else if (/from now on/.test(message)) {
					planChanges.push(message);
				}
				if (entry['level'] === 'warn' || entry['level'] === 'error') problems.push(message);
			}
		});
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			enoughReadouts,
			new Promise((resolve) => {
				timer = setTimeout(resolve, options.durationMs);
			}),
		]);
		clearTimeout(timer);
		const metrics = await fetch(`http://127.0.0.1:${healthPort}/metrics`).then(
			(response) => response.text(),
			(error: unknown) => `(no /metrics: ${(error as Error).message})`,
		);
		daemon.kill('SIGTERM');
		await new Promise((resolve) => daemon?.once('close', resolve));
		return {
			readouts,
			fellBack,
			problems,
			planChanges,
			hostErrors: simulator.hostErrors.map((error) => `${error.problem}: ${error.detail}`),
			metrics,
		};
	} finally {
		if (daemon && daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
		await simulator.close();
		await watch.close();
		await pty.close();
		await rm(directory, {recursive: true, force: true});
	}
}

/** The ZMD120 with its first 6 data lines only. */
function shortZmd120(): SimulatorProfile {
	const identification = parseIdentification(ZMD120_IDENTIFICATION);
	const model = {...ZMD120_MODEL, timeZone: 'Europe/Berlin'};
	return {
		...createSimulatorProfile('zmd120'),
		name: 'zmd120-short',
		dataMessage: (atMs) =>
			encodeDataMessage(
				{identification, lines: zmd120Lines(model, atMs, false).slice(0, 6)},
				{framing: 'stx'},
			),
	};
}
