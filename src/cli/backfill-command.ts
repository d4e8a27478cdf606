import {hostname} from 'node:os';
import {isAbsolute, resolve} from 'node:path';
import type {Writable} from 'node:stream';
import {Command} from 'commander';
import {Backfill, type BackfillMeter, type LineSink} from '../backfill/backfill-run.ts';
import {
	type BackfillSource,
	BackfillSourceError,
	classifySource,
	sourceBytes,
	sourceItems,
} from '../backfill/backfill-sources.ts';
import {BackfillTally} from '../backfill/backfill-tally.ts';
import {
	backfillSpoolDirectory,
	collectorSpoolDirectory,
	InfluxBackfillTarget,
} from '../backfill/backfill-target.ts';
import {PrintedHistory} from '../backfill/printed-history.ts';
import type {LoadedConfig} from '../config/config-loader.ts';
import type {MeterConfig} from '../config/config-schema.ts';
import {isSimulatorPort} from '../daemon/simulator-port-name.ts';
import {assertStartable, configBase} from '../daemon/startup-checks.ts';
import {byteSize} from '../observability/byte-size.ts';
import {plural} from '../observability/plural.ts';
import {DeadLetterReport} from '../output/dead-letter-report.ts';
import {HistoryLedger} from '../output/history-ledger.ts';
import {InfluxWriteError} from '../output/influx-write-error.ts';
import {SpoolError} from '../output/line-spool.ts';
import {readSpoolLock, SpoolLockedError, systemProcessProbe} from '../output/spool-lock.ts';
import {ObisSelection} from '../readings/obis-selection.ts';
import type {Link} from '../transport/link.ts';
import {type BackfillProgress, createBackfillProgress} from './backfill-progress.ts';
import {backfillSummaryTable} from './backfill-summary-table.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {CONFIG_OPTION_HELP} from './config-file-argument.ts';
import {loadConfiguration, type ProcessContext} from './config-source.ts';
import {parseIsoTimeArgument} from './iso-time-argument.ts';
import {shellWord} from './shell-word.ts';

export interface BackfillFlags {
	readonly config?: string;
	readonly meter?: string;
	readonly since?: Date;
	readonly until?: Date;
	readonly dryRun?: boolean;
	/** Send only what an earlier backfill left in its spool; read no source and no meter. */
	readonly resend?: boolean;
}

export interface BackfillDependencies {
	/** Opens a meter's link (no-SOURCE mode); tests swap it. Default: serial / tcp / simulator ports. */
	readonly openLink?: (port: string) => Link;
	/** Pause between plain progress lines, ms. Default 10 000. */
	readonly progressEveryMs?: number;
	/** How long the end of a backfill waits for a server that makes no progress, ms. Default 60 000. */
	readonly drainStallMs?: number;
	/** Unsent bytes at which reading pauses for the server (see InfluxBackfillTarget). Default 4 MiB. */
	readonly highWaterBytes?: number;
}

/** `dlms-logger backfill`: imports billing history, captures and the raw archive. */
export function backfillCommand(
	io: CommandIo,
	context: ProcessContext,
	deps: BackfillDependencies = {},
): Command {
	return new Command('backfill')
		.description(
			'import history: without SOURCE, read each configured meter once with its full history and write ' +
				'every dated point; with SOURCE, import captures (files, "-" for stdin) or the raw archive ' +
				'(its directory or daily files), at the points the collector would have written',
		)
		.argument('[source...]', 'capture files, "-" for stdin, raw archive directories or raw-*.jsonl.gz files')
		.option('-c, --config <file>', CONFIG_OPTION_HELP)
		.option('--meter <id>', 'only this configured meter (captures are taken as its telegrams)')
		.option('--since <date>', 'only points at or after this time (ISO 8601, e.g. 2025-01-01)', parseDate)
		.option('--until <date>', 'only points before this time (ISO 8601)', parseDate)
		.option('--dry-run', 'print the points it would write and the summary; write nothing', false)
		.option(
			'--resend',
			'send only the points an earlier backfill left unsent in its spool (<spool.directory>-backfill), ' +
				'read no source and no meter',
			false,
		)
		.action(async (sources: string[], flags: BackfillFlags) => {
			await runBackfill(sources, flags, io, context, deps);
		});
}

