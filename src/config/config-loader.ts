import {readFile} from 'node:fs/promises';
import {userInfo} from 'node:os';
import {isAbsolute, join, resolve} from 'node:path';
import {isScalar, LineCounter, parseDocument} from 'yaml';
import type {z} from 'zod';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {ConfigError, type ConfigProblem} from './config-error.ts';
import {formatPath} from './config-path.ts';
import {type Config, configSchema} from './config-schema.ts';
import {configIssueMessage} from './issue-wording.ts';
import {closestKey, knownKeysAt} from './key-suggestion.ts';
import {isPlaceholderSecret, placeholderSecretAdvice} from './placeholder-secret.ts';
import {unreadableDocumentProblem, yamlProblems} from './yaml-problems.ts';

export {formatPath} from './config-path.ts';

/** A configuration with its secrets read (from env or files). Secrets live here only, never in logs. */
export interface LoadedConfig {
	/** The file read; empty for a configuration from environment variables (paths relative to the working directory). */
	readonly file: string;
	/** Where a configuration without a file came from: METER_* variables, or the embedded simulated meter. */
	readonly source?: 'environment' | 'embedded';
	readonly config: Config;
	readonly secrets: {readonly token?: string; readonly password?: string};
	/** The line of a YAML path (`['meters', 0, 'port']`) in the text, for problems found after validation. */
	readonly locate?: (path: readonly (string | number)[]) => number | undefined;
	/**
	 * For a configuration that is not YAML text: how problems found after validation name their place
	 * (`['meters', 0, 'port']` → `METER_PORT`), and how they name the configuration.
	 */
	readonly placeOf?: ConfigPlaceNamer;
	readonly label?: string;
}

export interface ConfigSources {
	readonly env?: NodeJS.ProcessEnv;
	/** Reads secret files; tests swap it. Default fs.readFile. */
	readonly readSecret?: (path: string) => Promise<string>;
	/** Read the secrets (token, password)? Commands that never talk to the server skip them. Default true. */
	readonly withSecrets?: boolean;
}

/** Reads, parses and validates a config file; throws ConfigError listing every problem. */
export async function loadConfigFile(file: string, sources: ConfigSources = {}): Promise<LoadedConfig> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const reason = readFailure(error as NodeJS.ErrnoException, file);
		throw new ConfigError(file, [{path: '', message: `cannot read: ${reason}`}], {cause: error});
	}
	return await parseConfig(text, file, sources);
}

/**
 * Why the configuration file could not be read, in fsErrorCause's words (`no such file`, …); a
 * permission problem as `permission denied for user dlms-logger (uid 999): …`, naming who could not
 * read it and how to let it (the Docker image runs as uid 10001, so a mode-600 file of the host's user
 * is unreadable there).
 */
export function readFailure(error: NodeJS.ErrnoException, file: string): string {
	// As `parse DIR` says it; the file is most likely inside.
	if (error.code === 'EISDIR')
		return `${fsErrorCause(error)}: give the file, e.g. ${join(file, 'config.yaml')}`;
	if (error.code !== 'EACCES') return fsErrorCause(error);
	let who = '';
	try {
		const {username, uid} = userInfo();
		who = ` for user ${username} (uid ${uid})`;
	} catch {
		// A uid without a passwd entry (a container's --user): nothing to name.
	}
	return `permission denied${who}: let it read the file, e.g. chmod 644 ${file} (secrets belong in token_env or token_file), or chgrp its group and chmod 640; the Docker image runs as uid 10001`;
}

