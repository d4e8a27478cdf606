import type {Stats} from 'node:fs';
import {stat} from 'node:fs/promises';
import {resolve} from 'node:path';
import type {ConfigWarning} from '../config/config-warnings.ts';
import {LINK_RETRY_WORDS} from '../daemon/link-retry.ts';
import {isSimulatorPort} from '../daemon/simulator-port-name.ts';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {portNameHint} from '../transport/port-name-hint.ts';

export interface PortWarningOptions {
	/** Where a relative port path starts: the working directory, as the serial binding opens it. */
	readonly cwd: string;
	/** The platform (`process.platform` values). */
	readonly platform: string;
	/** Reads a path's kind; tests swap it. Default fs.stat. */
	readonly stat?: (path: string) => Promise<Pick<Stats, 'isCharacterDevice' | 'isDirectory'>>;
}

/**
 * Serial ports of a configuration that cannot be opened as given now: a name of the wrong shape
 * (`127.0.0.1:8888`, `COM3`, `ttyUSB0`), a path that does not exist now, a path that is not a device.
 * Warnings, not errors: a reader may be unplugged while its configuration is written, and `run` keeps
 * trying the port (LINK_RETRY_WORDS). Bridges (`tcp://…`) and simulated meters are skipped.
 */
export async function portWarnings(
	ports: readonly string[],
	options: PortWarningOptions,
): Promise<ConfigWarning[]> {
	const warnings: ConfigWarning[] = [];
	const kindOf = options.stat ?? stat;
	for (const [index, port] of ports.entries()) {
		if (/^[a-z][a-z\d+.-]*:\/\//i.test(port) || isSimulatorPort(port)) continue;
		const path = ['meters', index, 'port'];
		const hint = portNameHint(port, options.platform);
		if (hint !== undefined) {
			warnings.push({path, message: hint});
			continue;
		}
		if (options.platform === 'win32') continue;
		const info = await kindOf(resolve(options.cwd, port)).catch((error: NodeJS.ErrnoException) => error);
		if (info instanceof Error) {
			const missing = info.code === 'ENOENT' || info.code === 'ENOTDIR';
			warnings.push({
				path,
				message: missing
					? `${port} does not exist now: is the reader plugged in? (\`dlms-logger ports\` lists the ports; run starts anyway and ${LINK_RETRY_WORDS})`
					: `${port} cannot be checked: ${fsErrorCause(info)}`,
			});
		} else if (!info.isCharacterDevice()) {
			warnings.push({
				path,
				message: `${port} is ${info.isDirectory() ? 'a directory' : 'a file'}, not a serial device`,
			});
		}
	}
	return warnings;
}
