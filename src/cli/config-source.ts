import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import {ConfigError} from '../config/config-error.ts';
import {type LoadedConfig, loadConfigFile} from '../config/config-loader.ts';
import {environmentConfig, hasMeterEnvironment} from '../config/environment-config.ts';
import {embeddedConfig} from '../daemon/embedded-config.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';

export interface ProcessContext {
	readonly env: NodeJS.ProcessEnv;
	readonly cwd: string;
}

/**
 * Which configuration a command uses: `--config FILE`, else $DLMS_LOGGER_CONFIG, else ./config.yaml
 * when it exists, else one meter from environment variables when METER_PORT is set (the container's
 * way), else (for `run` only) the embedded default: the simulated meter. An empty DLMS_LOGGER_CONFIG
 * counts as unset (Compose passes `${VAR:-}` as "").
 */
export async function loadConfiguration(
	file: string | undefined,
	context: ProcessContext,
	options: {embeddedFallback: boolean; withSecrets?: boolean},
): Promise<LoadedConfig> {
	const {DLMS_LOGGER_CONFIG} = context.env;
	const chosen = file ?? (DLMS_LOGGER_CONFIG?.trim() || undefined) ?? defaultFile(context);
	if (chosen === undefined && !hasMeterEnvironment(context.env)) refuseMisnamedFile(context);
	try {
		if (chosen !== undefined) {
			return await loadConfigFile(resolve(context.cwd, chosen), {
				env: context.env,
				...(options.withSecrets === undefined ? {} : {withSecrets: options.withSecrets}),
			});
		}
		if (hasMeterEnvironment(context.env)) {
			const loaded = await environmentConfig(context.env, {baseDirectory: context.cwd});
			return {...loaded, file: '', source: 'environment'};
		}
		if (options.embeddedFallback) return await embeddedConfig(context.env, context.cwd);
	} catch (error) {
		if (error instanceof ConfigError) {
			throw new CliError(error.message, {exitCode: EXIT_CODES.config, cause: error});
		}
		throw error;
	}
	throw new CliError(
		'no configuration: give a FILE, create config.yaml (see config.yaml.example), or set METER_PORT and the other METER_* variables',
		{
			exitCode: EXIT_CODES.config,
		},
	);
}

/**
 * A `config.yml` (or `dlms-logger.yaml`) where `config.yaml` is looked for: said, exit 78, instead of
 * running the simulated meter (run) or asking for a configuration (check-config) as if there were none.
 * Not read: one file name, the documented one, keeps what runs obvious.
 */
function refuseMisnamedFile(context: ProcessContext): void {
	for (const name of MISNAMED_FILES) {
		if (!existsSync(resolve(context.cwd, name))) continue;
		throw new CliError(
			`found ${name} but no config.yaml: did you mean config.yaml? Rename it, or give it with --config ${name}`,
			{exitCode: EXIT_CODES.config},
		);
	}
}

/** Names people give the file that are not `config.yaml`. */
const MISNAMED_FILES = ['config.yml', 'config.YAML', 'Config.yaml', 'dlms-logger.yaml', 'dlms-logger.yml'];

function defaultFile(context: ProcessContext): string | undefined {
	const path = resolve(context.cwd, 'config.yaml');
	return existsSync(path) ? path : undefined;
}
