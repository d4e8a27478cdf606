import {mkdtemp, readFile as readCapture, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {type ParseOptions, runParse} from '../../../src/cli/parse-command.ts';
import {type ReadoutJson, readoutToJson} from '../../../src/cli/readout-json.ts';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {encodeTelegram} from '../../../src/iec62056/telegram-encoder.ts';
import {capturedIo} from '../../helpers/captured-io.ts';
import {withEvenParity} from '../../helpers/even-parity.ts';
import {withHostTimeZone} from '../../helpers/host-time-zone.ts';
import {referenceCrc16Arc as crc16Arc} from '../../helpers/reference-checks.ts';

const fixtures = new URL('../../fixtures/telegrams/', import.meta.url).pathname;
const zmd120 = join(fixtures, 'landisgyr-zmd120-c/input.bin');
const verbose = join(fixtures, 'landisgyr-zmd120-c-verbose/input.bin');
const ace3000 = join(fixtures, 'itron-ace3000-c/input.bin');

const defaults: ParseOptions = {format: 'table', verbose: false, ignoreBcc: false};

async function run(file: string, options: Partial<ParseOptions> = {}, stdin: Uint8Array = new Uint8Array()) {
	const io = capturedIo(stdin);
	let error: unknown;
	try {
		await runParse(file, {...defaults, ...options}, io);
	} catch (caught) {
		error = caught;
	}
	return {stdout: io.out(), stderr: io.err(), error};
}

let directory: string;
beforeAll(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-parse-'));
});
afterAll(async () => {
	await rm(directory, {recursive: true, force: true});
});

