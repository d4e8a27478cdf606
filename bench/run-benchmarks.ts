import {cpus} from 'node:os';
import {runDaemonFootprint} from './daemon-footprint.ts';
import {runParseMemory} from './parse-memory.ts';
import {runParseThroughput} from './parse-throughput.ts';
import {runReadoutThroughput} from './readout-throughput.ts';
import {runWriteThroughput} from './write-throughput.ts';

// `npm run bench`: each benchmark prints its own figures; none of them runs in the test suite.
const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(`node ${process.version}, ${cpus().length} cores, ${cpu}\n\n`);
// BENCH_ONLY=parse-memory runs just the parse memory benchmark, BENCH_ONLY=parse the parse throughput.
if (process.env['BENCH_ONLY'] === 'parse-memory') {
	process.stdout.write(`${await runParseMemory()}\n`);
	process.exit(0);
}
if (process.env['BENCH_ONLY'] === 'parse') {
	process.stdout.write(`${runParseThroughput()}\n`);
	process.exit(0);
}
process.stdout.write(`${await runParseMemory()}\n\n`);
process.stdout.write(`${runParseThroughput()}\n\n`);
process.stdout.write(`${await runWriteThroughput()}\n\n`);
process.stdout.write(`${await runReadoutThroughput()}\n\n`);
// The daemon runs for BENCH_DAEMON_MINUTES (default 10); set it to 1 for a quick look.
process.stdout.write(`${await runDaemonFootprint()}\n`);
