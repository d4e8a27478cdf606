import {fileURLToPath} from 'node:url';
import {runParse} from '../../src/cli/parse-command.ts';
import {capturedIo} from './captured-io.ts';

/** The fixed readout time and zone the expected points are stamped with. */
export const GOLDEN_READ_AT = new Date('2024-11-13T14:00:00Z');
export const GOLDEN_TIME_ZONE = 'Europe/Berlin';

/**
 * What `parse FILE -f line-protocol --timezone Europe/Berlin --read-at 2024-11-13T14:00:00Z` prints
 * for a fixture (with `--ignore-bcc` for meters known to send a wrong BCC): the points, and stderr
 * plus the error it ends with, the file's path shortened to `input.bin`.
 */
export async function goldenParseOutput(
	input: URL,
	ignoreBcc = false,
): Promise<{points: string; messages: string}> {
	const io = capturedIo();
	const file = fileURLToPath(input);
	let messages = '';
	try {
		await runParse(
			file,
			{
				format: 'line-protocol',
				verbose: false,
				ignoreBcc,
				timezone: GOLDEN_TIME_ZONE,
				readAt: GOLDEN_READ_AT,
			},
			io,
		);
	} catch (error) {
		messages = `error: ${(error as Error).message}\n`;
	}
	return {points: io.out(), messages: `${io.err()}${messages}`.replaceAll(`${file}: `, 'input.bin: ')};
}