export async function runBackfill(
	sourceArgs: readonly string[],
	flags: BackfillFlags,
	io: CommandIo,
	context: ProcessContext,
	deps: BackfillDependencies = {},
): Promise<void> {
	const startedAt = Date.now();
	if (flags.since && flags.until && flags.since.getTime() >= flags.until.getTime()) {
		throw new CliError('--since must be before --until', {exitCode: EXIT_CODES.usage});
	}
	const resend = flags.resend === true;
	if (resend && (sourceArgs.length > 0 || flags.dryRun === true)) {
		throw new CliError('--resend sends what the backfill spool holds: it takes no SOURCE and no --dry-run', {
			exitCode: EXIT_CODES.usage,
		});
	}
	const loaded = await loadConfiguration(flags.config, context, {embeddedFallback: false});
	const {config} = loaded;
	if (resend && config.influxdb === undefined) {
		throw new CliError(
			'--resend: the configuration has no influxdb section, so there is no backfill spool to send',
			{
				exitCode: EXIT_CODES.usage,
			},
		);
	}
	const base = configBase(loaded, context.cwd);
	// The checks the collector and check-config make (ports, target, spool and archive directories):
	// a spool directory under /proc would otherwise hang the spool's recursive mkdir (exit 78 instead).
	await assertStartable(loaded, base);
	const chosen = chooseMeters(config.meters, flags.meter);
	const meters = new Map(chosen.map((meter) => [meter.id, backfillMeter(meter, loaded)]));
	const sources: {name: string; source: BackfillSource}[] = [];
	for (const arg of sourceArgs) {
		try {
			sources.push({name: arg === '-' ? 'stdin' : arg, source: await classifySource(arg)});
		} catch (error) {
			if (error instanceof BackfillSourceError) throw new CliError(error.message, {cause: error});
			throw error;
		}
	}
	if (sources.filter((entry) => entry.source.kind === 'stdin').length > 1) {
		throw new CliError('"-" (stdin) given more than once', {exitCode: EXIT_CODES.usage});
	}
	const takesCaptures = sources.some(
		(entry) => entry.source.kind === 'capture-file' || entry.source.kind === 'stdin',
	);
	if (takesCaptures && chosen.length > 1) {
		throw new CliError(
			`captures name no configured meter, and the configuration has ${chosen.length}: say which one with --meter (${chosen.map((meter) => meter.id).join(', ')})`,
			{exitCode: EXIT_CODES.usage},
		);
	}
	if (sources.length === 0 && !resend) await refuseWhileCollectorRuns(loaded, base, chosen, flags);

	const dryRun = flags.dryRun === true;
	const toStdout = dryRun || config.influxdb === undefined;
	let target: InfluxBackfillTarget | undefined;
	const warn = (message: string) => io.stderr.write(`backfill: warning: ${message}\n`);
	// What the server did with the points: acknowledged (stored), or refused as bad data.
	const delivery = {stored: 0, carriedOver: 0};
	const deadLetters = new DeadLetterReport();
	if (!toStdout && config.influxdb !== undefined) {
		try {
			target = await InfluxBackfillTarget.open({
				loaded,
				influx: config.influxdb,
				directory: backfillSpoolDirectory(config, base),
				onWarning: warn,
				...(deps.highWaterBytes === undefined ? {} : {highWaterBytes: deps.highWaterBytes}),
				onSpoolEvent: (event) => {
					// A batch's refused lines leave the spool with it (sent), but were not stored.
					if (event.kind === 'sent') delivery.stored += event.lines;
					else if (event.kind === 'replaying') {
						delivery.carriedOver = event.lines;
						io.stderr.write(
							`backfill: sending first the ${plural(event.lines, 'point')} (${byteSize(event.bytes)}) an earlier backfill left unsent\n`,
						);
					} else if (event.kind === 'dead-letter') {
						delivery.stored -= event.lines;
						const line = deadLetters.take(event);
						if (line !== undefined) io.stderr.write(`backfill: ${line}\n`);
					}
				},
			});
		} catch (error) {
			if (error instanceof SpoolLockedError) {
				throw new CliError(`${error.message.replace('another collector', 'another backfill')}`, {
					cause: error,
				});
			}
			if (error instanceof SpoolError) throw new CliError(error.message, {cause: error});
			throw error;
		}
	}
	// A dry run asks the ledger what the real run would ask it: history the server already holds is not
	// written again. Read only, so the real run finds it as it was.
	const dryRunLedger =
		dryRun && config.influxdb !== undefined
			? await HistoryLedger.open({
					directory: backfillSpoolDirectory(config, base),
					readOnly: true,
					onWarning: warn,
				})
			: undefined;
	// To stdout (or a dry run without a server to ask), history already printed in this run is not printed again.
	const printedHistory =
		target === undefined && dryRunLedger === undefined ? new PrintedHistory() : undefined;
	const sink: LineSink = target?.sink ?? {writeText: (text) => writeBytes(io.stdout, Buffer.from(text))};
	const tally = new BackfillTally();
	const [onlyMeter] = chosen;
	const backfill = new Backfill({
		meters,
		configured: new Set(config.meters.map((meter) => meter.id)),
		...(chosen.length === 1 && onlyMeter ? {captureMeter: meters.get(onlyMeter.id) as BackfillMeter} : {}),
		...(flags.since === undefined ? {} : {since: flags.since}),
		...(flags.until === undefined ? {} : {until: flags.until}),
		datedOnly: sources.length === 0,
		sink,
		...(dryRunLedger === undefined
			? {}
			: {selectHistory: (meter: string, lines: readonly string[]) => dryRunLedger.select(meter, lines)}),
		...(printedHistory === undefined
			? {}
			: {selectHistory: (meter: string, lines: readonly string[]) => printedHistory.select(meter, lines)}),
		...(target === undefined
			? {}
			: {
					selectHistory: (meter, lines) => (target as InfluxBackfillTarget).selectHistory(meter, lines),
					// While the server is slow or away, the progress says what it answered last.
					waitForRoom: () =>
						(target as InfluxBackfillTarget).waitForRoom(io.signal, () => noteWaiting('to catch up', true)),
				}),
		tally,
	});

	let totalBytes = 0;
	for (const {source} of sources) totalBytes += await sourceBytes(source);
	const progress = await createBackfillProgress({
		stream: io.stderr,
		totalBytes,
		...(deps.progressEveryMs === undefined ? {} : {everyMs: deps.progressEveryMs}),
	});
	// The server's last answer in every line: "waiting" alone hides a missing database or a stopped server.
	const noteWaiting = (what: string, onlyOnFailure = false) => {
		if (target === undefined) return;
		const last = target.sink.lastFailure;
		// A spool at its high water mark is the normal pace of a fast import: the progress line says enough.
		if (last === undefined && onlyOnFailure) return;
		progress.note(
			`waiting for ${target.description} ${what}${last === undefined ? '' : `: ${withoutPlace(last.message, target.description)}`}`,
		);
	};
	let failure: unknown;
	try {
		if (resend) {
			// Nothing to read: the spool's points went out when the target opened.
		} else if (sources.length === 0) {
			await readMeters(chosen, loaded, backfill, tally, io, deps);
		} else {
			await importSources(sources, meters, backfill, tally, progress, io);
		}
		await backfill.finish();
	} catch (error) {
		failure = error;
	}
	progress.update(tally, totalBytes);
	progress.stop();

	let unsent = 0;
	let lastFailure: InfluxWriteError | undefined;
	if (target !== undefined) {
		const open = target;
		const drained = await open.drain({
			stallMs: deps.drainStallMs ?? 60_000,
			...(io.signal === undefined ? {} : {signal: io.signal}),
			onWait: () => noteWaiting('to take the last points'),
		});
		lastFailure = open.sink.lastFailure;
		await open.close();
		if (!drained) unsent = open.pendingBytes;
	}
	const summary = backfillSummaryTable(tally, {
		elapsedMs: Date.now() - startedAt,
		dryRun,
		target: target?.description ?? 'stdout',
		historyOncePerRun: printedHistory !== undefined,
		...(target === undefined
			? {}
			: {
					delivery: {
						stored: delivery.stored,
						carriedOver: delivery.carriedOver,
						unsentPoints: unsent > 0 ? target.pendingPoints : 0,
						unsentBytes: unsent,
						directory: target.directory,
						refused: deadLetters.total,
					},
				}),
	});
	// With points on stdout (dry run, no InfluxDB), the summary goes to stderr to keep the pipe clean.
	(toStdout ? io.stderr : io.stdout).write(summary);
	const resendCommand = backfillLine(flags, '--resend');
	const held = (refusal: InfluxWriteError, spool: InfluxBackfillTarget) =>
		new CliError(
			`${refusal.message}; retrying cannot fix that, so the backfill stopped: ${plural(spool.pendingPoints, 'point')} (${byteSize(spool.pendingBytes)}) wait in ${spool.directory}`,
			{cause: refusal, hint: `once that is fixed, send them with: ${resendCommand}`},
		);
	// The server refused mid-import for a reason retrying cannot fix (waitForRoom): reading on would only fill the spool.
	if (failure instanceof InfluxWriteError && target !== undefined) throw held(failure, target);
	if (failure !== undefined) {
		if (failure instanceof CliError) throw failure;
		if (failure instanceof BackfillSourceError) throw new CliError(failure.message, {cause: failure});
		throw failure;
	}
	if (io.signal?.aborted) {
		throw new CliError('backfill interrupted; run it again to finish (what was written stays written)');
	}
	if (target !== undefined && unsent > 0) {
		if (lastFailure?.disposition === 'hold') throw held(lastFailure, target);
		const waiting = `${plural(target.pendingPoints, 'point')} (${byteSize(unsent)}) wait in ${target.directory}`;
		throw new CliError(
			`${target.description} did not take every point${lastFailure === undefined ? '' : ` (${withoutPlace(lastFailure.message, target.description)})`}: ${waiting}`,
			{
				...(lastFailure === undefined ? {} : {cause: lastFailure}),
				hint: `send them once the server takes them: ${resendCommand} (any later backfill sends them first, too)`,
			},
		);
	}
	const refusedPoints = deadLetters.summary();
	if (refusedPoints !== undefined) throw new CliError(refusedPoints);
	const refused = tally.refusedTotal - (tally.refused.get('other-meter') ?? 0);
	const refusedSources = tally.refusedSourcesTotal;
	if (refused > 0 || refusedSources > 0) {
		const what = [
			...(refusedSources > 0 ? [`${plural(refusedSources, 'source')} without a telegram`] : []),
			...(refused > 0 ? [plural(refused, 'telegram')] : []),
		].join(' and ');
		throw new CliError(
			`${what} refused (see the summary)${tally.telegrams > 0 ? '; the others were imported' : ''}`,
		);
	}
}

