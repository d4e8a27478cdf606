import {mkdtemp, readFile, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fsErrorCause} from '../../../src/observability/fs-error-cause.ts';

const systemError = (code: string, message = `${code}: something, open '/x'`) =>
	Object.assign(new Error(message), {code});

describe('fsErrorCause', () => {
	let directory: string;
	beforeAll(async () => {
		directory = await mkdtemp(join(tmpdir(), 'fs-error-cause-'));
		await writeFile(join(directory, 'file'), 'x');
	});
	afterAll(async () => {
		await rm(directory, {recursive: true, force: true});
	});

	const causeOf = (path: string) => readFile(path).then(() => 'read', fsErrorCause);

	it('words the errors of real reads without repeating the path', async () => {
		expect(await causeOf(join(directory, 'absent'))).toBe('no such file');
		expect(await causeOf(directory)).toBe('is a directory');
		expect(await causeOf(join(directory, 'file', 'inside'))).toBe('a file where the path needs a directory');
	});

	it('words permission, open-file limits and full or read-only disks by their codes', () => {
		expect(fsErrorCause(systemError('EACCES'))).toBe('permission denied');
		expect(fsErrorCause(systemError('EPERM'))).toBe('permission denied');
		expect(fsErrorCause(systemError('EMFILE'))).toBe('too many open files');
		expect(fsErrorCause(systemError('ENFILE'))).toBe('too many open files');
		expect(fsErrorCause(systemError('ENOSPC'))).toBe('no space left on the device');
		expect(fsErrorCause(systemError('EROFS'))).toBe('read-only file system');
	});

	it('keeps the message of any other error without the path Node appends to it', async () => {
		const loop = join(directory, 'loop');
		await symlink(loop, loop);
		expect(await causeOf(loop)).toBe('ELOOP: too many symbolic links encountered');
	});

	it('keeps the message of any other error', () => {
		expect(fsErrorCause(systemError('EIO', 'EIO: i/o error, read'))).toBe('EIO: i/o error, read');
		expect(fsErrorCause(new Error('gzip: unexpected end of file'))).toBe('gzip: unexpected end of file');
		expect(fsErrorCause('odd')).toBe('odd');
	});
});
