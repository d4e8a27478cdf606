import {Command} from 'commander';
import {describe, expect, it} from 'vitest';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';
import {
	CONFIG_OPTION_HELP,
	configFileOf,
	withConfigFileArgument,
} from '../../../src/cli/config-file-argument.ts';

describe('configFileOf', () => {
	it('takes the file from -c or the argument, or both when they agree', () => {
		expect(configFileOf('a.yaml', undefined)).toBe('a.yaml');
		expect(configFileOf(undefined, 'a.yaml')).toBe('a.yaml');
		expect(configFileOf('a.yaml', 'a.yaml')).toBe('a.yaml');
		expect(configFileOf(undefined, undefined)).toBeUndefined();
	});

	it('refuses two different files as a usage error', () => {
		let error: unknown;
		try {
			configFileOf('a.yaml', 'b.yaml');
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(CliError);
		expect((error as CliError).message).toBe('two configuration files given: -c a.yaml and b.yaml; give one');
		expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
	});
});

describe('withConfigFileArgument', () => {
	it('declares [file] and -c, --config, both with the same help', async () => {
		const seen: [string | undefined, string | undefined][] = [];
		const command = withConfigFileArgument(new Command('check')).action(
			(argument: string | undefined, flags: {config?: string}) => {
				seen.push([argument, flags.config]);
			},
		);
		await command.parseAsync(['x.yaml'], {from: 'user'});
		await command.parseAsync(['-c', 'y.yaml'], {from: 'user'});
		expect(seen).toEqual([
			['x.yaml', undefined],
			[undefined, 'y.yaml'],
		]);
		const help = command.helpInformation().replace(/\s+/g, ' ');
		expect(help).toContain(`file ${CONFIG_OPTION_HELP}; the same as -c FILE`);
		expect(help).toContain(`-c, --config <file> ${CONFIG_OPTION_HELP}`);
	});
});