async function importSources(
	sources: readonly {name: string; source: BackfillSource}[],
	meters: ReadonlyMap<string, BackfillMeter>,
	backfill: Backfill,
	tally: BackfillTally,
	progress: BackfillProgress,
	io: CommandIo,
): Promise<void> {
	let done = 0;
	const [captureMeter] = meters.values();
	for (const {name, source} of sources) {
		tally.sources.push(name);
		let bytes = 0;
		const items = sourceItems(source, {
			ignoreBlockCheck: (meterId) =>
				(meterId === undefined ? captureMeter : meters.get(meterId))?.ignoreBlockCheck ?? false,
			captureTimeZone: captureMeter?.timeZone ?? 'UTC',
			onBytes: (read) => {
				bytes = read;
			},
			onWarning: (message) => tally.refuse('damaged-record', 1, message),
			onNote: (message) => tally.notes.push(message),
			stdin: () => readStdin(io),
		});
		for await (const item of items) {
			const taking = backfill.take(item);
			if (taking !== undefined) await taking;
			progress.update(tally, done + bytes);
			if (io.signal?.aborted) return;
		}
		done += await sourceBytes(source);
	}
}

/** No SOURCE: each chosen meter read once with its sign-on list; its dated points written. */
async function readMeters(
	meters: readonly MeterConfig[],
	loaded: LoadedConfig,
	backfill: Backfill,
	tally: BackfillTally,
	io: CommandIo,
	deps: BackfillDependencies,
): Promise<void> {
	// Loaded here, not with the command: a backfill from files (the usual case) reads no meter.
	const [{readMeterOnce}, {ReadoutError}, {createLink}] = await Promise.all([
		import('../backfill/meter-readout.ts'),
		import('../readout/readout-errors.ts'),
		import('../transport/link-from-port.ts'),
	]);
	const failed: string[] = [];
	for (const meter of meters) {
		if (io.signal?.aborted) return;
		tally.sources.push(`meter ${meter.id}`);
		const zone = meter.timezone ?? loaded.config.timezone;
		let link: Link;
		let close: () => Promise<void> = async () => {};
		if (deps.openLink !== undefined) {
			link = deps.openLink(meter.port);
		} else if (isSimulatorPort(meter.port)) {
			const {openSimulatedPort} = await import('../daemon/simulated-port.ts');
			const port = await openSimulatedPort(meter.port, zone);
			link = port.link;
			close = () => port.close();
		} else {
			link = createLink(meter.port);
		}
		try {
			const item = await readMeterOnce({
				meter,
				link,
				...(io.signal === undefined ? {} : {signal: io.signal}),
			});
			await backfill.take(item);
		} catch (error) {
			if (!(error instanceof ReadoutError)) throw error;
			// Ctrl-C cut the readout short: no fault of the meter; the caller says the backfill was interrupted.
			if (io.signal?.aborted) return;
			const busy = /lock|busy|resource temporarily unavailable/i.test(describeChain(error));
			failed.push(
				busy
					? `${meter.id}: ${meter.port} is held by another program (a running collector?): it writes the history itself; stop it to read the meter here, or backfill from its raw archive`
					: `${meter.id}: ${error.message}`,
			);
			tally.refuse('no-telegram', 0, `${meter.id}: ${error.message}`);
		} finally {
			await close();
		}
	}
	if (failed.length > 0) {
		throw new CliError(
			failed.length === 1 ? (failed[0] as string) : `${failed.length} meters not read: ${failed.join('; ')}`,
		);
	}
}

