import {ConfigError} from '../config/config-error.ts';
import {formatPath} from '../config/config-path.ts';
import {hostTimeZone} from '../daemon/host-time-zone.ts';
import {startupCheckPaths} from '../daemon/startup-checks.ts';
import {CliError} from './cli-error.ts';
import type {ConfigPlace, ConfigReply, ConfigRequest} from './config-apart.ts';
import {loadConfiguration} from './config-source.ts';
import {configWarningLines} from './config-warning-lines.ts';

/**
 * The configuration loader process (see loadConfigurationApart): reads one request, loads and
 * validates the configuration, answers with plain data and exits.
 */
async function answer(request: ConfigRequest): Promise<ConfigReply> {
	try {
		const full = await loadConfiguration(request.file, request.context, request.options);
		const {locate, placeOf, ...loaded} = full;
		// Placed here, where the YAML document is: its lines are not sent back.
		const warnings = await configWarningLines(full, request.context.cwd);
		const places: Record<string, ConfigPlace> = {};
		for (const path of startupCheckPaths(loaded.config)) {
			const line = locate?.(path);
			const place = placeOf?.(path);
			places[formatPath(path)] = {
				...(line === undefined ? {} : {line}),
				...(place === undefined ? {} : {place}),
			};
		}
		return {kind: 'loaded', loaded, places, hostTimeZone: hostTimeZone(), warnings};
	} catch (error) {
		if (error instanceof CliError) {
			const cause = error.cause;
			return {
				kind: 'cli-error',
				message: error.message,
				exitCode: error.exitCode,
				...(error.hint === undefined ? {} : {hint: error.hint}),
				...(cause instanceof ConfigError
					? {configError: {file: cause.file, problems: cause.problems.map((problem) => ({...problem}))}}
					: {}),
			};
		}
		const {message, stack} = error as Error;
		return {kind: 'error', message: message ?? String(error), ...(stack === undefined ? {} : {stack})};
	}
}

process.once('message', (request) => {
	void answer(request as ConfigRequest).then((reply) => {
		// The collector may be gone by now (killed while this process loaded): then there is no channel to
		// close, and disconnect() would throw ERR_IPC_DISCONNECTED onto the collector's stderr.
		process.send?.(reply, () => {
			if (process.connected) process.disconnect();
		});
	});
});
