import {Command} from 'commander';
import {ConfigError} from '../config/config-error.ts';
import {ENVIRONMENT_LABEL} from '../config/environment-config.ts';
import {assertStartable, configBase} from '../daemon/startup-checks.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
import type {CommandIo} from './command-io.ts';
import {loadConfiguration, type ProcessContext} from './config-source.ts';

/** `dlms-logger check-config [FILE]`: validates a configuration and lists every problem at once. */
export function checkConfigCommand(io: CommandIo, context: ProcessContext): Command {
	return new Command('check-config')
		.description('validate a configuration file and list every problem with its YAML path and line')
		.argument(
			'[file]',
			'configuration file (default: $DLMS_LOGGER_CONFIG, else ./config.yaml, else one meter from METER_PORT and the other METER_* variables)',
		)
		.action(async (file: string | undefined) => {
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
			const meters = config.meters.map((meter) => {
				const when = meter.schedule ?? `every ${(meter.every ?? 60_000) / 1000} s`;
				return `  ${meter.id}: ${meter.port}, mode ${meter.mode}, ${when}`;
			});
			const output = config.influxdb
				? `${config.influxdb.url} (InfluxDB ${config.influxdb.version})`
				: 'stdout';
			io.stdout.write(
				`${loaded.source === undefined ? loaded.file : ENVIRONMENT_LABEL}: ok, ${config.meters.length} ${config.meters.length === 1 ? 'meter' : 'meters'}, points to ${output}\n${meters.join('\n')}\n`,
			);
		});
}
