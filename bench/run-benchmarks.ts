import {cpus} from 'node:os';
import {runParseThroughput} from './parse-throughput.ts';
import {runWriteThroughput} from './write-throughput.ts';

// `npm run bench`: each benchmark prints its own figures; none of them runs in the test suite.
const cpu = cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(`node ${process.version}, ${cpus().length} cores, ${cpu}\n\n`);
process.stdout.write(`${runParseThroughput()}\n\n`);
process.stdout.write(`${await runWriteThroughput()}\n`);
