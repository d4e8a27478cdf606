import {PassThrough, Readable} from 'node:stream';
import type {CommandIo} from '../../src/cli/command-io.ts';

/** Command streams whose output a test reads back: stdout and stderr as text, stdin from bytes. */
export interface CapturedIo extends CommandIo {
	readonly stdout: PassThrough;
	readonly stderr: PassThrough;
	out(): string;
	err(): string;
}

export function capturedIo(stdin: Uint8Array = new Uint8Array(), signal?: AbortSignal): CapturedIo {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	stdout.on('data', (chunk: Buffer) => out.push(chunk));
	stderr.on('data', (chunk: Buffer) => err.push(chunk));
	return {
		stdin: Object.assign(Readable.from([Buffer.from(stdin)]), {isTTY: false}),
		stdout,
		stderr,
		...(signal === undefined ? {} : {signal}),
		out: () => Buffer.concat(out).toString(),
		err: () => Buffer.concat(err).toString(),
	};
}