/** Validates configuration text (YAML); `file` names it in messages and anchors relative secret paths. */
export async function parseConfig(
	text: string,
	file: string,
	sources: ConfigSources = {},
): Promise<LoadedConfig> {
	const lineCounter = new LineCounter();
	const document = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true});
	if (document.errors.length > 0) {
		throw new ConfigError(file, yamlProblems(document.errors, text, lineCounter));
	}
	let raw: unknown;
	try {
		raw = document.toJS() ?? {};
	} catch (error) {
		throw new ConfigError(file, [unreadableDocumentProblem(error as Error, text)], {cause: error});
	}
	const parsed = configSchema.safeParse(raw, {error: configIssueMessage});
	if (!parsed.success) {
		const placeOf = (path: readonly PropertyKey[]) => {
			const line = lineOf(document, lineCounter, path);
			return {path: formatPath(path), ...(line === undefined ? {} : {line})};
		};
		const ports = await portProblems(raw, parsed.error.issues, placeOf);
		const secrets = await rawSecretProblems(raw, parsed.error.issues, file, sources, placeOf);
		throw new ConfigError(
			file,
			// In the order of the file, which is how a person fixes them.
			[
				...parsed.error.issues.flatMap((issue) => toProblems(issue, document, lineCounter)),
				...ports,
				...secrets,
			].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
		);
	}
	const config = parsed.data;
	const secrets =
		sources.withSecrets === false
			? {}
			: await readSecrets(config, file, sources, (path) => {
					const line = lineOf(document, lineCounter, path);
					return {path: formatPath(path), ...(line === undefined ? {} : {line})};
				});
	return {file, config, secrets, locate: (path) => lineOf(document, lineCounter, path)};
}

/**
 * Where a problem is, for configurations that are not YAML text (environment variables): the place a
 * schema path is reported at, e.g. `['meters', 0, 'port']` → `METER_PORT`.
 */
export type ConfigPlaceNamer = (path: readonly PropertyKey[]) => string;

/**
 * Validates a configuration built as an object rather than read from YAML; problems are reported at
 * the places `nameOf` gives. `file` anchors relative secret paths (empty: the working directory).
 */
export async function parseConfigObject(
	raw: unknown,
	label: string,
	nameOf: ConfigPlaceNamer,
	sources: ConfigSources & {readonly baseDirectory?: string} = {},
): Promise<Omit<LoadedConfig, 'file'>> {
	const parsed = configSchema.safeParse(raw, {error: configIssueMessage});
	if (!parsed.success) {
		throw new ConfigError(label, [
			...parsed.error.issues.map((issue) => ({
				path: nameOf(issue.path),
				// An unset variable is missing, whatever the schema says about a wrong value.
				message: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message,
			})),
			...(await portProblems(raw, parsed.error.issues, (path) => ({path: nameOf(path)}))),
			...(await rawSecretProblems(
				raw,
				parsed.error.issues,
				resolve(sources.baseDirectory ?? '.', 'environment'),
				sources,
				(path) => ({
					path: nameOf(path),
				}),
			)),
		]);
	}
	const config = parsed.data;
	const anchor = resolve(sources.baseDirectory ?? '.', 'environment');
	const secrets = await readSecrets(config, anchor, sources, (path) => ({path: nameOf(path)}), label);
	return {config, secrets, placeOf: nameOf, label};
}

/**
 * The start-up port checks (startupProblems) of the meters a refused configuration still lets us check,
 * so that one pass names a wrong port beside the schema's problems instead of after they are fixed.
 */
async function portProblems(
	raw: unknown,
	issues: readonly z.core.$ZodIssue[],
	placeOf: (path: readonly (string | number)[]) => Pick<ConfigProblem, 'path' | 'line'>,
): Promise<ConfigProblem[]> {
	// Loaded only for a refused configuration: the port checks bring in the serial and TCP links.
	const {meterPortProblem, portsToCheck} = await import('./meter-port-problem.ts');
	const problems: ConfigProblem[] = [];
	for (const {path, port} of portsToCheck(
		raw,
		issues.map((issue) => issue.path),
	)) {
		const message = await meterPortProblem(port);
		if (message !== undefined) problems.push({...placeOf(path), message});
	}
	return problems;
}

async function readSecrets(
	config: Config,
	file: string,
	sources: ConfigSources,
	placeOf: (path: readonly PropertyKey[]) => Pick<ConfigProblem, 'path' | 'line'>,
	label = file,
): Promise<LoadedConfig['secrets']> {
	if (config.influxdb === undefined) return {};
	const {secrets, problems} = await secretsOf(
		config.influxdb as unknown as Readonly<Record<string, unknown>>,
		file,
		sources,
		placeOf,
	);
	if (problems.length > 0) throw new ConfigError(label, problems);
	return secrets;
}

