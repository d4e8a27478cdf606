import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';

/** The built CLI, as users run it; `npm test` builds it first (pretest). */
export const CLI_PATH = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

export interface CliRun {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly stdout: string;
	readonly stderr: string;
}

/** Runs `dlms-logger …` as a child process, feeding `stdin`, and collects its output and exit status. */
export async function runCli(
	args: readonly string[],
	options: {stdin?: Uint8Array; env?: NodeJS.ProcessEnv} = {},
) {
	if (!existsSync(CLI_PATH))
		throw new Error(`${CLI_PATH} is missing: run "npm run build" (npm test does it first)`);
	const child = spawn(process.execPath, [CLI_PATH, ...args], {
		env: {...process.env, ...options.env},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
	child.stdin.end(options.stdin ?? Buffer.alloc(0));
	return await new Promise<CliRun>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code, signal) =>
			resolve({
				code,
				signal,
				stdout: Buffer.concat(stdout).toString(),
				stderr: Buffer.concat(stderr).toString(),
			}),
		);
	});
}
