import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {PassThrough, Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {parseCommand} from '../../../src/cli/parse-command.ts';
import {ENVIRONMENT_SETTINGS} from '../../../src/config/environment-config.ts';
import {embeddedConfig} from '../../../src/daemon/embedded-config.ts';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {formatLineProtocol} from '../../../src/output/line-protocol.ts';
import {mapReading} from '../../../src/readings/point-mapper.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import {REPO_ROOT} from '../../helpers/compose-config.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = (heading: string) => {
	const start = readme.indexOf(`\n${heading}\n`);
	if (start === -1) return '';
	const next = readme.slice(start + heading.length + 2).search(/\n#{2,3} /);
	return readme.slice(start, next === -1 ? undefined : start + heading.length + 2 + next);
};

describe('README.md', () => {
	it('keeps the two commands: the demo and the test suite', () => {
		expect(readme).toMatch(/^ *npm ci && npm start$/m);
		expect(readme).toMatch(/^npm ci && npm test$/m);
	});

	it('says in the quick start how to run dlms-logger from a checkout, where it is not on the PATH', () => {
		expect(section('## Quick start')).toMatch(/run them as `npx dlms-logger …` from the checkout/);
	});

	it('shows quick-start lines whose series the embedded demo meter writes', async () => {
		const {config} = await embeddedConfig({});
		const meter = config.meters[0];
		const profile = createSimulatorProfile((meter?.port ?? '').replace(/^simulator:/, ''));
		const bytes = profile.dataMessage(Date.now());
		const [telegram] = decodeCapture(
			Buffer.concat([Buffer.from(`${profile.identification}\r\n`), bytes]),
		).telegrams;
		const lines = mapReading(
			{readAt: new Date(), dataSets: telegram?.dataSets ?? []},
			{meterId: meter?.id ?? '', measurement: config.measurement, timeZone: 'Europe/Berlin'},
		).points.map(formatLineProtocol);
		const samples = section('## Quick start').match(/^ *meter,\S+ value=\S+ \d+$/gm) ?? [];
		expect(samples.length).toBeGreaterThan(0);
		for (const sample of samples) {
			const series = sample.trim().split(' ')[0] as string;
			expect(
				lines.map((line) => line.split(' ')[0]),
				sample,
			).toContain(series);
		}
	});

	it('has a row for every environment variable the configuration reads', () => {
		const table = section('### Environment variables');
		for (const setting of ENVIRONMENT_SETTINGS)
			expect(table, setting.variable).toContain(`| \`${setting.variable}\``);
	});

	it('has a row for every option of parse in its option table', () => {
		const table = section('### `parse [FILE|-]`');
		const options = parseCommand({
			stdin: Readable.from([]),
			stdout: new PassThrough(),
			stderr: new PassThrough(),
		})
			.options.map((option) => option.long ?? '')
			.filter((name) => name !== '' && name !== '--help');
		expect(options.length).toBeGreaterThan(5);
		for (const option of options)
			expect(table, option).toMatch(new RegExp(`^\\| \`(-\\w, )?${option}\\b`, 'm'));
	});

	it('names both values of the billing tag where it describes the line protocol', () => {
		const text = readme.slice(readme.indexOf('#### Line protocol'));
		const paragraph = text.slice(0, text.indexOf('\n## '));
		expect(paragraph).toMatch(/`billing=1` for `\*NN`/);
		expect(paragraph).toMatch(/`billing=2` for\s+`&NN`/);
	});

	it('maps every setting of the smarthomeNG dlms plugin', () => {
		const table = section('## Coming from the smarthomeNG dlms plugin');
		for (const setting of [
			'serialport',
			'update_cycle',
			'dlms_obis_code',
			'standalone mode',
			'verbose mode',
		]) {
			expect(table, setting).toContain(setting);
		}
	});

	it('names the compose profiles and how to choose them', () => {
		expect(readme).toContain('COMPOSE_PROFILES');
		expect(section('## Docker Compose: InfluxDB, Grafana and the collector')).toMatch(/`demo`.*\n.*`meter`/);
	});

	it('has the sections a newcomer looks for', () => {
		for (const heading of [
			'## Quick start',
			'## Bare metal (systemd)',
			'## Configuration',
			'## Schema',
			'## Dashboards',
			'## Tested meters',
			'## Troubleshooting',
			'## Run the tests',
		]) {
			expect(readme, heading).toContain(`\n${heading}\n`);
		}
	});

	it('counts no tested meters in words that go stale, and docs/meters.md names every fixture folder', () => {
		// A number in the text was wrong as soon as a fixture was added: the table is the list.
		expect(readme).not.toMatch(
			/\b(?:\d+|[A-Z]?[a-z]+teen|[A-Z]?[a-z]+ty(?:-[a-z]+)?) meters have golden telegrams/,
		);
		expect(readme).not.toMatch(/real telegrams of \d+ meters/);
		const meters = readFileSync(join(REPO_ROOT, 'docs', 'meters.md'), 'utf8');
		const folders = readdirSync(join(REPO_ROOT, 'test', 'fixtures', 'telegrams'), {withFileTypes: true})
			.filter((entry) => entry.isDirectory())
			.map((entry) => entry.name);
		expect(folders.filter((folder) => !meters.includes(`\`${folder}\``))).toEqual([]);
	});
});