/**
 * The secret problems (unset variable, unreadable file, placeholder) of a configuration the schema
 * refused, so that one pass lists them beside the schema's problems instead of after those are fixed.
 * Only `influxdb` fields that are strings are looked at: the schema names the others.
 */
async function rawSecretProblems(
	raw: unknown,
	issues: readonly z.core.$ZodIssue[],
	file: string,
	sources: ConfigSources,
	placeOf: (path: readonly PropertyKey[]) => Pick<ConfigProblem, 'path' | 'line'>,
): Promise<ConfigProblem[]> {
	if (sources.withSecrets === false) return [];
	const influx = (raw as {influxdb?: unknown} | null)?.influxdb;
	if (typeof influx !== 'object' || influx === null) return [];
	// A field the schema refused is named once, by the schema.
	const refused = new Set(
		issues.filter((issue) => issue.path[0] === 'influxdb').map((issue) => String(issue.path[1])),
	);
	const strings = Object.fromEntries(
		Object.entries(influx).filter(
			(entry): entry is [string, string] => typeof entry[1] === 'string' && !refused.has(entry[0]),
		),
	);
	return (await secretsOf(strings, file, sources, placeOf)).problems;
}

/** The token and password from wherever `influx` says (inline, `*_env`, `*_file`), and what is wrong. */
async function secretsOf(
	influx: Readonly<Record<string, unknown>>,
	file: string,
	sources: ConfigSources,
	placeOf: (path: readonly PropertyKey[]) => Pick<ConfigProblem, 'path' | 'line'>,
): Promise<{secrets: LoadedConfig['secrets']; problems: ConfigProblem[]}> {
	const env = sources.env ?? {};
	const readSecret = sources.readSecret ?? ((path: string) => readFile(path, 'utf8'));
	const problems: ConfigProblem[] = [];
	const secrets: {token?: string; password?: string} = {};
	const fields = influx as Readonly<Record<string, string | undefined>>;
	for (const name of ['token', 'password'] as const) {
		const inline = fields[name];
		const variable = fields[`${name}_env`];
		const path = fields[`${name}_file`];
		const place = (key: string) => placeOf(['influxdb', key]);
		if (inline !== undefined) secrets[name] = inline;
		if (variable !== undefined) {
			const value = env[variable];
			if (value === undefined || value === '') {
				problems.push({
					...place(`${name}_env`),
					message: `environment variable ${variable} is not set`,
				});
			} else {
				secrets[name] = value;
			}
		}
		if (path !== undefined) {
			const absolute = isAbsolute(path) ? path : resolve(file, '..', path);
			try {
				// A trailing newline is an artefact of how secret files are written, not part of the secret.
				const secret = (await readSecret(absolute)).replace(/\r?\n$/, '');
				// An empty file is a secret not written yet (a Docker secret created before its value).
				if (secret === '') problems.push({...place(`${name}_file`), message: `${absolute} is empty`});
				else secrets[name] = secret;
			} catch (error) {
				problems.push({
					...place(`${name}_file`),
					message: `cannot read ${absolute}: ${fsErrorCause(error)}`,
				});
			}
		}
	}
	for (const name of ['token', 'password'] as const) {
		const secret = secrets[name];
		if (secret === undefined || !isPlaceholderSecret(secret)) continue;
		const key =
			[name, `${name}_env`, `${name}_file`].find((candidate) => fields[candidate] !== undefined) ?? name;
		const place = placeOf(['influxdb', key]);
		const variable = fields[`${name}_env`];
		// Named by the variable where that is not already the place (config.yaml's token_env: INFLUX_TOKEN).
		const what = key.endsWith('_env') && place.path !== variable ? `${variable} is still` : 'still';
		problems.push({
			...place,
			message: `${what} a change-me placeholder of an older .env.example: ${placeholderSecretAdvice(name)}`,
		});
	}
	return {secrets, problems};
}

