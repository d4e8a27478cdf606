import {describe, expect, it} from 'vitest';
import {CliError, EXIT_CODES} from '../../../src/cli/cli-error.ts';

describe('CliError', () => {
	it('defaults to the failure exit code and keeps its cause', () => {
		const cause = new Error('ENOENT');
		const error = new CliError('capture.bin: cannot read: no such file', {cause});
		expect(error.exitCode).toBe(EXIT_CODES.failed);
		expect(error.cause).toBe(cause);
		expect(error.message).toBe('capture.bin: cannot read: no such file');
		expect(error.hint).toBeUndefined();
	});

	it('carries a chosen exit code and a hint', () => {
		const error = new CliError('bad zone', {exitCode: EXIT_CODES.usage, hint: 'use an IANA name'});
		expect(error.exitCode).toBe(2);
		expect(error.hint).toBe('use an IANA name');
	});

	it('keeps the exit codes distinct', () => {
		expect(new Set(Object.values(EXIT_CODES)).size).toBe(Object.keys(EXIT_CODES).length);
	});
});
