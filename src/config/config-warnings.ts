import type {Config} from './config-schema.ts';

/** Something in a valid configuration that is most likely not meant: reported, never refused. */
export interface ConfigWarning {
	/** The YAML path, e.g. `['meters', 0, 'select', 1]`. */
	readonly path: readonly (string | number)[];
	readonly message: string;
}

/**
 * What a valid configuration holds that its writer most likely did not mean: an OBIS selection listed
 * twice in one meter (`select: [1.8.1, 1.8.1]`: a leftover of an edit, or one of two codes mistyped).
 * Pure: what depends on the machine (does the port exist now?) is checked where the command runs.
 */
export function configWarnings(config: Config): ConfigWarning[] {
	const warnings: ConfigWarning[] = [];
	for (const [meterIndex, meter] of config.meters.entries()) {
		const first = new Map<string, number>();
		for (const [index, entry] of (meter.select ?? []).entries()) {
			const code = entry.code.trim();
			const earlier = first.get(code);
			if (earlier === undefined) {
				first.set(code, index);
				continue;
			}
			warnings.push({
				path: ['meters', meterIndex, 'select', index],
				message: `${code} is selected twice (also select[${earlier}]): keep one`,
			});
		}
	}
	return warnings;
}
