import {Command} from 'commander';
import {ConfigError} from '../config/config-error.ts';
import type {InfluxConfig} from '../config/config-schema.ts';
import {ENVIRONMENT_LABEL} from '../config/environment-config.ts';
import {assertStartable, configBase} from '../daemon/startup-checks.ts';
import {plural} from '../observability/plural.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {configFileOf, withConfigFileArgument} from './config-file-argument.ts';
import {loadConfiguration, type ProcessContext} from './config-source.ts';
import {configWarningLines} from './config-warning-lines.ts';

/** `dlms-logger check-config [-c FILE | FILE]`: validates a configuration and lists every problem at once. */
export function checkConfigCommand(io: CommandIo, context: ProcessContext): Command {
	const command = new Command('check-config').description(
		'validate the configuration, a file or the METER_* and INFLUX_* environment variables, and list every problem with its YAML path and line or its variable',
	);
	return withConfigFileArgument(command).action(
		async (argument: string | undefined, flags: {config?: string}) => {
			const file = configFileOf(flags.config, argument);
			const loaded = await loadConfiguration(file, context, {embeddedFallback: false});
			// The same checks `run` makes before it starts.
			try {
				await assertStartable(loaded, configBase(loaded, context.cwd));
			} catch (error) {
				if (error instanceof ConfigError) {
					throw new CliError(error.message, {exitCode: EXIT_CODES.config, cause: error});
				}
				throw error;
			}
			const {config} = loaded;
			const label = loaded.source === undefined ? loaded.file : ENVIRONMENT_LABEL;
			// What is valid but most likely not meant: said, with exit 0 (a reader may be unplugged for now).
			for (const line of await configWarningLines(loaded, context.cwd)) io.stderr.write(`${line}\n`);
			const meters = config.meters.map((meter) => {
				const when = meter.schedule ?? `every ${(meter.every ?? 60_000) / 1000} s`;
				return `  ${meter.id}: ${meter.port}, mode ${meter.mode}, ${when}`;
			});
			const output = config.influxdb ? describeTarget(config.influxdb) : 'stdout';
			io.stdout.write(
				`${label}: ok, ${plural(config.meters.length, 'meter')}, points to ${output}\n${meters.join('\n')}\n`,
			);
		},
	);
}

/** `http://db:8086 (InfluxDB 2, bucket meters of org home)`; the url without any `user:password@`. */
function describeTarget(influx: InfluxConfig): string {
	const url = new URL(influx.url);
	url.username = '';
	url.password = '';
	const where =
		influx.version === '2'
			? `bucket ${influx.bucket ?? '?'} of org ${influx.org ?? '?'}`
			: `database ${influx.database ?? '?'}${influx.retention_policy === undefined ? '' : `, retention policy ${influx.retention_policy}`}`;
	return `${url.href.replace(/\/$/, '')} (InfluxDB ${influx.version}, ${where})`;
}
