import type {Command} from 'commander';
import {CliError, EXIT_CODES} from './cli-error.ts';

/** Help text of `-c, --config <file>`, the same for every command that reads the configuration. */
export const CONFIG_OPTION_HELP =
	'configuration file (default: $DLMS_LOGGER_CONFIG, else ./config.yaml, else one meter from METER_PORT and the other METER_* variables)';

/**
 * The configuration file of a command that takes it both ways, `-c FILE` and a FILE argument
 * (`check-config sim.yaml`, `spool sim.yaml`): either, or both when they name the same file.
 * Throws CliError (usage) when they name two files.
 */
export function configFileOf(option: string | undefined, argument: string | undefined): string | undefined {
	if (option !== undefined && argument !== undefined && option !== argument) {
		throw new CliError(`two configuration files given: -c ${option} and ${argument}; give one`, {
			exitCode: EXIT_CODES.usage,
		});
	}
	return option ?? argument;
}

/** Declares both ways on `command`: a `[file]` argument and `-c, --config <file>` (read them with configFileOf). */
export function withConfigFileArgument(command: Command): Command {
	return command
		.argument('[file]', `${CONFIG_OPTION_HELP}; the same as -c FILE`)
		.option('-c, --config <file>', CONFIG_OPTION_HELP);
}
