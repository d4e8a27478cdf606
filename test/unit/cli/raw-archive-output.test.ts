import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {type ParseOptions, runParse} from '../../../src/cli/parse-command.ts';
import {RawArchive} from '../../../src/output/raw-archive.ts';
import {capturedIo} from '../../helpers/captured-io.ts';

const fixtures = new URL('../../fixtures/telegrams/', import.meta.url).pathname;
const defaults: ParseOptions = {format: 'line-protocol', verbose: false, ignoreBcc: false, timezone: 'UTC'};

let directory: string;
let archiveFile: string;
const first = new Date('2024-05-04T11:45:00Z');
const second = new Date('2024-05-04T11:46:00Z');

beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-parse-archive-'));
	const zmd120 = await readFile(join(fixtures, 'landisgyr-zmd120-c/input.bin'));
	const archive = new RawArchive({directory, fsync: false});
	await archive.append('house', first, zmd120);
	await archive.append('house', second, zmd120);
	archiveFile = archive.fileFor(first);
});
afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

async function run(file: string, options: Partial<ParseOptions> = {}, stdin?: Uint8Array) {
	const io = capturedIo(stdin);
	let error: unknown;
	try {
		await runParse(file, {...defaults, ...options}, io);
	} catch (caught) {
		error = caught;
	}
	return {stdout: io.out(), stderr: io.err(), error};
}

describe('parse of a raw archive file', () => {
	it('reads each record at the time it was received, tagged with the meter the collector read', async () => {
		const {stdout, stderr, error} = await run(archiveFile);
		expect(error).toBeUndefined();
		expect(stderr).not.toMatch(/BCC/);
		const live = stdout
			.split('\n')
			.filter((line) => line.includes('obis=1.8.1,') && !line.includes('billing'));
		expect(live).toEqual([
			expect.stringMatching(
				new RegExp(`^meter,channel=1-1,meter=house,obis=1\\.8\\.1,.* ${first.getTime() / 1000}$`),
			),
			expect.stringMatching(
				new RegExp(`^meter,channel=1-1,meter=house,obis=1\\.8\\.1,.* ${second.getTime() / 1000}$`),
			),
		]);
	});

	it('reads the archive from stdin too, and --meter overrides the archived meter', async () => {
		const {stdout, error} = await run('-', {meter: 'garage'}, await readFile(archiveFile));
		expect(error).toBeUndefined();
		expect(stdout).toMatch(/^meter,channel=1-1,meter=garage,obis=/m);
		expect(stdout).not.toMatch(/meter=house/);
	});

	it('prints the table of every archived telegram', async () => {
		const {stdout, error} = await run(archiveFile, {format: 'table'});
		expect(error).toBeUndefined();
		expect(stdout.match(/1\.8\.1/g)?.length).toBeGreaterThanOrEqual(2);
	});
});
