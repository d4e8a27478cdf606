import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';

const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;

/**
 * The node flags of the built CLI's shebang (`#!/usr/bin/env -S node --max-semi-space-size=1`): the
 * benchmarks start the CLI, and bare node as its baseline, the way the `dlms-logger` bin starts.
 */
export function cliNodeFlags(): string[] {
	const shebang = readFileSync(CLI, 'utf8').split('\n', 1)[0] ?? '';
	const words = shebang.replace(/^#!\s*/, '').split(/\s+/);
	const node = words.findIndex((word) => word === 'node' || word.endsWith('/node'));
	return node === -1 ? [] : words.slice(node + 1);
}

/** The resident set of a process now (VmRSS), MB; NaN once it is gone. */
export function rssMb(pid: number): number {
	try {
		return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
	} catch {
		return Number.NaN;
	}
}

/** An idle node process with the CLI's flags (a timer, nothing loaded): the memory floor of any command. */
export function startBareNode() {
	return spawn(process.execPath, [...cliNodeFlags(), '-e', 'setInterval(() => {}, 1000)'], {stdio: 'ignore'});
}

/** Bare node's resident set after it has settled (2 s), MB. */
export async function measureBareNodeMb(): Promise<number> {
	const child = startBareNode();
	try {
		await new Promise((resolve) => setTimeout(resolve, 2000));
		return rssMb(child.pid as number);
	} finally {
		child.kill();
	}
}
