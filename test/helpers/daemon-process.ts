import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process';
import {CLI_PATH} from './run-cli.ts';

/** The daemon as users run it: a child process with a config file, stopped with SIGTERM. */
export class DaemonProcess {
	readonly child: ChildProcessWithoutNullStreams;
	stdout = '';
	stderr = '';
	readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;

	constructor(config: string, cwd: string, extraArgs: readonly string[] = []) {
		this.child = spawn(process.execPath, [CLI_PATH, 'run', '--config', config, ...extraArgs], {
			cwd,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		this.child.stdout.on('data', (chunk: Buffer) => {
			this.stdout += chunk.toString();
		});
		this.child.stderr.on('data', (chunk: Buffer) => {
			this.stderr += chunk.toString();
		});
		this.exited = new Promise((resolve) =>
			this.child.once('close', (code, signal) => resolve({code, signal})),
		);
	}

	count(pattern: RegExp): number {
		return this.stderr.split('\n').filter((line) => pattern.test(line)).length;
	}

	async waitFor(pattern: RegExp, times: number, timeoutMs = 30_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.count(pattern) < times) {
			if (Date.now() > deadline) {
				throw new Error(`waited for ${times} × ${pattern}; stderr:\n${this.stderr.slice(-3000)}`);
			}
			if (this.child.exitCode !== null) throw new Error(`daemon exited early:\n${this.stderr.slice(-3000)}`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	async stop(): Promise<{code: number | null; signal: NodeJS.Signals | null; ms: number}> {
		const started = Date.now();
		this.child.kill('SIGTERM');
		const result = await this.exited;
		return {...result, ms: Date.now() - started};
	}
}
