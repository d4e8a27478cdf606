import {Command} from 'commander';
import {hasMeterEnvironment} from '../config/environment-config.ts';
import {startCollector} from '../daemon/collector.ts';
import {createLogger} from '../observability/logger.ts';
import type {CommandIo} from './command-io.ts';
import {loadConfiguration, type ProcessContext} from './config-source.ts';

/** `dlms-logger run`: the collector, until SIGINT/SIGTERM. */
export function runCommand(io: CommandIo, context: ProcessContext): Command {
	return new Command('run')
		.description(
			'run the collector: read every configured meter on its schedule and write the points ' +
				'(without a configuration: the built-in simulated meter, printed as line protocol)',
		)
		.option('-c, --config <file>', 'configuration file (default: $DLMS_LOGGER_CONFIG, else ./config.yaml)')
		.action(async (flags: {config?: string}) => {
			await runCollector(flags.config, io, context);
		});
}

export async function runCollector(
	file: string | undefined,
	io: CommandIo,
	context: ProcessContext,
): Promise<void> {
	const loaded = await loadConfiguration(file, context, {embeddedFallback: true});
	const {log: logConfig} = loaded.config;
	const stderrIsTty = Boolean((io.stderr as {isTTY?: boolean}).isTTY);
	// Logs go to stderr: without InfluxDB, stdout carries the points (line protocol) for a pipe.
	const log = createLogger({
		level: logConfig.level,
		pretty: logConfig.format === 'pretty' || (logConfig.format === 'auto' && stderrIsTty),
		destination: io.stderr,
	});
	if (loaded.source === 'embedded') {
		log.info(
			'no configuration file: running the built-in simulated ZMD120 every 10 s (see config.yaml.example)',
		);
	} else if (loaded.source === 'environment') {
		log.info(`configuration from environment variables (METER_PORT ${loaded.config.meters[0]?.port})`);
	} else if (hasMeterEnvironment(context.env)) {
		// A mounted config.yaml wins over METER_*; say so, or a changed METER_PORT would seem to do nothing.
		log.warn(`METER_* variables ignored: the configuration comes from ${loaded.file}`);
	}
	const collector = await startCollector(loaded, {workingDirectory: context.cwd, stdout: io.stdout, log});
	await new Promise<void>((resolve) => {
		if (io.signal === undefined || io.signal.aborted) return resolve();
		io.signal.addEventListener('abort', () => resolve(), {once: true});
	});
	log.info(`stopping (${String((io.signal?.reason as Error | undefined)?.message ?? 'signal')})`);
	await collector.stop({flushTimeoutMs: 5000});
}
