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