function toProblems(
	issue: z.core.$ZodIssue,
	document: ReturnType<typeof parseDocument>,
	lineCounter: LineCounter,
): ConfigProblem[] {
	const path = issue.path;
	const message = issue.message;
	if (issue.code === 'unrecognized_keys') {
		// One problem per key, each at its own line, with the known key it was most likely meant to be.
		const known = knownKeysAt(configSchema, path);
		// A section left empty (`influxdb:` with its keys not indented) leaves its keys one level up.
		const emptySections = known.filter(
			(section) => document.hasIn([...path, section]) && document.getIn([...path, section]) === null,
		);
		return issue.keys.map((key) => {
			const line = lineOf(document, lineCounter, [...path, key], true);
			const meant = closestKey(key, known);
			const owner = emptySections.find((section) =>
				knownKeysAt(configSchema, [...path, section]).includes(key),
			);
			// A list left empty (`meters:` with its entry's keys not indented): the key of one entry.
			const list = emptySections.find((section) =>
				knownKeysAt(configSchema, [...path, section, 0]).includes(key),
			);
			const hint =
				owner !== undefined
					? `: it belongs to ${owner}, which is empty; indent it under "${owner}:"`
					: list !== undefined
						? `: it belongs to an entry of ${list}, which is empty; indent it under "${list}:" as a list entry ("  - ${key}: …")`
						: meant !== undefined
							? ` (did you mean "${meant}"?)`
							: '';
			return {
				path: formatPath(path),
				...(line === undefined ? {} : {line}),
				message: `unknown key ${JSON.stringify(key)}${hint}`,
			};
		});
	}
	const line = lineOf(document, lineCounter, path);
	return [
		{
			path: formatPath(path),
			...(line === undefined ? {} : {line}),
			message: asWritten(message, issue, document),
		},
	];
}

/**
 * The quoting hint with the value as written: YAML reads `address: 00012345` as the number 12345, and
 * "write it in quotes" must keep the zeros a device address or serial number may need.
 */
function asWritten(
	message: string,
	issue: z.core.$ZodIssue,
	document: ReturnType<typeof parseDocument>,
): string {
	if (issue.code !== 'invalid_type') return message;
	// zod leaves the input out of its issues: the node holds it, and the text it was read from.
	const node = document.getIn(issue.path as (string | number)[], true);
	if (!isScalar(node) || typeof node.value !== 'number' || typeof node.source !== 'string') return message;
	const read = String(node.value);
	if (node.source === read) return message;
	return message.replace(`(write it in quotes: "${read}")`, `(write it in quotes: "${node.source}")`);
}

function lineOf(
	document: ReturnType<typeof parseDocument>,
	lineCounter: LineCounter,
	path: readonly PropertyKey[],
	isKey = false,
): number | undefined {
	// The closest node that exists: a missing key is reported at its parent.
	for (let length = path.length; length >= 0; length--) {
		const parts = path.slice(0, length) as (string | number)[];
		if (isKey && length === path.length) {
			const parent = parts.length === 1 ? document.contents : document.getIn(parts.slice(0, -1), true);
			const pair = (
				parent as {items?: {key?: {value?: unknown; range?: [number, number, number]}}[]} | null
			)?.items?.find((item) => item.key?.value === parts.at(-1));
			if (pair?.key?.range) return lineCounter.linePos(pair.key.range[0]).line;
			continue;
		}
		// A key that is missing under a mapping (influxdb.token): at its parent's key, not at the parent's
		// first entry, which would name a line that has nothing to do with it.
		const last = parts.at(-1);
		if (length < path.length && typeof last === 'string') {
			const parent = parts.length === 1 ? document.contents : document.getIn(parts.slice(0, -1), true);
			const pair = (
				parent as {items?: {key?: {value?: unknown; range?: [number, number, number]}}[]} | null
			)?.items?.find((item) => item.key?.value === last);
			if (pair?.key?.range) return lineCounter.linePos(pair.key.range[0]).line;
		}
		const node = length === 0 ? document.contents : document.getIn(parts, true);
		const range = (node as {range?: [number, number, number]} | null | undefined)?.range;
		if (range) return lineCounter.linePos(range[0]).line;
	}
	return undefined;
}