/**
 * A collector of this configuration that runs holds its spool (spool.lock, a live pid on this host);
 * it has the meters' ports open and writes their history itself: say so instead of fighting for the port.
 */
async function refuseWhileCollectorRuns(
	loaded: LoadedConfig,
	base: string,
	meters: readonly MeterConfig[],
	flags: BackfillFlags,
) {
	if (loaded.config.influxdb === undefined) return;
	const owner = await readSpoolLock(collectorSpoolDirectory(loaded.config, base));
	if (owner === undefined || owner.host !== hostname() || owner.pid === process.pid) return;
	if (!systemProcessProbe.isRunning(owner.pid)) return;
	const ports = [...new Set(meters.map((meter) => meter.port))].join(', ');
	throw new CliError(
		`a collector runs with this configuration (pid ${owner.pid}, since ${owner.since}) and holds ${ports}: it writes the billing history itself`,
		{hint: `stop it to read the meter here, or ${archiveImportHint(loaded, base, flags)}`},
	);
}

/** The command that imports the configured raw archive (the same -c and --meter), or how to keep one. */
function archiveImportHint(loaded: LoadedConfig, base: string, flags: BackfillFlags): string {
	const {archive} = loaded.config;
	if (archive === undefined) {
		return 'keep a raw archive (archive.directory in the configuration) to import readouts from it later';
	}
	const directory = isAbsolute(archive.directory) ? archive.directory : resolve(base, archive.directory);
	const meter = flags.meter === undefined ? [] : ['--meter', flags.meter];
	return `import its raw archive: ${backfillLine(flags, ...meter, directory)}`;
}

