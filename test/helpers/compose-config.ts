import {execFile} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {copyFile} from 'node:fs/promises';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {parse} from 'yaml';
import {requireServerBinary, serverBinary} from './server-process.ts';

const run = promisify(execFile);

/** The repository root: docker-compose.yml, .env.example and deploy/ live there. */
export const REPO_ROOT = new URL('../..', import.meta.url).pathname;

/** Debian's docker-compose (1.29): it parses, interpolates and validates a compose file without an engine. */
export const dockerCompose = serverBinary('docker-compose', 'docker-compose');

/** A service of a resolved compose file, the keys the tests read. */
export interface ComposeService {
	readonly image?: string;
	readonly profiles?: readonly string[];
	readonly command?: readonly string[] | string;
	readonly environment?: Readonly<Record<string, string | number | null>>;
	readonly ports?: readonly (string | {readonly host_ip?: string; readonly published?: string | number})[];
	readonly volumes?: readonly (
		| string
		| {readonly type: string; readonly source?: string; readonly target: string}
	)[];
	readonly devices?: readonly string[];
	readonly group_add?: readonly (string | number)[];
	readonly depends_on?: Readonly<Record<string, {readonly condition: string}>>;
	readonly healthcheck?: {readonly test?: readonly string[] | string; readonly disable?: boolean};
	readonly restart?: string;
	readonly hostname?: string;
}

export interface ComposeConfig {
	readonly services: Readonly<Record<string, ComposeService>>;
	readonly volumes?: Readonly<Record<string, unknown>>;
}

export interface ComposeRunOptions {
	/** The `--env-file` (relative to the repo). */
	readonly envFile: string;
	readonly profiles?: readonly string[];
	/** Compose files in order; default docker-compose.yml alone. */
	readonly files?: readonly string[];
}

function composeArgs(options: ComposeRunOptions): string[] {
	return [
		'--project-directory',
		REPO_ROOT,
		...(options.files ?? ['docker-compose.yml']).flatMap((file) => ['-f', file]),
		'--env-file',
		options.envFile,
		...(options.profiles ?? []).flatMap((profile) => ['--profile', profile]),
	];
}

/**
 * `docker-compose … config [-q]` in the repo, with nothing but PATH from this environment (so variables
 * set on this machine cannot stand in for missing lines of the env file). Never throws for a non-zero exit.
 */
export async function runComposeConfig(
	options: ComposeRunOptions,
	extraArgs: readonly string[] = [],
): Promise<{code: number; stdout: string; stderr: string}> {
	const binary = requireServerBinary('docker-compose', 'docker-compose');
	const {PATH} = process.env;
	try {
		const {stdout, stderr} = await run(binary, [...composeArgs(options), 'config', ...extraArgs], {
			cwd: REPO_ROOT,
			env: {PATH},
		});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failed = error as {code?: number; stdout?: string; stderr?: string};
		return {
			code: typeof failed.code === 'number' ? failed.code : 1,
			stdout: failed.stdout ?? '',
			stderr: failed.stderr ?? '',
		};
	}
}

/** The compose file as docker-compose resolves it (anchors merged, variables interpolated). */
export async function resolvedComposeConfig(options: ComposeRunOptions): Promise<ComposeConfig> {
	const result = await runComposeConfig(options);
	if (result.code !== 0)
		throw new Error(`docker-compose config failed (exit ${result.code}): ${result.stderr}`);
	return parse(result.stdout) as ComposeConfig;
}

/** The services a profile starts: those without profiles and those that list it. */
export function servicesOfProfile(config: ComposeConfig, profile: string): string[] {
	return Object.entries(config.services)
		.filter(([, service]) => service.profiles === undefined || service.profiles.includes(profile))
		.map(([name]) => name)
		.sort();
}

/** The secrets .env.example leaves empty, so that compose refuses to start until they are set. */
export const COMPOSE_SECRETS = ['INFLUX_TOKEN', 'INFLUXDB_ADMIN_PASSWORD', 'GRAFANA_ADMIN_PASSWORD'] as const;

/** The README's one-line command that fills the empty secrets of .env (the line starting `for name in`). */
export function readmeSecretsCommand(): string {
	const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
	const line = readme.split('\n').find((entry) => entry.startsWith('for name in ') && entry.includes('.env'));
	if (line === undefined)
		throw new Error('README.md has no `for name in … .env` line that fills the secrets');
	return line;
}

/**
 * .env.example copied to `<directory>/.env` and filled by the README's command, run with /bin/sh as a
 * user would; returns the file's path.
 */
export async function writeFilledEnvFile(directory: string): Promise<string> {
	await copyFile(join(REPO_ROOT, '.env.example'), join(directory, '.env'));
	await run('/bin/sh', ['-c', readmeSecretsCommand()], {cwd: directory, env: {PATH: process.env['PATH']}});
	return join(directory, '.env');
}

/** NAME=value lines of an env file. */
export function envFileValues(text: string): Map<string, string> {
	return new Map(
		[...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1] as string, match[2] as string]),
	);
}
