import {Buffer} from 'node:buffer';
import {pipeline, Readable} from 'node:stream';
import {promisify} from 'node:util';
import {createGunzip, gunzip} from 'node:zlib';
import {isRawArchive} from '../output/raw-archive.ts';

/**
 * Whether bytes start a gzip file (magic 1f 8b, RFC 1952 clause 2.3.1) that is no raw archive (whose
 * members are gzip too, but read as records): a capture someone compressed, `log.bin.gz`.
 */
export function isGzipCapture(head: Buffer): boolean {
	return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b && !isRawArchive(head);
}

/** A gzip stream failed: not gzip after all, cut short, or damaged. The message says which. */
export class GzipCaptureError extends Error {
	constructor(cause: unknown) {
		super(`gzip: ${(cause as Error).message}`, {cause});
		this.name = 'GzipCaptureError';
	}
}

/**
 * The decompressed bytes of gzip `chunks`, as they come (memory flat in the size of the file). Each
 * input chunk is copied: callers hand views of buffers they reuse. Throws GzipCaptureError.
 */
export async function* gunzippedChunks(
	chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Buffer> {
	const copies = (async function* () {
		for await (const chunk of chunks) yield Buffer.from(chunk);
	})();
	const gunzip = createGunzip();
	const source = Readable.from(copies);
	// Errors of either side end the iteration below with that error.
	pipeline(source, gunzip, () => undefined);
	try {
		for await (const chunk of gunzip) yield chunk as Buffer;
	} catch (error) {
		// zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR); a read error of the source stays what it is.
		if ((error as NodeJS.ErrnoException).code?.startsWith('Z_') === true) throw new GzipCaptureError(error);
		throw error;
	} finally {
		source.destroy();
		gunzip.destroy();
	}
}

const gunzipWhole = promisify(gunzip);

/**
 * The decompressed bytes of a gzip capture held whole, or undefined when they would exceed `limitBytes`
 * (zlib stops there: a small file that unpacks to gigabytes is not unpacked; the caller streams it with
 * gunzippedChunks instead). Default: no limit. Throws GzipCaptureError.
 */
export async function gunzipUpTo(bytes: Uint8Array, limitBytes?: number): Promise<Buffer | undefined> {
	try {
		return await gunzipWhole(bytes, limitBytes === undefined ? {} : {maxOutputLength: limitBytes});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ERR_BUFFER_TOO_LARGE') return undefined;
		if (code?.startsWith('Z_') === true) throw new GzipCaptureError(error);
		throw error;
	}
}
