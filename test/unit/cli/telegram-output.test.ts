import {PassThrough, Readable} from 'node:stream';
import {Command} from 'commander';
import {describe, expect, it} from 'vitest';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import type {CommandIo} from '../../../src/cli/command-io.ts';
import type {ReadoutJson} from '../../../src/cli/readout-json.ts';
import {
	addTelegramOutputOptions,
	checkTelegramOutputOptions,
	type TelegramOutputOptions,
	utcReadingNote,
	writeTelegrams,
} from '../../../src/cli/telegram-output.ts';
import type {DecodedTelegram} from '../../../src/iec62056/capture-decoder.ts';
import {parseDataBlock} from '../../../src/iec62056/data-block-parser.ts';
import {ObisSelection} from '../../../src/readings/obis-selection.ts';

const readAt = new Date('2026-03-10T12:00:00Z');
const readAtSeconds = Date.UTC(2026, 2, 10, 12, 0, 0) / 1000;

function telegram(...lines: string[]): DecodedTelegram {
	const text = `${lines.join('\r\n')}\r\n!\r\n`;
	return {
		...parseDataBlock(text),
		framing: 'text',
		check: {algorithm: 'none', ok: true},
		bytes: Buffer.from(text, 'latin1'),
	};
}

const energy = telegram('1-1:1.8.1(00021271*kWh)', '1-1:1.8.1*03(00020000*kWh)');

function streams() {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	stdout.on('data', (chunk: Buffer) => out.push(chunk));
	stderr.on('data', (chunk: Buffer) => err.push(chunk));
	const io: CommandIo = {stdin: Readable.from([]), stdout, stderr};
	return {
		io,
		stdout: () => Buffer.concat(out).toString(),
		stderr: () => Buffer.concat(err).toString(),
	};
}

function write(
	telegrams: readonly DecodedTelegram[],
	options: Partial<TelegramOutputOptions> = {},
	context: {selection?: ObisSelection; extra?: Record<string, unknown>} = {},
) {
	const output = streams();
	writeTelegrams(
		telegrams,
		{format: 'table', verbose: false, ...options},
		{
			place: 'house.bin',
			readAt,
			selection: context.selection,
			...(context.extra ? {extra: context.extra} : {}),
		},
		output.io,
	);
	return {stdout: output.stdout(), stderr: output.stderr()};
}

function usageError(options: Partial<TelegramOutputOptions>): CliError {
	try {
		checkTelegramOutputOptions({format: 'table', verbose: false, ...options});
	} catch (error) {
		return error as CliError;
	}
	throw new Error('no error');
}

describe('utcReadingNote', () => {
	const lineProtocol: TelegramOutputOptions = {format: 'line-protocol', verbose: false};

	it('says, for line protocol on a UTC host without a zone, that meter times are read as UTC and how to give one', () => {
		expect(utcReadingNote(lineProtocol, 'Etc/UTC')).toBe(
			"note: no --timezone given and this host runs Etc/UTC: meter times are read as UTC. If the meter's clock shows local time, give its zone, e.g. --timezone Europe/Berlin",
		);
	});

	it('says nothing with a zone given, on a host in local time, or for formats that print meter times as sent', () => {
		expect(utcReadingNote({...lineProtocol, timezone: 'UTC'}, 'UTC')).toBeUndefined();
		expect(utcReadingNote(lineProtocol, 'Europe/Berlin')).toBeUndefined();
		for (const format of ['table', 'json', 'ndjson'] as const) {
			expect(utcReadingNote({...lineProtocol, format}, 'UTC')).toBeUndefined();
		}
	});

	it('states the rule in --help', () => {
		const help = addTelegramOutputOptions(new Command('parse')).helpInformation();
		expect(help.replace(/\s+/g, ' ')).toMatch(
			/--timezone <zone> +IANA time zone of the meter's clock, for line protocol .*default the host's zone .*the rule run follows for a meter without a timezone\. On a UTC host meter times are then read as UTC, which is said once/,
		);
	});
});

