import {hostname} from 'node:os';
import {isAbsolute, resolve} from 'node:path';
import {Command, InvalidArgumentError} from 'commander';
import {backfillSpoolDirectory} from '../backfill/backfill-target.ts';
import {influxTargetFromConfig} from '../daemon/influx-target-from-config.ts';
import {configBase} from '../daemon/startup-checks.ts';
import {byteSize} from '../observability/byte-size.ts';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {plural} from '../observability/plural.ts';
import {describeTarget} from '../output/influx-target.ts';
import {inspectSpool, type SpoolStatus} from '../output/spool-inspection.ts';
import {systemProcessProbe} from '../output/spool-lock.ts';
import {CliError} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {configFileOf, withConfigFileArgument} from './config-file-argument.ts';
import {loadConfiguration, type ProcessContext} from './config-source.ts';

export type SpoolFormat = 'table' | 'json';

export interface SpoolFlags {
	readonly config?: string;
	readonly format: SpoolFormat;
}

/** `dlms-logger spool`: what waits in the spool, and what the server refused. Read-only. */
export function spoolCommand(io: CommandIo, context: ProcessContext): Command {
	const command = new Command('spool').description(
		'show the spool: unsent points, bytes, oldest and newest point time, dead letters with their ' +
			"reasons, and the target; then the backfill's spool (<spool.directory>-backfill) when there is " +
			'one; only reads, so it works while a collector or a backfill runs',
	);
	return withConfigFileArgument(command)
		.option('-f, --format <format>', 'table or json', parseSpoolFormat, 'table' as SpoolFormat)
		.action(async (argument: string | undefined, flags: SpoolFlags) => {
			const config = configFileOf(flags.config, argument);
			await showSpool({...flags, ...(config === undefined ? {} : {config})}, io, context);
		});
}

export async function showSpool(flags: SpoolFlags, io: CommandIo, context: ProcessContext): Promise<void> {
	// The token is not needed to look at files: a shell without INFLUX_TOKEN can still look.
	// No embedded fallback: the simulated meter writes nowhere, so its empty spool would read as an all-clear
	// for a spool the user never named. Without a configuration: exit 78, as check-config and backfill.
	const loaded = await loadConfiguration(flags.config, context, {
		embeddedFallback: false,
		withSecrets: false,
	});
	const {config} = loaded;
	const base = configBase(loaded, context.cwd);
	const directory = isAbsolute(config.spool.directory)
		? config.spool.directory
		: resolve(base, config.spool.directory);
	const status = await inspectedSpool(directory);
	// A backfill keeps a spool of its own beside the collector's: what it left unsent waits there.
	const backfill = await inspectedSpool(backfillSpoolDirectory(config, base));
	const target =
		config.influxdb === undefined ? undefined : describeTarget(influxTargetFromConfig(config.influxdb, {}));
	if (flags.format === 'json') {
		io.stdout.write(
			`${JSON.stringify(
				{
					...withOwner(status),
					target: target ?? null,
					backfill: backfill.exists ? withOwner(backfill) : null,
				},
				null,
				2,
			)}\n`,
		);
		return;
	}
	let text = spoolTable(status, target, {spool: 'spool', owner: 'collector'});
	if (backfill.exists) {
		text += `\n${spoolTable(backfill, target, {spool: 'backfill spool', owner: 'backfill'})}`;
		if (backfill.unsentPoints > 0) {
			text += `  (sent by the next backfill, or now with: dlms-logger backfill${flags.config === undefined ? '' : ` -c ${flags.config}`} --resend)\n`;
		}
	}
	io.stdout.write(text);
}

/** inspectSpool, with a directory it may not read said in one line as other commands say it (exit 1). */
async function inspectedSpool(directory: string): Promise<SpoolStatus> {
	try {
		return await inspectSpool(directory);
	} catch (error) {
		// A file inside (a data file, the dead letters) names itself; Node's errors carry its path.
		const place = (error as NodeJS.ErrnoException).path ?? directory;
		throw new CliError(`${place}: cannot read: ${fsErrorCause(error)}`, {cause: error});
	}
}

/** Whether a lock's process runs: known only on this host. */
function ownerRunning(status: SpoolStatus): boolean | undefined {
	const {owner} = status;
	if (owner === undefined || owner.host !== hostname()) return undefined;
	return systemProcessProbe.isRunning(owner.pid);
}

function withOwner(status: SpoolStatus): Record<string, unknown> {
	const {owner} = status;
	return owner === undefined
		? {...status}
		: {...status, owner: {...owner, running: ownerRunning(status) ?? null}};
}

function spoolTable(
	status: SpoolStatus,
	target: string | undefined,
	labels: {readonly spool: string; readonly owner: string},
): string {
	const running = ownerRunning(status);
	const rows: [string, string][] = [
		[labels.spool, status.exists ? status.directory : `${status.directory} (does not exist yet)`],
		['target', target ?? 'none: no influxdb section, points go to stdout and nothing is spooled'],
	];
	const {owner} = status;
	rows.push([
		labels.owner,
		owner === undefined
			? 'none holds the spool'
			: `pid ${owner.pid} on ${owner.host}, since ${owner.since}${
					running === undefined ? '' : running ? ' (running)' : ' (not running: the next start takes over)'
				}`,
	]);
	rows.push(['unsent', `${plural(status.unsentPoints, 'point')}, ${byteSize(status.unsentBytes)}`]);
	if (status.oldestPointTime && status.newestPointTime) {
		rows.push(['oldest point', status.oldestPointTime.toISOString()]);
		rows.push(['newest point', status.newestPointTime.toISOString()]);
	}
	if (status.dropped !== undefined) {
		const {dropped} = status;
		rows.push([
			'dropped',
			`${plural(dropped.lines, 'point')} at spool.max_size since ${dropped.since}, never sent (last ${dropped.lastLines} at ${dropped.lastAt})`,
		]);
	}
	rows.push([
		'dead letters',
		status.deadLetters.lines === 0 ? 'none' : plural(status.deadLetters.lines, 'line'),
	]);
	const width = Math.max(...rows.map(([label]) => label.length));
	let text = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}\n`).join('');
	for (const reason of status.deadLetters.reasons) {
		const when = reason.first === reason.last ? reason.first : `${reason.first} to ${reason.last}`;
		text += `  ${plural(reason.lines, 'line')} (${when}): ${reason.reason}\n`;
	}
	if (status.deadLetters.lines > 0) text += `  (in ${status.directory}/dead-letter.lp)\n`;
	return text;
}

export function parseSpoolFormat(value: string): SpoolFormat {
	if (value === 'table' || value === 'json') return value;
	throw new InvalidArgumentError('choose one of table, json');
}
