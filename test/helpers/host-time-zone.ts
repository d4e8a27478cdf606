/**
 * Runs `action` as on a host whose zone is `zone` (TZ, which Node applies at once to Date and Intl),
 * then restores the zone the test process had. For the rules that depend on the host's zone.
 */
export async function withHostTimeZone<T>(zone: string, action: () => Promise<T>): Promise<T> {
	// Destructured: the strict tsconfig forbids `process.env.X`, Biome forbids `process.env['X']`.
	const {TZ: before} = process.env;
	process.env['TZ'] = zone;
	try {
		return await action();
	} finally {
		if (before === undefined) delete process.env['TZ'];
		else process.env['TZ'] = before;
	}
}
