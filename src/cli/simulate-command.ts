import {realpathSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import type {Writable} from 'node:stream';
import {Command, InvalidArgumentError} from 'commander';
import {hostTimeZone} from '../daemon/host-time-zone.ts';
import {fsErrorCause} from '../observability/fs-error-cause.ts';
import {plural} from '../observability/plural.ts';
import {assertTimeZone} from '../readings/meter-clock.ts';
import {createCapturedTelegramProfile} from '../simulator/captured-telegram-profile.ts';
import {MeterSimulator} from '../simulator/meter-simulator.ts';
import {parseFault, SIMULATOR_FAULTS, type SimulatorFault} from '../simulator/simulator-fault.ts';
import type {SimulatorLogEntry} from '../simulator/simulator-log.ts';
import type {SimulatorProfile} from '../simulator/simulator-profile.ts';
import {createSimulatorProfile, SIMULATOR_PROFILES} from '../simulator/simulator-profiles.ts';
import type {Link} from '../transport/link.ts';
import {LinkError} from '../transport/link-errors.ts';
import {SerialLink} from '../transport/serial-link.ts';
import {listenTcpLink, type TcpLinkListener} from '../transport/tcp-server-link.ts';
import {CliError, EXIT_CODES} from './cli-error.ts';

export interface SimulateCommandIo {
	readonly stdout: Writable;
	readonly stderr: Writable;
}

export interface SimulateCommandOptions {
	/** Ends the simulation; main.ts aborts it on SIGINT/SIGTERM. Without one it runs until the link closes. */
	readonly signal?: AbortSignal;
	/** Opens the serial port; tests swap it. Default `new SerialLink({path})`. */
	readonly openSerial?: (path: string) => Link;
	/** Starts the TCP listener; tests swap it. Default listenTcpLink. */
	readonly listenTcp?: (options: {host: string; port: number}) => Promise<TcpLinkListener>;
}

export interface SimulateFlags {
	readonly serial?: string;
	readonly tcp?: {host: string; port: number};
	readonly profile?: string;
	readonly telegram?: string;
	readonly fault: SimulatorFault[];
	readonly timezone?: string;
	readonly listProfiles: boolean;
}

/** `dlms-logger simulate`: plays a meter on a serial port or a TCP port, for demos and for testing readers. */
export function simulateCommand(io: SimulateCommandIo, options: SimulateCommandOptions = {}): Command {
	return new Command('simulate')
		.description(
			'play an IEC 62056-21 meter on a serial port (e.g. one end of a socat pty pair or a second IR head) or a TCP port',
		)
		.option('--serial <path>', 'serial device to answer on, e.g. /dev/pts/4')
		.option(
			'--tcp <host:port>',
			'listen as a raw TCP bridge (ser2net style), e.g. 127.0.0.1:8888',
			parseHostPort,
		)
		.option('--profile <name>', 'meter to play (see --list-profiles); default zmd120')
		.option('--telegram <file>', 'serve a captured telegram (a fixture input.bin) instead of a profile')
		.option(
			'--fault <name[=value]>',
			`inject a fault, repeatable: ${SIMULATOR_FAULTS.map((fault) => fault.syntax).join(', ')}`,
			collectFault,
			[] as SimulatorFault[],
		)
		.option(
			'--timezone <zone>',
			`IANA time zone of the meter's clock; default the host's zone (${hostTimeZone()}), as read, parse and run assume`,
		)
		.option('--list-profiles', 'list the built-in profiles and faults, then exit', false)
		.action(async (flags: SimulateFlags) => {
			await runSimulate(flags, io, options);
		});
}

async function runSimulate(flags: SimulateFlags, io: SimulateCommandIo, options: SimulateCommandOptions) {
	if (flags.listProfiles) {
		io.stdout.write(listing());
		return;
	}
	if ((flags.serial === undefined) === (flags.tcp === undefined)) {
		throw usage('give exactly one of --serial PATH or --tcp HOST:PORT');
	}
	if (flags.profile !== undefined && flags.telegram !== undefined) {
		throw usage('give either --profile or --telegram, not both');
	}
	if (flags.timezone !== undefined) {
		try {
			assertTimeZone(flags.timezone);
		} catch (error) {
			throw usage(`--timezone: ${(error as Error).message}`, error);
		}
	}
	const profile = await chooseProfile(flags);

	let listener: TcpLinkListener | undefined;
	let link: Link;
	if (flags.tcp !== undefined) {
		listener = await (options.listenTcp ?? listenTcpLink)(flags.tcp).catch((error: unknown) => {
			throw new CliError(
				`--tcp ${flags.tcp?.host}:${flags.tcp?.port}: cannot listen: ${(error as Error).message}`,
				{
					cause: error,
				},
			);
		});
		link = listener.link;
	} else {
		link = (options.openSerial ?? ((path) => new SerialLink({path})))(flags.serial as string);
	}

	const simulator = new MeterSimulator(link, {
		profile,
		faults: flags.fault,
		reopen: listener !== undefined,
		// A pty passes bytes at once: keep the line time here, so a host is heard (and must switch) as on a real line.
		paced: flags.serial !== undefined && isPseudoTerminal(flags.serial),
		onLog: (entry) => io.stdout.write(`${describeEntry(entry)}\n`),
	});
	const announce = () =>
		io.stdout.write(
			`simulating ${profile.name} (${profile.identification}, mode ${simulator.mode}) on ${link.place}` +
				`${flags.fault.length > 0 ? ` with faults ${flags.fault.map((fault) => fault.kind).join(', ')}` : ''}` +
				`${listener ? '; waiting for a client' : ''}; Ctrl-C stops\n`,
		);
	try {
		// A listener is ready before a client connects; a serial port only once it is open, so whoever
		// waits for this line (a script, a test) can sign on at once.
		if (listener) announce();
		const starting = simulator.start(options.signal);
		if (!listener) {
			await starting;
			announce();
		}
		await starting;
		const reason = await simulator.stopped;
		const failure = simulator.log.find((entry) => entry.kind === 'stopped' && entry.error !== undefined);
		if (reason === 'link-error' && failure?.kind === 'stopped') {
			throw new CliError(failure.error?.message ?? `${link.place}: link failure`, {
				cause: failure.error,
			});
		}
	} catch (error) {
		if (error instanceof CliError) throw error;
		if (error instanceof LinkError && error.failure === 'aborted') return;
		const message = (error as Error).message;
		throw new CliError(message.startsWith(`${link.place}: `) ? message : `${link.place}: ${message}`, {
			cause: error,
		});
	} finally {
		await simulator.close();
		await listener?.close();
	}
}

export async function chooseProfile(flags: SimulateFlags): Promise<SimulatorProfile> {
	// The host's zone unless told otherwise: what `read` and `parse` on this host assume, so their times agree.
	const profileOptions = {timeZone: flags.timezone ?? hostTimeZone()};
	if (flags.telegram !== undefined) {
		let bytes: Buffer;
		try {
			bytes = await readFile(flags.telegram);
		} catch (error) {
			throw new CliError(`${flags.telegram}: cannot read: ${fsErrorCause(error)}`, {cause: error});
		}
		try {
			return createCapturedTelegramProfile(bytes, {...profileOptions, place: flags.telegram});
		} catch (error) {
			throw new CliError((error as Error).message, {cause: error});
		}
	}
	try {
		return createSimulatorProfile(flags.profile ?? 'zmd120', profileOptions);
	} catch (error) {
		throw usage(`--profile: ${(error as Error).message}`, error);
	}
}

function listing(): string {
	const width = Math.max(...SIMULATOR_PROFILES.map((entry) => entry.name.length));
	const faultWidth = Math.max(...SIMULATOR_FAULTS.map((fault) => fault.syntax.length));
	return [
		'profiles:',
		...SIMULATOR_PROFILES.map((entry) => `  ${entry.name.padEnd(width)}  ${entry.description}`),
		'faults (--fault):',
		...SIMULATOR_FAULTS.map((fault) => `  ${fault.syntax.padEnd(faultWidth)}  ${fault.description}`),
		'',
	].join('\n');
}

/** One line per log entry: time, direction, what. */
export function describeEntry(entry: SimulatorLogEntry): string {
	const time = new Date(entry.timeMs).toISOString().slice(11, 23);
	switch (entry.kind) {
		case 'received':
			return `${time} <- ${entry.frame} ${printable(entry.bytes)} (${entry.baudRate} Bd)`;
		case 'sent':
			return `${time} -> ${entry.message} ${plural(entry.bytes.length, 'byte')}${
				entry.message === 'identification' || entry.message === 'echo' ? ` ${printable(entry.bytes)}` : ''
			} (${entry.baudRate} Bd)`;
		case 'telegram':
			return `${time}    ${entry.message === 'repeat' ? 'repeated telegram' : 'telegram'} ${entry.intact ? 'intact' : 'faulty'}${
				entry.faults.length > 0 ? ` (${entry.faults.join(', ')})` : ''
			}, ${plural(entry.bytes.length, 'byte')} at ${entry.baudRate} Bd`;
		case 'baud':
			return `${time}    now at ${entry.baudRate} Bd`;
		case 'ignored':
			return `${time}    ignored: ${entry.reason}`;
		case 'host-error':
			return `${time} !! host: ${entry.problem}: ${entry.detail}`;
		case 'fault':
			return `${time} ** fault ${entry.fault}: ${entry.detail}`;
		case 'stopped':
			return `${time}    stopped (${entry.reason})${entry.error ? `: ${entry.error.message}` : ''}`;
	}
}

function printable(bytes: Buffer): string {
	const text = bytes.toString('latin1');
	return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

function collectFault(value: string, previous: SimulatorFault[]): SimulatorFault[] {
	try {
		return [...previous, parseFault(value)];
	} catch (error) {
		throw new InvalidArgumentError((error as Error).message);
	}
}

function parseHostPort(value: string): {host: string; port: number} {
	const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
	const port = Number(match?.[3]);
	if (match === null || port > 65_535) {
		throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:8888 or [::1]:8888');
	}
	return {host: match[1] ?? (match[2] || '127.0.0.1'), port};
}

function usage(message: string, cause?: unknown): CliError {
	return new CliError(message, {exitCode: EXIT_CODES.usage, ...(cause === undefined ? {} : {cause})});
}

/** Whether `path` (or what it links to, as socat's `link=`) is a pseudo-terminal, /dev/pts/N. */
function isPseudoTerminal(path: string): boolean {
	try {
		return realpathSync(path).startsWith('/dev/pts/');
	} catch {
		return false;
	}
}
