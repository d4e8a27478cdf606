import {describe, expect, it} from 'vitest';
import {CliError} from '../../../src/cli/cli-error.ts';
import {rebuiltConfig} from '../../../src/cli/config-apart.ts';
import {loadConfiguration} from '../../../src/cli/config-source.ts';
import {ConfigError} from '../../../src/config/config-error.ts';

describe('rebuiltConfig', () => {
	it('gives back the loaded configuration with the lines of the places the start-up checks name', async () => {
		const loaded = await loadConfiguration(undefined, {env: {}, cwd: '/tmp'}, {embeddedFallback: true});
		const {locate: _locate, placeOf: _placeOf, ...plain} = loaded;
		const rebuilt = rebuiltConfig({
			kind: 'loaded',
			loaded: structuredClone(plain),
			places: {'meters[0].port': {line: 3}, 'spool.directory': {line: 9}},
			hostTimeZone: 'Europe/Vienna',
			warnings: ['/etc/config.yaml: warning: meters[0].port (line 3): /dev/ttyUSB9 does not exist now'],
		});
		expect(rebuilt.config).toEqual(loaded.config);
		expect(rebuilt.locate?.(['meters', 0, 'port'])).toBe(3);
		expect(rebuilt.locate?.(['spool', 'directory'])).toBe(9);
		expect(rebuilt.locate?.(['influxdb', 'url'])).toBeUndefined();
		expect(rebuilt.placeOf).toBeUndefined();
		expect(rebuilt.hostTimeZone).toBe('Europe/Vienna');
		expect(rebuilt.warnings).toEqual([
			'/etc/config.yaml: warning: meters[0].port (line 3): /dev/ttyUSB9 does not exist now',
		]);
	});

	it('names places by variable for a configuration from the environment', () => {
		const rebuilt = rebuiltConfig({
			kind: 'loaded',
			loaded: {file: '', source: 'environment', config: {} as never, secrets: {}},
			places: {'meters[0].port': {place: 'METER_PORT'}},
			hostTimeZone: 'UTC',
			warnings: [],
		});
		expect(rebuilt.placeOf?.(['meters', 0, 'port'])).toBe('METER_PORT');
		expect(rebuilt.placeOf?.(['archive', 'directory'])).toBe('archive.directory');
	});

	it('throws the loader’s error as a CliError with the same message, exit code and ConfigError cause', () => {
		const problems = [{path: 'meters[0].schedule', line: 4, message: 'expected a cron expression'}];
		const error = (() => {
			try {
				rebuiltConfig({
					kind: 'cli-error',
					message: new ConfigError('/etc/config.yaml', problems).message,
					exitCode: 78,
					configError: {file: '/etc/config.yaml', problems},
				});
			} catch (thrown) {
				return thrown;
			}
			return undefined;
		})();
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).exitCode).toBe(78);
		expect((error as CliError).message).toBe(
			'/etc/config.yaml: 1 problem\n  meters[0].schedule (line 4): expected a cron expression',
		);
		expect((error as CliError).cause).toBeInstanceOf(ConfigError);
		expect(((error as CliError).cause as ConfigError).problems).toEqual(problems);
	});

	it('throws any other error with its message', () => {
		expect(() => rebuiltConfig({kind: 'error', message: 'boom'})).toThrow('boom');
	});
});
