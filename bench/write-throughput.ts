import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {InfluxLineWriter} from '../src/output/influx-line-writer.ts';
import {formatLineProtocol} from '../src/output/line-protocol.ts';
import {LineSpool} from '../src/output/line-spool.ts';
import {SpooledSink} from '../src/output/spooled-sink.ts';
import type {Point} from '../src/readings/point.ts';
import {startInfluxd} from '../test/helpers/influxd-server.ts';
import {type BenchmarkResult, ratioAtLeast} from './benchmark-report.ts';

const POINTS = 100_000;
const BATCH = 5000;
/** One readout of a ZMD120-like meter: about 40 points. */
const READOUT = 40;

function makePoints(meter: string): Point[] {
	return Array.from({length: POINTS}, (_, index) => ({
		measurement: 'meter',
		tags: {meter, obis: `1.8.${index % 40}`, channel: '1-1', unit: 'kWh'},
		fields: {value: 20_000 + index / 7},
		time: new Date(Date.UTC(2020, 0, 1) + Math.floor(index / 40) * 60_000),
	}));
}

async function timed(action: () => Promise<void>): Promise<number> {
	const start = process.hrtime.bigint();
	await action();
	return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Points per second into a real influxd 1.6.7: a raw line-protocol POST (no spool, no fsync) against the
 * durable path (spool with fsync, then the writer), once with bulk writes (a backfill or a replay) and
 * once one readout at a time (the daemon's case: one fsync per readout).
 */
export async function measureWriteThroughput(): Promise<BenchmarkResult> {
	const server = await startInfluxd();
	const directory = await mkdtemp(join(tmpdir(), 'dlms-bench-write-'));
	try {
		for (const db of ['raw', 'bulk', 'readouts']) await server.createDatabase(db);
		const points = makePoints('raw');
		const rawSeconds = await timed(async () => {
			// From the same points as the spooled path: formatting counts on both sides.
			const raw = points.map(formatLineProtocol);
			for (let start = 0; start < raw.length; start += BATCH) {
				const response = await fetch(`${server.url}/write?db=raw&precision=s`, {
					method: 'POST',
					body: `${raw.slice(start, start + BATCH).join('\n')}\n`,
				});
				if (response.status !== 204) throw new Error(`raw POST: HTTP ${response.status}`);
			}
		});

		const through = async (db: string, chunk: number) => {
			const spool = await LineSpool.open({directory: join(directory, db)});
			const sink = new SpooledSink({
				spool,
				sender: new InfluxLineWriter({kind: 'v1', url: server.url, database: db}),
			});
			const points = makePoints(db);
			const seconds = await timed(async () => {
				for (let start = 0; start < points.length; start += chunk)
					await sink.write(points.slice(start, start + chunk));
				if (!(await sink.flush())) throw new Error(`${db}: spool not drained`);
			});
			await sink.close();
			const [count] = await server.query('SELECT count("value") FROM "meter"', db);
			if (count?.values[0]?.[1] !== POINTS)
				throw new Error(`${db}: ${String(count?.values[0]?.[1])} points stored`);
			return seconds;
		};
		const bulkSeconds = await through('bulk', BATCH);
		const readoutSeconds = await through('readouts', READOUT);
		const rate = (seconds: number) =>
			Math.round(POINTS / seconds)
				.toLocaleString('en')
				.padStart(10);
		const perSecond = (seconds: number) => `${Math.round(POINTS / seconds).toLocaleString('en')} points/s`;
		return {
			detail: [
				`write: ${POINTS.toLocaleString('en')} points into influxd 1.6.7 on loopback`,
				`  format + raw POST (batches of ${BATCH})          ${rate(rawSeconds)} points/s`,
				`  spool + writer, bulk (writes of ${BATCH})         ${rate(bulkSeconds)} points/s  ratio ${(rawSeconds / bulkSeconds).toFixed(2)} (target >= 0.8)`,
				`  spool + writer, one readout (${READOUT} points) a write ${rate(readoutSeconds)} points/s  ratio ${(rawSeconds / readoutSeconds).toFixed(2)} (one fsync per readout)`,
			].join('\n'),
			rows: [
				{
					figure: `write, spool + writer, batches of ${BATCH}`,
					ours: perSecond(bulkSeconds),
					baseline: `raw line-protocol POST ${perSecond(rawSeconds)}`,
					ratio: rawSeconds / bulkSeconds,
					value: Number.NaN,
					target: ratioAtLeast(0.8),
				},
			],
		};
	} finally {
		await server.stop();
		await rm(directory, {recursive: true, force: true});
	}
}

/** The write figures as text (what `npm run bench` printed before it had a report). */
export async function runWriteThroughput(): Promise<string> {
	return (await measureWriteThroughput()).detail;
}
