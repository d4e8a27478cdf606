/**
 * V8 flags for the long-running collector alone, set before its code loads: it reads a meter every few
 * seconds, so the optimising compilers (TurboFan, Sparkplug) buy it nothing and cost about 8 MB of
 * resident memory (their code paged in, their output and work memory). Parsing and backfill keep
 * them: they are throughput jobs. Both flags only stop further tiering up, which is safe at any time.
 */
export const COLLECTOR_V8_FLAGS: readonly string[] = ['--no-opt', '--no-sparkplug'];

/** The V8 flags main sets for a command before loading it. */
export function v8FlagsFor(command: string | undefined): readonly string[] {
	return command === 'run' ? COLLECTOR_V8_FLAGS : [];
}

/**
 * Above this many meters the collector parses often enough for the optimising compilers to pay:
 * reading 100 simulated meters (`npm run fleet`) it took 13.8 % of a core without them and 7.5 %
 * with them, where they cost one meter's collector about 8 MB and save it nothing.
 */
export const OPTIMISE_ABOVE_METERS = 10;

/** The V8 flags `run` sets once it knows how many meters it reads: the compilers back for a large site. */
export function v8FlagsForMeters(meters: number): readonly string[] {
	return meters > OPTIMISE_ABOVE_METERS ? ['--opt', '--sparkplug'] : [];
}