describe('checkTelegramOutputOptions', () => {
	it('returns no selection when --select is not given', () => {
		expect(checkTelegramOutputOptions({format: 'table', verbose: false})).toBeUndefined();
	});

	it('returns a selection of the comma-separated codes', () => {
		const selection = checkTelegramOutputOptions({
			format: 'table',
			verbose: false,
			select: '1.8.1, 1.6.2*01~1,',
		});
		expect(selection).toBeInstanceOf(ObisSelection);
	});

	it('accepts an IANA time zone', () => {
		expect(() =>
			checkTelegramOutputOptions({format: 'line-protocol', verbose: false, timezone: 'Europe/Berlin'}),
		).not.toThrow();
	});

	it('refuses a zone that is not an IANA name as a usage error naming --timezone', () => {
		const error = usageError({timezone: 'Europe/Atlantis'});
		expect(error).toBeInstanceOf(CliError);
		expect(error.exitCode).toBe(EXIT_CODES.usage);
		expect(error.exitCode).toBe(2);
		expect(error.message).toMatch(/^--timezone: /);
		expect(error.message).toContain('Europe/Atlantis');
	});

	it('refuses a selection that is not a code as a usage error naming --select', () => {
		const error = usageError({select: '1.8.1,kilowatts'});
		expect(error).toBeInstanceOf(CliError);
		expect(error.exitCode).toBe(2);
		expect(error.message).toMatch(/^--select: /);
	});

	it('keeps the underlying error as the cause', () => {
		expect(usageError({timezone: 'nowhere'}).cause).toBeInstanceOf(TypeError);
	});
});

describe('writeTelegrams, table', () => {
	it('prints the data sets as rows on stdout and nothing on stderr', () => {
		const {stdout, stderr} = write([energy]);
		expect(stdout).toMatch(/^\(no identification\)/);
		expect(stdout).toMatch(/1-1:1\.8\.1 +00021271 +kWh/);
		expect(stderr).toBe('');
	});

	it('leaves the *NN history out unless verbose', () => {
		expect(write([energy]).stdout).not.toContain('1.8.1*03');
		expect(write([energy], {verbose: true}).stdout).toContain('1-1:1.8.1*03');
	});
});

describe('writeTelegrams, json', () => {
	it('prints one JSON document with the telegrams', () => {
		const json = JSON.parse(write([energy], {format: 'json'}).stdout) as ReadoutJson;
		expect(json.telegrams).toHaveLength(1);
		expect(json.telegrams[0]?.dataSets.map((set) => set.key)).toEqual(['1.8.1']);
	});

	it('merges the extra fields into the document', () => {
		const extra = {readout: {port: '/dev/ttyUSB0', mode: 'C'}};
		const json = JSON.parse(write([energy], {format: 'json'}, {extra}).stdout) as Record<string, unknown>;
		expect(json['readout']).toEqual({port: '/dev/ttyUSB0', mode: 'C'});
		expect(json['telegrams']).toHaveLength(1);
	});

	it('includes history when verbose', () => {
		const json = JSON.parse(write([energy], {format: 'json', verbose: true}).stdout) as ReadoutJson;
		expect(json.telegrams[0]?.dataSets.map((set) => set.key)).toEqual(['1.8.1', '1.8.1*03']);
	});
});

