/**
 * Whether the environment asks for the one-meter configuration (METER_PORT set and not only blanks).
 * Apart from environment-config.ts so that the collector can ask without loading the schema.
 */
export function hasMeterEnvironment(env: NodeJS.ProcessEnv): boolean {
	const {METER_PORT} = env;
	return METER_PORT !== undefined && METER_PORT.trim() !== '';
}
