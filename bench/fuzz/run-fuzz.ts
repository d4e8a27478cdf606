import {randomInt} from 'node:crypto';
import {cpus, loadavg} from 'node:os';
import {parseArgs} from 'node:util';
import {type CampaignReport, caseAt, runCampaign, seedSource, wilsonInterval} from './fuzz-campaign.ts';
import {runCase} from './fuzz-case.ts';
import {MUTATION_KINDS} from './mutations.ts';

/**
 * `npm run fuzz`: the framer, block check and data-set parser on generated and mutated telegrams.
 * Options: --cases N (default 1,000,000), --seed S (default random; printed), --first I (first case
 * index), --replay I (decode case I of seed S alone and print it). Exit 1 on any failure.
 */
const {values} = parseArgs({
	options: {
		cases: {type: 'string', default: '1000000'},
		seed: {type: 'string'},
		first: {type: 'string', default: '0'},
		replay: {type: 'string'},
	},
});

const seed = values.seed === undefined ? randomInt(0, 2 ** 32) : Number(values.seed) >>> 0;
const hexSeed = `0x${seed.toString(16).padStart(8, '0')}`;

if (values.replay !== undefined) {
	const index = Number(values.replay);
	const fuzzCase = caseAt(seedSource(seed), seed, index);
	console.log(`seed ${hexSeed}, case ${index}: ${fuzzCase.kind}, ${fuzzCase.bytes.length} bytes`);
	console.log(`options ${JSON.stringify(fuzzCase.options)}, chunk ends ${JSON.stringify(fuzzCase.cuts)}`);
	if (fuzzCase.seed) console.log(`seed telegram ${fuzzCase.seed.name} (${fuzzCase.seed.framing})`);
	if (fuzzCase.sources)
		console.log(
			`sources ${fuzzCase.sources.map((source) => `${source.name} (${source.framing})`).join(' + ')}`,
		);
	if (fuzzCase.changedAt !== undefined)
		console.log(`byte ${fuzzCase.changedAt} set to 0x${fuzzCase.changedTo?.toString(16)}`);
	console.log(`bytes ${JSON.stringify(fuzzCase.bytes.toString('latin1'))}`);
	const result = runCase(fuzzCase);
	console.log(JSON.stringify(result, null, 2));
	process.exit(result.failures.length > 0 ? 1 : 0);
}

const cases = Number(values.cases);
const load = loadavg();
console.log(`fuzz: seed ${hexSeed}, ${cases.toLocaleString('en')} cases from case ${values.first}`);
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`);
console.log(
	`load average at start: ${load.map((value) => value.toFixed(2)).join(' ')}; ${new Date().toISOString()}`,
);

const report = await runCampaign({
	seed,
	cases,
	firstCase: Number(values.first),
	onProgress: (done) => {
		process.stderr.write(`  ${done.toLocaleString('en')} cases\n`);
	},
});
console.log(formatReport(report));
console.log(
	`load average at end: ${loadavg()
		.map((value) => value.toFixed(2))
		.join(' ')}`,
);
process.exitCode = report.failureCount > 0 ? 1 : 0;

function formatReport(report: CampaignReport): string {
	const lines: string[] = [];
	const seconds = report.elapsedMs / 1000;
	const number = (value: number) => value.toLocaleString('en');
	const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
	lines.push(
		`${number(report.cases)} cases in ${seconds.toFixed(1)} s: ${number(Math.round(report.cases / seconds))} cases/s, ` +
			`${(report.inputBytes / 1024 / 1024 / seconds).toFixed(2)} MB/s of input, ${number(report.telegrams)} telegrams accepted ` +
			`(${number(Math.round(report.telegrams / seconds))} telegrams/s); Framer stream compared on ${number(report.framerRuns)} cases`,
	);
	lines.push('');
	lines.push('| mutation | cases | accepted | refused | undetected by design | failures |');
	lines.push('|---|---:|---:|---:|---:|---:|');
	for (const kind of MUTATION_KINDS) {
		const tally = report.kinds[kind];
		lines.push(
			`| ${kind} | ${number(tally.cases)} | ${number(tally.accepted)} | ${number(tally.refused)} | ${number(tally.undetectedByDesign)} | ${number(tally.failures)} |`,
		);
	}
	lines.push('');
	lines.push('| check passed by chance | trials | passed | rate | 95 % interval | floor | floor inside? |');
	lines.push('|---|---:|---:|---:|---|---:|---|');
	for (const floor of report.floors) {
		const {low, high} = wilsonInterval(floor.hits, floor.trials);
		const rate = floor.trials === 0 ? 0 : floor.hits / floor.trials;
		lines.push(
			`| ${floor.floor} | ${number(floor.trials)} | ${number(floor.hits)} | 1/${rate === 0 ? '∞' : (1 / rate).toFixed(1)} | ` +
				`1/${(1 / high).toFixed(1)} … 1/${low === 0 ? '∞' : (1 / low).toFixed(1)} | 1/${Math.round(1 / floor.expected)} | ` +
				`${floor.expected >= low && floor.expected <= high ? 'yes' : floor.exact ? 'NO' : 'no (alike halves)'} |`,
		);
	}
	lines.push('');
	lines.push(
		'bcc-early-end: a body byte turned into ETX/EOT ends the block there, and the byte after it stands in for the BCC;',
	);
	lines.push(
		'  both are 7-bit characters (7E1), so they agree by chance 1 time in 128. The decoder then still refuses the',
	);
	lines.push(
		'  shorter block unless its `!` came before the new end (then its data sets are the intact ones): "undetected by design".',
	);
	lines.push(
		'bcc-splice, crc16-splice: a block made of two telegrams whose check agrees by chance: 1 in 128 (65536) for unrelated',
	);
	lines.push(
		'  halves; two readouts of one meter share layout and most digits, so their BCC agrees more often (shown, not held to it).',
	);
	lines.push(
		'crc16-early-end: a `!` put into a DSMR telegram; its CRC16 could agree 1 time in 65536 at most (only where 1-4 hex',
	);
	lines.push('  digits follow it on its line).');
	if (report.tags.size > 0) {
		lines.push('');
		lines.push('Damage of several bytes accepted with other data (counted, not failures):');
		for (const [tag, count] of [...report.tags].sort()) lines.push(`  ${tag}: ${number(count)}`);
	}
	const samples = report.heapSamples;
	const first = samples[0];
	const warm = samples[1] ?? first;
	const last = samples[samples.length - 1];
	if (first && warm && last) {
		const max = Math.max(...samples.map((sample) => sample.heapUsed));
		lines.push('');
		lines.push(
			`heap used${report.gcExposed ? ' after GC' : ' (no --expose-gc: not after GC)'}: ${mb(first.heapUsed)} at start, ` +
				`${mb(warm.heapUsed)} after ${number(warm.afterCases)} cases, ${mb(last.heapUsed)} at the end, ${mb(max)} at most ` +
				`(${samples.length} samples: ${samples.map((sample) => (sample.heapUsed / 1024 / 1024).toFixed(1)).join(' ')})`,
		);
	}
	lines.push('');
	lines.push(
		`${number(report.failureCount)} failures${report.failureCount > report.failures.length ? ` (first ${report.failures.length} shown)` : ''}`,
	);
	const hex = `0x${report.seed.toString(16).padStart(8, '0')}`;
	for (const failure of report.failures) {
		lines.push(`  case ${failure.index} (${failure.kind}): ${failure.message}`);
		lines.push(`    replay: npm run fuzz -- --seed ${hex} --replay ${failure.index}`);
	}
	return lines.join('\n');
}
