import {fork} from 'node:child_process';
import {ConfigError, type ConfigProblem} from '../config/config-error.ts';
import type {LoadedConfig} from '../config/config-loader.ts';
import {formatPath} from '../config/config-path.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';
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
			/** The configuration's warnings, one line each, as `check-config` prints them (configWarningLines). */
			readonly warnings: readonly string[];
	  }
	| {
			readonly kind: 'cli-error';
			readonly message: string;
			readonly exitCode: number;
			readonly hint?: string;
			readonly configError?: {readonly file: string; readonly problems: readonly ConfigProblem[]};
	  }
	| {readonly kind: 'error'; readonly message: string; readonly stack?: string};

/**
 * A configuration loaded apart, with the host's zone, which costs Intl to ask (see process-zone-rules.ts),
 * and its warnings as `check-config` prints them, one line each (configWarningLines).
 */
export type LoadedApart = LoadedConfig & {
	readonly hostTimeZone: string;
	readonly warnings: readonly string[];
};

/** The entry the loader process runs, beside this module once built (dist/src/cli/). */
const ENTRY = new URL('./config-loader-process.js', import.meta.url);

/**
 * loadConfiguration in a short-lived child process. The collector validates its configuration once,
 * at start; yaml and zod (with its message locales) would then stay in its heap and code space for
 * the life of the process, about 11 MB of resident memory of a collector that needs ~60 MB in all. A
 * worker thread gives back only half of it (its heap and arenas stay mapped); a process gives it all.
 * Errors come back as they would in-process: the same message, hint and exit code, a ConfigError
 * with its problems as the cause. Run from TypeScript sources (the unit tests), where the entry is
 * not built, it loads in-process. When `signal` aborts (SIGINT, SIGTERM) while the loader runs, the
 * loader is stopped and a CliError with the interrupted exit code (130) is thrown; so too when the
 * loader itself is ended by SIGINT or SIGTERM (Ctrl-C reaches the whole process group).
 */
export async function loadConfigurationApart(
	file: string | undefined,
	context: ProcessContext,
	options: {embeddedFallback: boolean; withSecrets?: boolean},
	signal?: AbortSignal,
): Promise<LoadedApart> {
	if (!import.meta.url.endsWith('.js')) {
		const [{loadConfiguration}, {hostTimeZone}, {configWarningLines}] = await Promise.all([
			import('./config-source.ts'),
			import('../daemon/host-time-zone.ts'),
			import('./config-warning-lines.ts'),
		]);
		const loaded = await loadConfiguration(file, context, options);
		return {...loaded, hostTimeZone: hostTimeZone(), warnings: await configWarningLines(loaded, context.cwd)};
	}
	const request: ConfigRequest = {file, context, options};
	return rebuiltConfig(await askLoaderProcess(request, signal));
}

/** The error of a configuration load that a signal ended. */
export function interruptedLoad(): CliError {
	return new CliError('interrupted while loading the configuration', {exitCode: EXIT_CODES.interrupted});
}

function askLoaderProcess(request: ConfigRequest, signal: AbortSignal | undefined): Promise<ConfigReply> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(interruptedLoad());
		// No V8 flags of the collector's, and a default heap: validation is a one-off burst.
		const child = fork(ENTRY, [], {
			serialization: 'advanced',
			execArgv: [],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		let reply: ConfigReply | undefined;
		// A loader ended by Ctrl-C may be gone before the request reaches it (EPIPE): its exit decides.
		let failure: Error | undefined;
		const stop = () => child.kill('SIGTERM');
		signal?.addEventListener('abort', stop, {once: true});
		child.on('message', (message) => {
			reply = message as ConfigReply;
		});
		child.on('error', (error) => {
			// Not started at all (no pid): no exit follows.
			if (child.pid === undefined) reject(error);
			else failure ??= error;
		});
		child.on('exit', (code, ended) => {
			signal?.removeEventListener('abort', stop);
			if (reply !== undefined) resolve(reply);
			else if (signal?.aborted || ended === 'SIGINT' || ended === 'SIGTERM') reject(interruptedLoad());
			else
				reject(
					failure ??
						new Error(`the configuration loader ended without an answer (${ended ?? `exit ${code}`})`),
				);
		});
		child.send(request, (error) => {
			if (error) failure ??= error;
		});
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
	const {loaded, places, hostTimeZone, warnings} = reply;
	const placeOf = (path: readonly PropertyKey[]) => places[formatPath(path)];
	const named = Object.values(places).some((place) => place.place !== undefined);
	return {
		...loaded,
		hostTimeZone,
		warnings,
		locate: (path) => placeOf(path)?.line,
		...(named ? {placeOf: (path) => placeOf(path)?.place ?? formatPath(path)} : {}),
	};
}
