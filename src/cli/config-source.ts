import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import {ConfigError} from '../config/config-error.ts';
import {type LoadedConfig, loadConfigFile} from '../config/config-loader.ts';
import {embeddedConfig} from '../daemon/embedded-config.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';

export interface ProcessContext {
	readonly env: NodeJS.ProcessEnv;
	readonly cwd: string;
}

/**
 * Which configuration a command uses: `--config FILE`, else $DLMS_LOGGER_CONFIG, else ./config.yaml
 * when it exists, else (for `run` only) the embedded default: the simulated meter.
 */
export async function loadConfiguration(
	file: string | undefined,
	context: ProcessContext,
	options: {embeddedFallback: boolean; withSecrets?: boolean},
): Promise<LoadedConfig> {
	const {DLMS_LOGGER_CONFIG} = context.env;
	const chosen = file ?? DLMS_LOGGER_CONFIG ?? defaultFile(context);
	try {
		if (chosen !== undefined) {
			return await loadConfigFile(resolve(context.cwd, chosen), {
				env: context.env,
				...(options.withSecrets === undefined ? {} : {withSecrets: options.withSecrets}),
			});
		}
		if (options.embeddedFallback) return await embeddedConfig(context.env);
	} catch (error) {
		if (error instanceof ConfigError) {
			throw new CliError(error.message, {exitCode: EXIT_CODES.config, cause: error});
		}
		throw error;
	}
	throw new CliError('no configuration: give a FILE, or create config.yaml (see config.yaml.example)', {
		exitCode: EXIT_CODES.config,
	});
}

function defaultFile(context: ProcessContext): string | undefined {
	const path = resolve(context.cwd, 'config.yaml');
	return existsSync(path) ? path : undefined;
}
