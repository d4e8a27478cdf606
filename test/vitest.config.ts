import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
		// Integration tests start real servers and ptys; give them room, unit tests finish in ms.
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// A loaded 2-core CI machine can take long to end a worker; do not fail the run for it.
		teardownTimeout: 60_000,
		// Any unhandled rejection fails the run (vitest's default), kept explicit here.
		dangerouslyIgnoreUnhandledErrors: false,
	},
});