/** `dlms-logger backfill` with this run's -c FILE (when given), then `rest`, as a shell reads it: for hints. */
function backfillLine(flags: BackfillFlags, ...rest: string[]): string {
	const config = flags.config === undefined ? [] : ['-c', flags.config];
	return ['dlms-logger', 'backfill', ...config, ...rest].map(shellWord).join(' ');
}

function chooseMeters(meters: readonly MeterConfig[], id: string | undefined): MeterConfig[] {
	if (id === undefined) return [...meters];
	const meter = meters.find((candidate) => candidate.id === id);
	if (meter === undefined) {
		throw new CliError(
			`--meter ${id}: no such meter in the configuration (configured: ${meters.map((candidate) => candidate.id).join(', ')})`,
			{exitCode: EXIT_CODES.usage},
		);
	}
	return [meter];
}

function backfillMeter(meter: MeterConfig, loaded: LoadedConfig): BackfillMeter {
	const {config} = loaded;
	return {
		id: meter.id,
		measurement: meter.measurement ?? config.measurement,
		timeZone: meter.timezone ?? config.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
		...(meter.select === undefined ? {} : {selection: new ObisSelection(meter.select)}),
		ignoreBlockCheck: meter.ignore_bcc,
	};
}

/** Writes bytes and waits for the stream to take them (backpressure), so nothing is lost on exit. */
function writeBytes(stream: Writable, bytes: Buffer): Promise<void> {
	return new Promise((resolve, reject) => {
		stream.write(bytes, (error) => (error ? reject(error) : resolve()));
	});
}

async function readStdin(io: CommandIo): Promise<Buffer> {
	if (io.stdin.isTTY) {
		throw new CliError('stdin is a terminal: pipe a capture in (dlms-logger backfill - < capture.bin)', {
			exitCode: EXIT_CODES.usage,
		});
	}
	const chunks: Buffer[] = [];
	for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
	return Buffer.concat(chunks);
}

/** The writer's message without the server it starts with (`http://x (database m): HTTP 404: …`). */
function withoutPlace(message: string, place: string): string {
	return message.startsWith(`${place}: `) ? message.slice(place.length + 2) : message;
}

function describeChain(error: unknown): string {
	const parts: string[] = [];
	for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
	return parts.join(': ');
}

/** ISO 8601 only: `new Date()` would read 04.06.2016 month first. */
function parseDate(value: string): Date {
	return parseIsoTimeArgument(value);
}
