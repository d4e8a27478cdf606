import {constants} from 'node:fs';
import {access, realpath, stat} from 'node:fs/promises';
import {dirname, isAbsolute, resolve, sep} from 'node:path';
import {ConfigError, type ConfigProblem} from '../config/config-error.ts';
import type {LoadedConfig} from '../config/config-loader.ts';
import {formatPath} from '../config/config-path.ts';
import {meterPortProblem} from '../config/meter-port-problem.ts';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {influxTargetFromConfig} from './influx-target-from-config.ts';

/** How messages name the configuration that has no file. */
export const EMBEDDED_CONFIG_NAME = '(embedded default)';

/**
 * What the collector checks before it starts, beyond the schema: each port can be turned into a link
 * (a `tcp://` address with its port, a simulator profile that exists), the writer accepts its target,
 * and the spool and archive directories can be created and written. The collector runs exactly these
 * at start-up and `check-config` runs them too, so nothing passes one and fails the other. Nothing is
 * opened, created or sent. Every problem carries its YAML path and line.
 *
 * @param base the directory relative paths in the configuration start from.
 */
export async function startupProblems(loaded: LoadedConfig, base: string): Promise<ConfigProblem[]> {
	const {config} = loaded;
	const problems: ConfigProblem[] = [];
	const problem = (path: (string | number)[], message: string) => {
		const line = loaded.locate?.(path);
		problems.push({
			path: loaded.placeOf?.(path) ?? formatPath(path),
			...(line === undefined ? {} : {line}),
			message,
		});
	};
	for (const [index, meter] of config.meters.entries()) {
		const portProblem = await meterPortProblem(meter.port);
		if (portProblem !== undefined) problem(['meters', index, 'port'], portProblem);
	}
	if (config.influxdb !== undefined) {
		try {
			const {InfluxLineWriter} = await import('../output/influx-line-writer.ts');
			new InfluxLineWriter(influxTargetFromConfig(config.influxdb, loaded.secrets), {
				timeoutMs: config.influxdb.timeout,
			});
		} catch (error) {
			problem(['influxdb', 'url'], (error as Error).message);
		}
		const spool = await directoryProblem(resolveFrom(base, config.spool.directory));
		if (spool !== undefined) problem(['spool', 'directory'], spool);
	}
	if (config.archive !== undefined) {
		const archive = await directoryProblem(resolveFrom(base, config.archive.directory));
		if (archive !== undefined) problem(['archive', 'directory'], archive);
	}
	return problems;
}

/**
 * Every place startupProblems can report a problem at, for a configuration: a configuration loaded in
 * another process hands over the lines and names of exactly these (its YAML document stays there).
 */
export function startupCheckPaths(config: LoadedConfig['config']): (string | number)[][] {
	return [
		...config.meters.map((_, index) => ['meters', index, 'port']),
		['influxdb', 'url'],
		['spool', 'directory'],
		['archive', 'directory'],
	];
}

/** Throws a ConfigError listing every start-up problem (exit 78 in the CLI). */
export async function assertStartable(loaded: LoadedConfig, base: string): Promise<void> {
	const problems = await startupProblems(loaded, base);
	if (problems.length > 0)
		throw new ConfigError(
			loaded.label ?? (loaded.file === '' ? EMBEDDED_CONFIG_NAME : loaded.file),
			problems,
		);
}

/** Where relative paths of a configuration start: its file's directory; for the embedded default, the working directory. */
export function configBase(loaded: LoadedConfig, workingDirectory: string): string {
	return loaded.file === '' ? workingDirectory : dirname(resolve(workingDirectory, loaded.file));
}

function resolveFrom(base: string, path: string): string {
	return isAbsolute(path) ? path : resolve(base, path);
}

/**
 * The kernel's virtual file systems: nothing written there is kept, and root may "write" there. Node
 * 20's recursive mkdir of a missing path under /proc never returns (it loops at 100 % CPU).
 */
const KERNEL_FILE_SYSTEMS = ['/proc', '/sys', '/dev'] as const;

function kernelFileSystemOf(path: string): string | undefined {
	return KERNEL_FILE_SYSTEMS.find((root) => path === root || path.startsWith(`${root}${sep}`));
}

/**
 * Why a directory cannot be used (created if missing, then written), or undefined: checks the
 * directory, else its nearest existing ancestor, without creating anything. A directory under /proc,
 * /sys or /dev is refused, also when a symbolic link leads there.
 */
async function directoryProblem(directory: string): Promise<string | undefined> {
	const kernel = (path: string) => {
		const root = kernelFileSystemOf(path);
		return root === undefined
			? undefined
			: `${directory} is under ${root}, a kernel file system that stores nothing; choose a directory on a disk`;
	};
	const named = kernel(directory);
	if (named !== undefined) return named;
	let current = directory;
	for (;;) {
		const info = await stat(current).catch((error: NodeJS.ErrnoException) => error);
		if (!(info instanceof Error)) {
			const linked = kernel(await realpath(current).catch(() => current));
			if (linked !== undefined) return linked;
			if (!info.isDirectory()) {
				return current === directory
					? `${directory} is a file, not a directory`
					: `cannot create ${directory}: ${current} is a file`;
			}
			try {
				await access(current, constants.W_OK | constants.X_OK);
				return undefined;
			} catch {
				return current === directory
					? `${directory} is not writable for this user`
					: `cannot create ${directory}: ${current} is not writable for this user`;
			}
		}
		if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR')
			return `cannot use ${directory}: ${fsErrorCause(info)}`;
		const parent = dirname(current);
		if (parent === current) return `cannot use ${directory}`;
		current = parent;
	}
}