describe('writeTelegrams, line protocol', () => {
	const current = telegram('1-1:1.8.1(00021271*kWh)');

	it('prints a point per numeric value, stamped with the readout time in seconds', () => {
		const {stdout, stderr} = write([current], {format: 'line-protocol', meter: 'house', timezone: 'UTC'});
		const lines = stdout.trimEnd().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/^meter,/);
		expect(lines[0]).toContain('meter=house');
		expect(lines[0]).toContain('obis=1.8.1');
		expect(lines[0]).toContain('channel=1-1');
		expect(lines[0]).toContain('unit=kWh');
		expect(lines[0]).toMatch(new RegExp(` value=21271 ${readAtSeconds}$`));
		expect(stderr).toBe('');
	});

	it('writes only the selected codes', () => {
		const both = telegram('1-1:1.8.1(00021271*kWh)', '1-1:1.8.2(00001234*kWh)');
		const selection = new ObisSelection([{code: '1.8.2'}]);
		const {stdout} = write([both], {format: 'line-protocol', meter: 'house', timezone: 'UTC'}, {selection});
		expect(stdout).toContain('obis=1.8.2');
		expect(stdout).not.toContain('obis=1.8.1');
	});

	it('says on stderr how many data sets were not written, and why', () => {
		const withStatus = telegram('1-1:1.8.1(00021271*kWh)', '1-1:C.3.4(--__5_--)');
		const {stderr} = write([withStatus], {format: 'line-protocol', meter: 'house', timezone: 'UTC'});
		expect(stderr).toBe('house.bin: 1 text register not written (select it to write it)\n');
	});

	it('names exactly selected billing history without a date instead of counting it', () => {
		const selection = new ObisSelection([{code: '1.8.1*03'}]);
		const {stdout, stderr} = write(
			[energy],
			{format: 'line-protocol', meter: 'house', timezone: 'UTC'},
			{selection},
		);
		expect(stdout).toBe('');
		expect(stderr).toMatch(
			/^house\.bin: selected 1\.8\.1\*03 is billing history without a date, not written: .*0\.1\.2\*03/m,
		);
		expect(stderr).not.toContain('billing history value without a date');
	});

	it('keeps stdout to points only when data sets are skipped', () => {
		const withStatus = telegram('1-1:1.8.1(00021271*kWh)', '1-1:C.3.4(--__5_--)');
		const {stdout} = write([withStatus], {format: 'line-protocol', meter: 'house', timezone: 'UTC'});
		expect(stdout.trimEnd().split('\n')).toHaveLength(1);
	});

	it('names units passed through unconverted on stderr', () => {
		const odd = telegram('1-1:1.8.1(00021271*furlong)');
		const {stderr} = write([odd], {format: 'line-protocol', meter: 'house', timezone: 'UTC'});
		expect(stderr).toBe('house.bin: units passed through unconverted: furlong\n');
	});
});

describe('writeTelegrams, malformed data sets', () => {
	const broken = telegram('1-1:1.8.1(00021271*kWh)', '1-1:1.8.2(0000', '1-1:2.8.0(00000012*kWh)');

	it('reports each malformed set on stderr with the place', () => {
		expect(broken.malformed.length).toBeGreaterThan(0);
		const {stderr} = write([broken]);
		expect(stderr).toBe(broken.malformed.map((error) => `house.bin: ${error.message}\n`).join(''));
	});

	it('still prints the good sets', () => {
		expect(write([broken]).stdout).toMatch(/1-1:2\.8\.0 +00000012 +kWh/);
	});

	it('reports them for JSON output too, keeping stdout parseable', () => {
		const {stdout, stderr} = write([broken], {format: 'json'});
		expect(() => JSON.parse(stdout)).not.toThrow();
		expect(stderr).toMatch(/^house\.bin: /);
	});
});

describe('addTelegramOutputOptions', () => {
	it('adds --format, --verbose, --timezone, --meter and --select', () => {
		const command = addTelegramOutputOptions(new Command('parse'));
		expect(command.options.map((option) => option.long)).toEqual([
			'--format',
			'--verbose',
			'--timezone',
			'--meter',
			'--select',
		]);
	});

	it('defaults to a table without history', () => {
		const command = addTelegramOutputOptions(new Command('parse')).exitOverride();
		command.parse([], {from: 'user'});
		expect(command.opts()).toEqual({format: 'table', verbose: false});
	});

	it('reads every option from the command line, -f and -v as short forms', () => {
		const command = addTelegramOutputOptions(new Command('parse')).exitOverride();
		command.parse(
			['-f', 'line-protocol', '-v', '--timezone', 'UTC', '--meter', 'house', '--select', '1.8.1'],
			{from: 'user'},
		);
		expect(command.opts()).toEqual({
			format: 'line-protocol',
			verbose: true,
			timezone: 'UTC',
			meter: 'house',
			select: '1.8.1',
		});
	});

	it('refuses a format it does not know', () => {
		const command = addTelegramOutputOptions(new Command('parse'))
			.exitOverride()
			.configureOutput({writeErr: () => undefined});
		expect(() => command.parse(['--format', 'xml'], {from: 'user'})).toThrow(
			/table, json, ndjson, line-protocol/,
		);
	});
});
