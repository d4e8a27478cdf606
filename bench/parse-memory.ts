import {spawn} from 'node:child_process';
import {closeSync, createReadStream, openSync, readFileSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {type BenchmarkResult, oursAtMost} from './benchmark-report.ts';

const CLI = new URL('../src/cli/main.js', import.meta.url).pathname;
const ZMD120 = new URL('../../test/fixtures/telegrams/landisgyr-zmd120-c/input.bin', import.meta.url)
	.pathname;
const FORMATS = ['table', 'json', 'ndjson', 'line-protocol'] as const;
const SIZES_MB = [1, 10, 50] as const;

/** Peak resident memory of a process so far (VmHWM), KiB; undefined once it is gone. */
function peakKiB(pid: number): number | undefined {
	try {
		const kib = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
		// A process that is exiting has no memory lines any more.
		return Number.isFinite(kib) && kib > 0 ? kib : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Runs `dlms-logger parse FILE -f FORMAT` (or, `piped`, `parse -` with the file piped into stdin) with
 * stdout to /dev/null; its peak RSS (MB) and wall time (s).
 */
async function measure(
	file: string,
	format: string,
	piped = false,
): Promise<{peakMb: number; seconds: number; code: number | null}> {
	const devNull = openSync('/dev/null', 'w');
	const started = Date.now();
	// The flag of the CLI's shebang: `dlms-logger parse` runs with it.
	const child = spawn(
		process.execPath,
		['--max-semi-space-size=1', CLI, 'parse', piped ? '-' : file, '-f', format],
		{stdio: [piped ? 'pipe' : 'ignore', devNull, 'pipe']},
	);
	closeSync(devNull);
	if (piped && child.stdin !== null) createReadStream(file).pipe(child.stdin);
	let stderr = '';
	child.stderr?.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	let peak = 0;
	const timer = setInterval(() => {
		const kib = child.pid === undefined ? undefined : peakKiB(child.pid);
		if (kib !== undefined) peak = Math.max(peak, kib);
	}, 5);
	const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
	clearInterval(timer);
	if (code !== 0) process.stderr.write(`parse ${format} exited ${code}: ${stderr.slice(0, 500)}\n`);
	return {peakMb: peak / 1024, seconds: (Date.now() - started) / 1000, code};
}

/** One `parse` run of the memory benchmark. */
export interface ParseMemoryRun {
	readonly megabytes: number;
	/** Read from the file, or piped into stdin. */
	readonly source: 'file' | 'stdin';
	readonly format: string;
	readonly peakMb: number;
	readonly seconds: number;
	readonly code: number | null;
}

/**
 * Peak RSS of `dlms-logger parse` on captures of 1, 10 and 50 MB (copies of the ZMD120 telegram of the
 * smarthomeNG dlms plugin's README) in each output format, read from the file, and the 50 MB one also
 * piped into stdin. Parsing streams, so the peak should stay flat in the input size (target: at most
 * 100 MB at any size; `parse` of one telegram takes ~62 MB). The report row holds the largest peak
 * against bare node (`baselineMb`, measured in the same run by the caller).
 */
export async function measureParseMemory(
	baselineMb = Number.NaN,
): Promise<BenchmarkResult & {runs: ParseMemoryRun[]}> {
	const directory = await mkdtemp(join(tmpdir(), 'dlms-bench-parse-memory-'));
	try {
		const telegram = readFileSync(ZMD120);
		const rows: string[] = [];
		const runs: ParseMemoryRun[] = [];
		for (const megabytes of SIZES_MB) {
			const copies = Math.ceil((megabytes * 1_000_000) / telegram.length);
			const file = join(directory, `capture-${megabytes}mb.bin`);
			await writeFile(file, Buffer.concat(Array.from({length: copies}, () => telegram)));
			// The largest capture also piped into stdin, as `cat capture | dlms-logger parse -` reads it.
			const sources =
				megabytes === SIZES_MB[SIZES_MB.length - 1] ? (['file', 'stdin'] as const) : (['file'] as const);
			for (const source of sources) {
				for (const format of FORMATS) {
					const {peakMb, seconds, code} = await measure(file, format, source === 'stdin');
					runs.push({megabytes, source, format, peakMb, seconds, code});
					rows.push(
						`  ${`${megabytes} MB`.padStart(5)} (${copies} telegrams)  ${source.padEnd(5)}  ${format.padEnd(13)}  peak RSS ${peakMb.toFixed(1).padStart(6)} MB  ${seconds.toFixed(1).padStart(5)} s${code === 0 ? '' : `  exit ${code}`}`,
					);
				}
			}
		}
		const worst = runs.reduce((top, run) => (run.peakMb > top.peakMb ? run : top));
		const failed = runs.some((run) => run.code !== 0);
		return {
			detail: `parse memory (stdout to /dev/null; peak RSS from /proc VmHWM):\n${rows.join('\n')}`,
			runs,
			rows: [
				{
					figure: `parse peak RSS, any size to ${SIZES_MB.at(-1)} MB`,
					ours: `${worst.peakMb.toFixed(1)} MB (${worst.megabytes} MB, ${worst.source}, ${worst.format})${failed ? ', a run failed' : ''}`,
					baseline: `bare node ${baselineMb.toFixed(1)} MB`,
					ratio: worst.peakMb / baselineMb,
					value: failed ? Number.NaN : worst.peakMb,
					target: oursAtMost(100, 'MB'),
				},
			],
		};
	} finally {
		await rm(directory, {recursive: true, force: true});
	}
}

/** The parse memory figures as text (what `npm run bench` printed before it had a report). */
export async function runParseMemory(): Promise<string> {
	return (await measureParseMemory()).detail;
}
