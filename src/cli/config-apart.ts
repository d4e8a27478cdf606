import {fork} from 'node:child_process';
import {ConfigError, type ConfigProblem} from '../config/config-error.ts';
import type {LoadedConfig} from '../config/config-loader.ts';
import {formatPath} from '../config/config-path.ts';
import {CliError} from './cli-error.ts';
import type {ProcessContext} from './config-source.ts';

/** What the loader process is asked: loadConfiguration's arguments. */
export interface ConfigRequest {
	readonly file: string | undefined;
	readonly context: ProcessContext;
	readonly options: {embeddedFallback: boolean; withSecrets?: boolean};
}

/** Where a problem found after validation is reported: its line in the file, or its variable's name. */
export interface ConfigPlace {
	readonly line?: number;
	readonly place?: string;
}

/**
 * What the loader process answers; plain data only (structured clone): the configuration without its
 * YAML document, plus the line and name of every place the start-up checks can name.
 */
export type ConfigReply =
	| {
			readonly kind: 'loaded';
			readonly loaded: Omit<LoadedConfig, 'locate' | 'placeOf'>;
			readonly places: Readonly<Record<string, ConfigPlace>>;
			/** The host's IANA zone (see hostTimeZone), asked where Intl is loaded anyway. */
			readonly hostTimeZone: string;
	  }
	| {
			readonly kind: 'cli-error';
			readonly message: string;
			readonly exitCode: number;
			readonly hint?: string;
			readonly configError?: {readonly file: string; readonly problems: readonly ConfigProblem[]};
	  }
	| {readonly kind: 'error'; readonly message: string; readonly stack?: string};

/** A configuration loaded apart, with the host's zone, which costs Intl to ask (see process-zone-rules.ts). */
export type LoadedApart = LoadedConfig & {readonly hostTimeZone: string};

/** The entry the loader process runs, beside this module once built (dist/src/cli/). */
const ENTRY = new URL('./config-loader-process.js', import.meta.url);

/**
 * loadConfiguration in a short-lived child process. The collector validates its configuration once,
 * at start; yaml and zod (with its message locales) would then stay in its heap and code space for
 * the life of the process, about 11 MB of resident memory of a collector that needs ~60 MB in all. A
 * worker thread gives back only half of it (its heap and arenas stay mapped); a process gives it all.
 * Errors come back as they would in-process: the same message, hint and exit code, a ConfigError
 * with its problems as the cause. Run from TypeScript sources (the unit tests), where the entry is
 * not built, it loads in-process.
 */
export async function loadConfigurationApart(
	file: string | undefined,
	context: ProcessContext,
	options: {embeddedFallback: boolean; withSecrets?: boolean},
): Promise<LoadedApart> {
	if (!import.meta.url.endsWith('.js')) {
		const [{loadConfiguration}, {hostTimeZone}] = await Promise.all([
			import('./config-source.ts'),
			import('../daemon/host-time-zone.ts'),
		]);
		return {...(await loadConfiguration(file, context, options)), hostTimeZone: hostTimeZone()};
	}
	const request: ConfigRequest = {file, context, options};
	return rebuiltConfig(await askLoaderProcess(request));
}

function askLoaderProcess(request: ConfigRequest): Promise<ConfigReply> {
	return new Promise((resolve, reject) => {
		// No V8 flags of the collector's, and a default heap: validation is a one-off burst.
		const child = fork(ENTRY, [], {
			serialization: 'advanced',
			execArgv: [],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		let reply: ConfigReply | undefined;
		child.on('message', (message) => {
			reply = message as ConfigReply;
		});
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			if (reply !== undefined) resolve(reply);
			else
				reject(new Error(`the configuration loader ended without an answer (${signal ?? `exit ${code}`})`));
		});
		child.send(request);
	});
}

/** The loaded configuration back in this process, or the error the loader met, thrown here. */
export function rebuiltConfig(reply: ConfigReply): LoadedApart {
	if (reply.kind === 'error') {
		const error = new Error(reply.message);
		if (reply.stack !== undefined) error.stack = reply.stack;
		throw error;
	}
	if (reply.kind === 'cli-error') {
		const cause =
			reply.configError === undefined
				? undefined
				: new ConfigError(reply.configError.file, reply.configError.problems);
		throw new CliError(reply.message, {
			exitCode: reply.exitCode,
			...(cause === undefined ? {} : {cause}),
			...(reply.hint === undefined ? {} : {hint: reply.hint}),
		});
	}
	const {loaded, places, hostTimeZone} = reply;
	const placeOf = (path: readonly PropertyKey[]) => places[formatPath(path)];
	const named = Object.values(places).some((place) => place.place !== undefined);
	return {
		...loaded,
		hostTimeZone,
		locate: (path) => placeOf(path)?.line,
		...(named ? {placeOf: (path) => placeOf(path)?.place ?? formatPath(path)} : {}),
	};
}