describe('parse', () => {
	it('lists every code of the smarthomeNG dlms plugin example ZMD120 sample with value, unit and date', async () => {
		const {stdout, error} = await run(zmd120);
		expect(error).toBeUndefined();
		expect(stdout).toMatch(/^\/LGZ52ZMD120APt\.G03 .*announces mode C at 9600 Bd/);
		expect(stdout).toMatch(/1-1:1\.6\.1 +24\.31 +kW +2016-05-04 13:45:00/);
		expect(stdout).toMatch(/1-1:1\.8\.1 +00021271 +kWh/);
		expect(stdout).toMatch(/1-1:C\.3\.4 +--__5_--/);
		// 38 codes in the smarthomeNG dlms plugin's list, one row each, plus the identification and the header.
		expect(stdout.trimEnd().split('\n')).toHaveLength(38 + 2);
	});

	it('prints each readout of pasted text holding several, none dropped', async () => {
		const file = join(directory, 'several.txt');
		await writeFile(
			file,
			'1.8.1(1*kWh)\n0.9.1(100000)\n0.9.2(261130)\n!\n1.8.1(2*kWh)\n0.9.1(110000)\n0.9.2(261130)\n!\n',
		);
		const {stdout, error} = await run(file, {
			format: 'line-protocol',
			meter: 'house',
			timezone: 'Europe/Berlin',
		});
		expect(error).toBeUndefined();
		expect(stdout).toMatch(
			/obis=1\.8\.1,unit=kWh value=1 1796029200\n.*obis=1\.8\.1,unit=kWh value=2 1796032800\n/,
		);
	});

	it('says when bare lines before the first telegram were not read, instead of dropping them silently', async () => {
		const file = join(directory, 'mixed.txt');
		await writeFile(file, '1.8.1(1*kWh)\n0.9.1(100000)\n0.9.2(261130)\n!\n/LGZ52ZMD120\n1.8.1(2*kWh)\n!\n');
		const {stdout, stderr, error} = await run(file);
		expect(error).toBeUndefined();
		expect(stdout).toMatch(/1\.8\.1 +2 +kWh/);
		expect(stderr).toContain(
			`${file}: warning: 3 data sets in bare lines before the first telegram not read`,
		);
	});

	it('reads a gzipped capture as the capture it holds', async () => {
		const file = join(directory, 'zmd120.bin.gz');
		await writeFile(file, gzipSync(await readCapture(zmd120)));
		const {stdout, error} = await run(file);
		expect(error).toBeUndefined();
		expect(stdout).toEqual((await run(zmd120)).stdout.replace(zmd120, file));
		const piped = await run('-', {}, gzipSync(await readCapture(zmd120)));
		expect(piped.error).toBeUndefined();
		expect(piped.stdout).toMatch(/1-1:1\.8\.1 +00021271 +kWh/);
	});

	it('leaves the *NN history out unless verbose, as the smarthomeNG dlms plugin does', async () => {
		const short = await run(verbose);
		const long = await run(verbose, {verbose: true});
		expect(short.stdout).not.toContain('1.6.2*14');
		expect(long.stdout).toMatch(/1-1:1\.6\.2\*14 +26\.60 +2016-09-05 14:15:00/);
		expect(long.stdout).toMatch(/1-1:1\.6\.2\*01 +00\.00 +\(no date\)/);
	});

	it('prints JSON with numbers beside the exact text and the meter time of date fields', async () => {
		const {stdout} = await run(zmd120, {format: 'json'});
		const json = JSON.parse(stdout) as ReadoutJson;
		const [telegram] = json.telegrams;
		const demand = telegram?.dataSets.find((set) => set.key === '1.6.1');
		expect(demand).toEqual({
			address: '1-1:1.6.1',
			key: '1.6.1',
			obis: '1.6.1',
			channel: '1-1',
			history: false,
			values: [
				{text: '24.31', unit: 'kW', number: 24.31},
				{text: '1605041345', time: '2016-05-04T13:45:00'},
			],
		});
		expect(telegram?.check).toEqual({algorithm: 'bcc', ok: true});
	});

	it('prints line protocol stamped at the meter time in the given zone', async () => {
		const {stdout} = await run(zmd120, {
			format: 'line-protocol',
			timezone: 'Europe/Berlin',
			readAt: new Date('2016-05-11T14:03:53Z'),
		});
		const lines = stdout.trimEnd().split('\n');
		// 13:45 CEST on 2016-05-04 is 11:45 UTC.
		expect(lines).toContain(
			`meter,channel=1-1,meter=50871031,obis=1.6.1,unit=kW value=24.31 ${Date.UTC(2016, 4, 4, 11, 45) / 1000}`,
		);
		expect(lines).toContain(
			`meter,channel=1-1,meter=50871031,obis=1.8.1,unit=kWh value=21271 ${Date.UTC(2016, 4, 11, 14, 3, 53) / 1000}`,
		);
	});

	it('says once, on a UTC host without --timezone, that meter times are read as UTC and how to give the zone', async () => {
		const twice = join(directory, 'two-telegrams.bin');
		const bytes = await readCapture(zmd120);
		await writeFile(twice, Buffer.concat([bytes, bytes]));
		const {stderr, error} = await withHostTimeZone('Etc/UTC', () => run(twice, {format: 'line-protocol'}));
		expect(error).toBeUndefined();
		expect(stderr.match(/meter times are read as UTC/g)).toHaveLength(1);
		expect(stderr).toContain('--timezone Europe/Berlin');
	});

	it('says nothing of the zone when one is given, the host keeps local time, or the format prints meter times as sent', async () => {
		const given = await withHostTimeZone('UTC', () =>
			run(zmd120, {format: 'line-protocol', timezone: 'Europe/Berlin'}),
		);
		const local = await withHostTimeZone('Europe/Vienna', () => run(zmd120, {format: 'line-protocol'}));
		const table = await withHostTimeZone('UTC', () => run(zmd120, {format: 'table'}));
		for (const {stderr} of [given, local, table]) expect(stderr).not.toContain('read as UTC');
	});

	it('refuses a block with a wrong BCC in one line naming the file, and prints no values', async () => {
		const {stdout, error} = await run(ace3000);
		expect(stdout).toBe('');
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).message).toBe(
			`${ace3000}: BCC mismatch: computed 0x4D, received 0x46; no values printed`,
		);
		expect((error as CliError).exitCode).toBe(EXIT_CODES.failed);
		expect((error as CliError).hint).toContain('--ignore-bcc');
	});

	it('words the hint for a DSMR telegram whose CRC16 does not match for the line, not a BCC-broken meter', async () => {
		const telegram = await readCapture(join(fixtures, 'dsmr-kaifa-p1/input.bin'), 'latin1');
		// One digit of a register changed on the way: the CRC16 at the end no longer matches.
		const file = join(directory, 'dsmr-flipped.bin');
		await writeFile(
			file,
			Buffer.from(
				telegram.replace(
					/\(0*(\d)/,
					(match, digit: string) => match.slice(0, -1) + String((Number(digit) + 1) % 10),
				),
				'latin1',
			),
		);
		const {error} = await run(file);
		expect((error as CliError).message).toMatch(/CRC16 mismatch/);
		expect((error as CliError).hint).toMatch(/^a CRC16 mismatch in a DSMR P1 telegram/);
	});

	it('reads a block with a wrong BCC when told to, and reports the junk line on stderr', async () => {
		const {stdout, stderr, error} = await run(ace3000, {ignoreBcc: true});
		expect(error).toBeUndefined();
		expect(stdout).toMatch(/1\.8\.0 +013925\.5/);
		expect(stdout).toContain('BCC WRONG (ignored)');
		expect(stderr).toContain('line 4');
	});

	it('refuses a truncated block even with --ignore-bcc', async () => {
		const bytes = Buffer.from('/LGZ52ZMD120APt.G03\r\n\x021-1:1.8.1(00021271*kWh)\r\n1-1:1.8.2(000');
		const file = join(directory, 'truncated.bin');
		await writeFile(file, bytes);
		const {stdout, error} = await run(file, {ignoreBcc: true});
		expect(stdout).toBe('');
		expect((error as CliError).message).toMatch(
			/^.*truncated\.bin: truncated data block: .*; no values printed$/,
		);
	});

	it('names a missing file and its cause', async () => {
		const {error} = await run(join(directory, 'absent.bin'));
		expect((error as CliError).message).toBe(`${join(directory, 'absent.bin')}: cannot read: no such file`);
	});

	it('says when the input holds no telegram', async () => {
		const {error} = await run('-', {}, Buffer.from('hello world\n'));
		expect((error as CliError).message).toMatch(/^stdin: no telegram found/);
	});

	it('reads stdin, including plain text as people paste it', async () => {
		const {stdout, error} = await run(
			'-',
			{},
			Buffer.from('1.8.1(00021271*kWh)\r\n2.8.1(00000552*kWh)\r\n!\r\n'),
		);
		expect(error).toBeUndefined();
		expect(stdout).toMatch(/2\.8\.1 +00000552 +kWh/);
	});

	it('recovers 7E1 data captured as 8N1 and says so', async () => {
		const telegram = encodeTelegram({
			identification: {manufacturer: 'LGZ', baudChar: '5', enhanced: [], ident: 'ZMD120'},
			lines: [[{address: '1.8.1', values: [{text: '00021271', unit: 'kWh'}]}]],
		});
		const {stdout, stderr, error} = await run('-', {}, withEvenParity(telegram));
		expect(error).toBeUndefined();
		expect(stdout).toMatch(/1\.8\.1 +00021271 +kWh/);
		expect(stderr).toContain('7E1 data captured as 8N1');
	});

	it('prints only the selected codes as line protocol, a date value as text', async () => {
		const {stdout} = await run(verbose, {
			format: 'line-protocol',
			timezone: 'Europe/Berlin',
			select: '1.6.2*14,1.6.2*14~1',
		});
		expect(stdout.trimEnd().split('\n')).toEqual([
			'meter,billing=1,channel=1-1,meter=50871031,obis=1.6.2 value=26.6 1473077700',
			'meter,billing=1,channel=1-1,index=1,meter=50871031,obis=1.6.2 text="1609051415" 1473077700',
		]);
	});

	it('leaves text registers out of line protocol unless selected', async () => {
		const {stdout} = await run(zmd120, {format: 'line-protocol', timezone: 'UTC', readAt: new Date(0)});
		expect(stdout).not.toContain('obis=0.0.0');
		expect(stdout).not.toContain('text=');
	});

	it('warns once, at the end, about a selected code the telegram does not contain', async () => {
		const twice = Buffer.concat([await readCapture(zmd120), await readCapture(zmd120)]);
		const file = join(directory, 'twice.bin');
		await writeFile(file, twice);
		const {stdout, stderr, error} = await run(file, {format: 'line-protocol', select: '1.8.1,9.9.9'});
		expect(error).toBeUndefined();
		expect(stdout.match(/obis=1\.8\.1,/g)).toHaveLength(2);
		expect(stderr.match(/selected code 9\.9\.9 is not in the meter's telegram/g)).toHaveLength(1);
	});

	it('rejects an empty selection as a usage error naming the option', async () => {
		const {error} = await run(zmd120, {format: 'line-protocol', select: ' , '});
		expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
		expect((error as CliError).message).toBe('--select: no code given; give codes such as "1.8.1,1.6.2*01"');
	});

	it('warns about a selected value index its data set does not have', async () => {
		const {stdout, stderr, error} = await run(zmd120, {format: 'line-protocol', select: '1.8.1~2'});
		expect(error).toBeUndefined();
		expect(stdout).toBe('');
		expect(stderr).toMatch(
			/selected 1\.8\.1~2 but its data set has only 1 value \(~0\), so nothing is written for it/,
		);
	});

	it('rejects a malformed selection as a usage error naming it', async () => {
		const {error} = await run(zmd120, {format: 'line-protocol', select: '1.8.1,nonsense'});
		expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
		expect((error as CliError).message).toContain('"nonsense"');
	});

	it('rejects an unknown time zone as a usage error', async () => {
		const {error} = await run(zmd120, {format: 'line-protocol', timezone: 'Mars/Olympus'});
		expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
		expect((error as CliError).message).toContain('--timezone');
	});

	describe('capture times', () => {
		const dsmr = (second: string, kwh: string) => {
			const body = `/KFM5KAIFA-METER\r\n\r\n0-0:96.1.1(4B384B3430303136313830303430353137)\r\n0-0:1.0.0(2411131500${second}W)\r\n1-0:1.8.1(${kwh}*kWh)\r\n!`;
			return `${body}${crc16Arc(body).toString(16).toUpperCase().padStart(4, '0')}\r\n`;
		};

		it('stamps three DSMR telegrams of one file each at its own meter time', async () => {
			const file = join(directory, 'three.txt');
			await writeFile(file, dsmr('10', '000001.000') + dsmr('20', '000001.001') + dsmr('30', '000001.002'));
			const {stdout, error} = await run(file, {format: 'line-protocol', timezone: 'Europe/Berlin'});
			expect(error).toBeUndefined();
			expect(
				stdout
					.trimEnd()
					.split('\n')
					.map((line) => line.split(' ').slice(1).join(' ')),
			).toEqual(['value=1 1731506410', 'value=1.001 1731506420', 'value=1.002 1731506430']);
		});

		it('refuses several telegrams without a time of their own, and warns when --read-at stamps them alike', async () => {
			const file = join(directory, 'undated.txt');
			const body = (kwh: string) => `/EBZ5DD32R06ETA_107\r\n\r\n1-0:1.8.0*255(${kwh}*kWh)\r\n!\r\n`;
			await writeFile(file, body('1') + body('2'));
			const refused = await run(file, {format: 'line-protocol', timezone: 'Europe/Berlin'});
			expect(refused.error).toBeInstanceOf(CliError);
			expect((refused.error as CliError).message).toMatch(/2 of 2 telegrams carry no time of their own/);
			expect(refused.stdout).toBe('');
			const forced = await run(file, {
				format: 'line-protocol',
				timezone: 'Europe/Berlin',
				readAt: new Date('2024-11-13T14:00:00Z'),
			});
			expect(forced.stderr).toMatch(/warning: --read-at stamps all 2 telegrams at one time/);
		});
	});

	it('calls a block with letters of line noise amid its data sets line noise, without suggesting --ignore-bcc', async () => {
		const bytes = await readCapture(zmd120);
		const at = bytes.indexOf('1-1:1.8.0');
		const noisy = join(directory, 'noise-burst.bin');
		await writeFile(
			noisy,
			Buffer.concat([bytes.subarray(0, at + 3), Buffer.from('KUHFEAOL'), bytes.subarray(at + 3)]),
		);
		const {error} = await run(noisy);
		expect((error as CliError).message).toMatch(/BCC mismatch/);
		expect((error as CliError).hint).toMatch(
			/^the block looks damaged on the line \("1-1KUHFEAOL:1\.8\.0" at line \d+ is no OBIS code\)/,
		);
		expect((error as CliError).hint).not.toContain('--ignore-bcc');
	});

	it('prints meter text with its control characters escaped, and random bytes framed by chance as no telegram', async () => {
		const body = Buffer.from('!\r\n\x03', 'latin1');
		const bcc = body.reduce((xor, byte) => xor ^ byte, 0);
		const file = join(directory, 'random-frame.bin');
		await writeFile(
			file,
			Buffer.concat([Buffer.from('/uqO\t=yw\u0018O?[\r\n\x02', 'latin1'), body, Buffer.of(bcc)]),
		);
		const {stdout} = await run(file);
		const [header] = stdout.split('\n');
		expect(header).toBe(
			'/uqO\\t=yw\\u0018O?[  manufacturer uqO, announces mode A at 300 Bd, 0 data sets, BCC ok, not a telegram (no data sets, no identification of the standard form; the BCC matched by chance)',
		);
		expect([...stdout].filter((char) => char < ' ' && char !== '\n')).toEqual([]);
	});

	it('says "no reset date" for history of a period whose reset stamp is a placeholder, not "without a date"', async () => {
		const file = join(directory, 'placeholder-reset.bin');
		await writeFile(
			file,
			encodeTelegram({
				identification: {manufacturer: 'LGZ', baudChar: '5', enhanced: [], ident: 'ZMD120'},
				lines: [
					[{address: '1-1:0.0.0', values: [{text: '50871031'}]}],
					[{address: '1-1:0.1.2*95', values: [{text: '0000000000'}]}],
					[{address: '1-1:1.8.0', values: [{text: '00023013', unit: 'kWh'}]}],
					[{address: '1-1:1.8.0*95', values: [{text: '00000000'}]}],
				],
			}),
		);
		const {stderr, error} = await run(file, {format: 'line-protocol', timezone: 'UTC'});
		expect(error).toBeUndefined();
		expect(stderr).toContain('2 billing history values with no reset date not written');
		expect(stderr).not.toContain('without a date');
	});

	it('calls random bytes "no telegram found", without the --ignore-bcc hint', async () => {
		let seed = 11;
		const random = Buffer.from(
			Array.from({length: 4096}, () => {
				seed = (seed * 1103515245 + 12345) % 2147483648;
				return (seed >> 16) & 0xff;
			}),
		);
		const {error} = await run('-', {}, random);
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).message).toMatch(/^stdin: no telegram found/);
		expect((error as CliError).hint ?? '').not.toContain('--ignore-bcc');
		// Noise has bit 7 set as often as not: no 7E1 guess for it.
		expect((error as CliError).hint ?? '').not.toContain('7E1');
	});

	it('says an empty file is empty, not that it lacks a telegram of some shape', async () => {
		const empty = join(directory, 'empty.bin');
		await writeFile(empty, '');
		const {error} = await run(empty);
		expect((error as CliError).message).toBe(`${empty}: is empty: no bytes, so no telegram`);
	});

	it('asks whether 7E1 data was read as 8N1 when the bytes read as readout text with bit 7 cleared', async () => {
		// Identification lines with bit 7 set as 7E1 parity, cut before any data set: text once bit 7 is cleared.
		const lines = Buffer.from('/LGZ52ZMD120APt.G03\r\n'.repeat(4));
		const odd = lines.map((byte) => {
			let ones = 0;
			for (let bit = byte; bit; bit >>= 1) ones += bit & 1;
			return ones % 2 === 0 ? byte : byte | 0x80;
		});
		const {error} = await run('-', {}, Buffer.from(odd));
		expect((error as CliError).hint ?? '').toMatch(/with bit 7 set: was 7E1 data read as 8N1\?$/);
	});

	it('shows a DSMR buffer entry by entry at the times its points get, in the table and in JSON', async () => {
		const fluvius = join(fixtures, 'fluvius-belgian-p1/input.bin');
		const table = await run(fluvius);
		expect(table.stdout).toMatch(/0-0:98\.1\.0 1-0:1\.6\.0 +01\.747 +kW +2023-10-31 12:00:00/);
		expect(table.stdout).toMatch(/0-0:98\.1\.0 1-0:1\.6\.0 +03\.260 +kW +2023-11-09 16:45:00/);
		const json = JSON.parse((await run(fluvius, {format: 'json'})).stdout) as ReadoutJson;
		expect(json.telegrams[0]?.dataSets[0]?.entries).toEqual([
			{obis: '1.6.0', channel: '1-0', text: '01.747', unit: 'kW', time: '2023-10-31T12:00:00'},
			{obis: '1.6.0', channel: '1-0', text: '03.260', unit: 'kW', time: '2023-11-09T16:45:00'},
		]);
	});

	describe('a capture of many telegrams', () => {
		async function copies(count: number): Promise<string> {
			const one = await readCapture(zmd120);
			const file = join(directory, `copies-${count}.bin`);
			await writeFile(file, Buffer.concat(Array.from({length: count}, () => one)));
			return file;
		}

		it('writes -f json as one document, the same text as for the whole readout at once', async () => {
			// 80 copies: more than one 64 KiB read, telegrams cut between reads.
			const file = await copies(80);
			const {stdout, error} = await run(file, {format: 'json'});
			expect(error).toBeUndefined();
			const whole = readoutToJson(decodeCapture(await readCapture(file)).telegrams, false);
			expect(stdout).toBe(`${JSON.stringify(whole, null, 2)}\n`);
		});

		it('writes -f ndjson as one telegram a line', async () => {
			const file = await copies(3);
			const {stdout} = await run(file, {format: 'ndjson'});
			const lines = stdout.trimEnd().split('\n');
			expect(lines).toHaveLength(3);
			const [first] = readoutToJson(decodeCapture(await readCapture(zmd120)).telegrams, false).telegrams;
			for (const line of lines) expect(JSON.parse(line)).toEqual(first);
		});

		it('says what was not written once for the file, counted over every telegram', async () => {
			const file = await copies(4);
			const {stderr} = await run(file, {format: 'line-protocol', readAt: new Date('2026-01-01T00:00:00Z')});
			const notWritten = stderr.split('\n').filter((line) => line.includes('not written'));
			expect(notWritten).toHaveLength(1);
			expect(notWritten[0]).toMatch(
				/^\S+: over 4 telegrams: \d+ text registers not written \(select them to write them\)/,
			);
			expect(notWritten[0]).not.toContain('text-disabled');
		});

		it('stamps each of several telegrams with its own meter clock', async () => {
			const file = await copies(2);
			const {stdout, error} = await run(file, {
				format: 'line-protocol',
				meter: 'house',
				timezone: 'Europe/Berlin',
			});
			expect(error).toBeUndefined();
			expect(stdout.match(/obis=1\.8\.1,/g)).toHaveLength(2);
		});
	});
});
