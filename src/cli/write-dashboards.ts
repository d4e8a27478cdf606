#!/usr/bin/env node
import {parseArgs} from 'node:util';
import {writeDashboardFiles} from '../dashboards/write-dashboard-files.ts';

const USAGE = `usage: npm run dashboards [-- --tz ZONE] [--out DIR] [--check]
  --tz ZONE   IANA zone of day and week boundaries, the default of each dashboard's $tz (default Europe/Berlin)
  --out DIR   where the JSON files go (default grafana/dashboards)
  --check     write nothing; exit 1 when a file differs from what the code generates`;

/** `npm run dashboards`: writes grafana/dashboards/*.json from src/dashboards. */
async function main(argv: readonly string[]): Promise<number> {
	let values: {tz?: string; out?: string; check?: boolean; help?: boolean};
	try {
		({values} = parseArgs({
			args: [...argv],
			options: {
				tz: {type: 'string'},
				out: {type: 'string', default: 'grafana/dashboards'},
				check: {type: 'boolean', default: false},
				help: {type: 'boolean', short: 'h'},
			},
		}));
	} catch (error) {
		process.stderr.write(`dashboards: ${(error as Error).message}\n${USAGE}\n`);
		return 2;
	}
	if (values.help) {
		process.stdout.write(`${USAGE}\n`);
		return 0;
	}
	const dir = values.out ?? 'grafana/dashboards';
	try {
		const result = await writeDashboardFiles(dir, {
			...(values.tz === undefined ? {} : {timeZone: values.tz}),
			check: values.check ?? false,
		});
		for (const path of result.changed)
			process.stdout.write(`${values.check ? 'differs' : 'wrote'} ${path}\n`);
		for (const path of result.unchanged) process.stdout.write(`unchanged ${path}\n`);
		return values.check && result.changed.length > 0 ? 1 : 0;
	} catch (error) {
		process.stderr.write(`dashboards: ${(error as Error).message}\n`);
		return error instanceof TypeError ? 2 : 1;
	}
}

process.exitCode = await main(process.argv.slice(2));
