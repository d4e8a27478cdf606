import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {loadConfiguration} from '../../../src/cli/config-source.ts';

let cwd: string;
beforeEach(async () => {
	cwd = await mkdtemp(join(tmpdir(), 'dlms-config-source-'));
});
afterEach(async () => {
	await rm(cwd, {recursive: true, force: true});
});

const valid = 'meters:\n  - id: a\n    port: /dev/ttyUSB0\n';

describe('loadConfiguration', () => {
	it('takes the file given', async () => {
		await writeFile(join(cwd, 'mine.yaml'), valid);
		const loaded = await loadConfiguration('mine.yaml', {env: {}, cwd}, {embeddedFallback: false});
		expect(loaded.file).toBe(join(cwd, 'mine.yaml'));
	});

	it('takes $DLMS_LOGGER_CONFIG when no file is given', async () => {
		await writeFile(join(cwd, 'env.yaml'), valid);
		const loaded = await loadConfiguration(
			undefined,
			{env: {DLMS_LOGGER_CONFIG: 'env.yaml'}, cwd},
			{embeddedFallback: false},
		);
		expect(loaded.file).toBe(join(cwd, 'env.yaml'));
	});

	it('takes ./config.yaml when it exists', async () => {
		await writeFile(join(cwd, 'config.yaml'), valid);
		const loaded = await loadConfiguration(undefined, {env: {}, cwd}, {embeddedFallback: true});
		expect(loaded.file).toBe(join(cwd, 'config.yaml'));
	});

	it('falls back to the embedded simulated meter for run', async () => {
		const loaded = await loadConfiguration(undefined, {env: {}, cwd}, {embeddedFallback: true});
		expect(loaded.file).toBe('');
		expect(loaded.config.meters[0]?.port).toBe('simulator:zmd120');
	});

	it('takes one meter from METER_* when there is no file, for check-config too', async () => {
		const env = {METER_PORT: 'tcp://192.0.2.1:8888', METER_ID: 'house', DLMS_LOGGER_CONFIG: ''};
		const loaded = await loadConfiguration(undefined, {env, cwd}, {embeddedFallback: false});
		expect(loaded).toMatchObject({file: '', source: 'environment'});
		expect(loaded.config.meters[0]).toMatchObject({id: 'house', port: 'tcp://192.0.2.1:8888'});
	});

	it('prefers ./config.yaml over METER_*', async () => {
		await writeFile(join(cwd, 'config.yaml'), valid);
		const env = {METER_PORT: 'tcp://192.0.2.1:8888', METER_ID: 'house'};
		const loaded = await loadConfiguration(undefined, {env, cwd}, {embeddedFallback: true});
		expect(loaded.file).toBe(join(cwd, 'config.yaml'));
		expect(loaded.source).toBeUndefined();
	});

	it('turns a bad METER_* variable into a configuration error naming it, exit code 78', async () => {
		const env = {METER_PORT: '/dev/ttyUSB0', METER_ID: 'house', METER_SCHEDULE: 'often'};
		const error = await loadConfiguration(undefined, {env, cwd}, {embeddedFallback: true}).catch(
			(caught: unknown) => caught,
		);
		expect((error as CliError).exitCode).toBe(78);
		expect((error as CliError).message).toMatch(
			/^environment variables: 1 problem\n {2}METER_SCHEDULE: expected a cron expression/,
		);
	});

	it('refuses a config.yml beside no config.yaml instead of running the simulated meter, exit 78', async () => {
		await writeFile(join(cwd, 'config.yml'), 'meters: []\n');
		const error = await loadConfiguration(undefined, {env: {}, cwd}, {embeddedFallback: true}).catch(
			(caught: unknown) => caught,
		);
		expect((error as CliError).exitCode).toBe(78);
		expect((error as CliError).message).toBe(
			'found config.yml but no config.yaml: did you mean config.yaml? Rename it, or give it with --config config.yml',
		);
	});

	it('says what to do when there is no configuration and no fallback', async () => {
		const error = await loadConfiguration(undefined, {env: {}, cwd}, {embeddedFallback: false}).catch(
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).exitCode).toBe(EXIT_CODES.config);
		expect((error as CliError).message).toContain('config.yaml.example');
	});

	it('turns an invalid file into a configuration error with exit code 78', async () => {
		await writeFile(join(cwd, 'config.yaml'), 'meters: []\n');
		const error = await loadConfiguration(undefined, {env: {}, cwd}, {embeddedFallback: true}).catch(
			(caught: unknown) => caught,
		);
		expect((error as CliError).exitCode).toBe(78);
		expect((error as CliError).message).toBe(
			`${join(cwd, 'config.yaml')}: 1 problem\n  meters (line 1): configure at least one meter`,
		);
	});
});
