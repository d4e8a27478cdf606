import {setFlagsFromString} from 'node:v8';
import {Command, Option} from 'commander';
import {ConfigError} from '../config/config-error.ts';
import {hasMeterEnvironment} from '../config/meter-environment.ts';
import {type Collector, startCollector} from '../daemon/collector.ts';
import type {MeterJobEvent} from '../daemon/meter-job.ts';
import {isSimulatorPort} from '../daemon/simulator-port-name.ts';
import {byteSize} from '../observability/byte-size.ts';
import {createLogger, type Logger} from '../observability/logger.ts';
import {plural} from '../observability/plural.ts';
import {DeadLetterReport} from '../output/dead-letter-report.ts';
import {useZoneRules} from '../readings/meter-clock.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {v8FlagsForMeters} from './command-v8-flags.ts';
import {interruptedLoad, type LoadedApart, loadConfigurationApart} from './config-apart.ts';
import {CONFIG_OPTION_HELP} from './config-file-argument.ts';
import type {ProcessContext} from './config-source.ts';
import {processZoneRules} from './process-zone-rules.ts';

export interface RunFlags {
	readonly config?: string;
	/** Read every meter once, flush, exit (cron, a test, a first try). */
	readonly once?: boolean;
	/** Overrides `log.level` of the configuration. */
	readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** `dlms-logger run`: the collector, until SIGINT/SIGTERM (or one round with --once). */
export function runCommand(io: CommandIo, context: ProcessContext): Command {
	return new Command('run')
		.description(
			'run the collector: read every configured meter on its schedule and write the points ' +
				'(without a configuration: the built-in simulated meter, printed as line protocol)',
		)
		.option('-c, --config <file>', CONFIG_OPTION_HELP)
		.option(
			'--once',
			'read every meter once, write the points, flush and exit: 0 when every meter was read and the ' +
				'server stored its points, 1 otherwise: a meter not read, points left in the spool (server away, ' +
				'wrong version, no such database: the error names its answer; the next run sends them), or ' +
				'points refused as bad data (set aside in dead-letter.lp beside the spool)',
		)
		.addOption(
			new Option('--log-level <level>', 'log level, overriding log.level of the configuration').choices([
				'debug',
				'info',
				'warn',
				'error',
			]),
		)
		.action(async (flags: RunFlags) => {
			await runCollector(flags, io, context);
		});
}

export async function runCollector(
	flags: RunFlags | string | undefined,
	io: CommandIo,
	context: ProcessContext,
): Promise<void> {
	const {config: file, once = false, logLevel} = typeof flags === 'object' ? flags : {config: flags};
	// Loaded in a child process: the schema and YAML parser need not stay in the collector's memory.
	const loaded = await loadConfigurationApart(file, context, {embeddedFallback: true}, io.signal);
	// A signal during the load ends the run before anything starts, as one a moment earlier would.
	if (io.signal?.aborted) throw interruptedLoad();
	// main turned the optimising compilers off for the collector; a large site gets them back.
	for (const flag of v8FlagsForMeters(loaded.config.meters.length)) setFlagsFromString(flag);
	// Meter times convert without Intl.DateTimeFormat (about 7 MB resident), unless a simulated meter
	// runs in this process: it computes its registers with luxon, so Intl is loaded anyway.
	if (!loaded.config.meters.some((meter) => isSimulatorPort(meter.port))) {
		useZoneRules(processZoneRules(configuredZones(loaded)));
	}
	const {log: logConfig} = loaded.config;
	const stderrIsTty = Boolean((io.stderr as {isTTY?: boolean}).isTTY);
	// Logs go to stderr: without InfluxDB, stdout carries the points (line protocol) for a pipe.
	const log = createLogger({
		level: logLevel ?? logConfig.level,
		pretty: logConfig.format === 'pretty' || (logConfig.format === 'auto' && stderrIsTty),
		destination: io.stderr,
	});
	// What check-config warns about, once at start: valid, so the collector runs anyway.
	for (const line of loaded.warnings) log.warn(line);
	if (loaded.source === 'embedded') {
		const zone = loaded.config.meters[0]?.timezone ?? loaded.config.timezone ?? 'the host zone';
		log.info(
			`no configuration file: ${once ? 'reading the built-in simulated ZMD120 once' : 'running the built-in simulated ZMD120 every 10 s'}, its clock in ${zone} (see config.yaml.example)`,
		);
	} else if (loaded.source === 'environment') {
		log.info(`configuration from environment variables (METER_PORT ${loaded.config.meters[0]?.port})`);
	} else if (hasMeterEnvironment(context.env)) {
		// A mounted config.yaml wins over METER_*; say so, or a changed METER_PORT would seem to do nothing.
		log.warn(`METER_* variables ignored: the configuration comes from ${loaded.file}`);
	}
	// The last word per meter (read, failed, write-failed, abandoned): --once names each failure's cause.
	const outcome = new Map<string, MeterOutcome>();
	// Points the server refused are neither stored nor spooled: --once fails on them.
	const deadLetters = new DeadLetterReport();
	// Why the server did not take points (its last answer), while points wait: --once fails naming it.
	let unavailable: Error | undefined;
	let collector: Collector;
	try {
		collector = await startCollector(loaded, {
			workingDirectory: context.cwd,
			hostTimeZone: loaded.hostTimeZone,
			stdout: io.stdout,
			log,
			schedule: !once,
			onJobEvent: (event) => {
				if (
					event.kind === 'read' ||
					event.kind === 'failed' ||
					event.kind === 'write-failed' ||
					event.kind === 'abandoned'
				) {
					outcome.set(event.meter, event);
				}
			},
			onSpoolEvent: (event) => {
				if (event.kind === 'dead-letter') deadLetters.take(event);
				else if (event.kind === 'unavailable') unavailable = event.error;
				else if (event.kind === 'sent' || event.kind === 'recovered') unavailable = undefined;
			},
		});
	} catch (error) {
		if (error instanceof ConfigError) {
			throw new CliError(error.message, {exitCode: EXIT_CODES.config, cause: error});
		}
		// The spool's modules are loaded only with an InfluxDB output (then these come from the cache).
		const [{SpoolError}, {SpoolLockedError}] = await Promise.all([
			import('../output/line-spool.ts'),
			import('../output/spool-lock.ts'),
		]);
		if (error instanceof SpoolLockedError || error instanceof SpoolError) {
			throw new CliError(error.message, {exitCode: EXIT_CODES.failed, cause: error});
		}
		throw error;
	}
	if (once) {
		await runOnce(collector, outcome, log, io.signal, deadLetters, () => unavailable);
		return;
	}
	await new Promise<void>((resolve) => {
		if (io.signal === undefined || io.signal.aborted) return resolve();
		io.signal.addEventListener('abort', () => resolve(), {once: true});
	});
	log.info(`stopping (${String((io.signal?.reason as Error | undefined)?.message ?? 'signal')})`);
	await collector.stop({flushTimeoutMs: 5000});
}

/** What --once remembers of a meter's readout. */
type MeterOutcome = Extract<MeterJobEvent, {kind: 'read' | 'failed' | 'write-failed' | 'abandoned'}>;

/** Every zone the collector converts meter times in: the meters', the configuration's, the host's. */
function configuredZones({config, hostTimeZone}: LoadedApart): string[] {
	const zones = [hostTimeZone, config.timezone, ...config.meters.map((meter) => meter.timezone)];
	return zones.filter((zone): zone is string => zone !== undefined);
}

/** One readout of every meter (meters on one port one after the other), then flush and stop. */
async function runOnce(
	collector: Collector,
	outcome: ReadonlyMap<string, MeterOutcome>,
	log: Logger,
	signal: AbortSignal | undefined,
	deadLetters: DeadLetterReport,
	unavailable: () => Error | undefined,
): Promise<void> {
	const aborted = new Promise<void>((resolve) => {
		if (signal === undefined) return;
		if (signal.aborted) resolve();
		signal.addEventListener('abort', () => resolve(), {once: true});
	});
	await Promise.race([Promise.all(collector.jobs.map((job) => job.tick())), aborted]);
	if (signal?.aborted)
		log.info(`stopping (${String((signal.reason as Error | undefined)?.message ?? 'signal')})`);
	const flushed = await collector.stop({flushTimeoutMs: 5000});
	const unread = collector.jobs.map((job) => job.id).filter((id) => outcome.get(id)?.kind !== 'read');
	// Ctrl-C is not a meter failing: say so, with the shell's exit code for SIGINT, as backfill does.
	if (signal?.aborted) {
		throw new CliError(
			`run --once interrupted${unread.length > 0 ? `: ${unread.join(', ')} not read (nothing of ${unread.length === 1 ? 'its' : 'their'} readout stored)` : ''}`,
			{exitCode: EXIT_CODES.interrupted},
		);
	}
	if (unread.length > 0) {
		const causes = unread.map((id) => `${id} (${whyUnread(outcome.get(id))})`);
		throw new CliError(
			`${unread.length} of ${plural(collector.jobs.length, 'meter')} not read or not stored: ${causes.join('; ')}`,
			{exitCode: EXIT_CODES.failed},
		);
	}
	// Spooled is not stored: a --once run (cron, a first try) that left points unsent failed.
	if (!flushed && collector.spool !== undefined) throw unsentError(collector.spool, unavailable());
	const refused = deadLetters.summary();
	if (refused !== undefined) throw new CliError(refused, {exitCode: EXIT_CODES.failed});
	log.info(`read ${plural(collector.jobs.length, 'meter')} once`);
}

/** Why a meter has no stored readout, in the words its log line used. */
function whyUnread(event: MeterOutcome | undefined): string {
	switch (event?.kind) {
		case 'failed':
			return event.error.message;
		case 'write-failed':
			return `points could not be stored: ${event.error.message}`;
		case 'abandoned':
			return 'readout abandoned on stopping';
		default:
			return 'no readout';
	}
}

/**
 * `run --once` ended with points in the spool: the server's last answer first (with its hint, e.g.
 * `set influxdb.version to "1"`), then how many points wait where. Exit 1, as `backfill`.
 */
export function unsentError(
	spool: {readonly directory: string; readonly pendingLines: number; readonly pendingBytes: number},
	cause: Error | undefined,
): CliError {
	const waiting = `${plural(spool.pendingLines, 'point')} (${byteSize(spool.pendingBytes)}) not stored, they wait in the spool ${spool.directory}`;
	return new CliError(
		cause === undefined ? `the server did not take every point: ${waiting}` : `${cause.message}; ${waiting}`,
		{
			exitCode: EXIT_CODES.failed,
			...(cause === undefined ? {} : {cause}),
			hint: 'once that is fixed, the next run sends them first',
		},
	);
}
