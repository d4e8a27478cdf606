import {spawn} from 'node:child_process';

/** One change of a tty's output speed, as seen by the watcher. */
export interface LineSpeedChange {
	/** When the watcher saw it, ms since the epoch (sub-millisecond). */
	readonly atMs: number;
	/** The new speed, Bd. */
	readonly baudRate: number;
}

/** The speed the host end of a pty pair is set to, over time. */
export interface LineSpeedWatch {
	/** Every speed seen, the first being the speed when the watch started. */
	readonly changes: readonly LineSpeedChange[];
	/** The speed now (the last one seen). */
	current(): number | undefined;
	/** The speed at an instant, ms since the epoch (the last change seen at or before it; else the first). */
	rateAt(atMs: number): number | undefined;
	/** Stops the watcher process; safe to call twice. */
	close(): Promise<void>;
}

export interface LineSpeedWatchOptions {
	/** Poll period, µs. Default 500. */
	readonly pollMicroseconds?: number;
	/** How long to wait for the first reading, ms. Default 5000. */
	readonly readyTimeoutMs?: number;
}

/**
 * A pty ignores baud rates and socat does not pass speed changes on, but the speed a program set
 * is kept in the pty's termios: reading it on the same side (here by a perl loop calling
 * tcgetattr every 0.5 ms, printing each change with its time) shows when the host really switched.
 * The watcher opens the tty without reading from it, so the conversation is untouched. perl and its
 * POSIX and Time::HiRes modules are part of every Debian system (perl-base).
 */
export async function watchLineSpeed(
	path: string,
	options: LineSpeedWatchOptions = {},
): Promise<LineSpeedWatch> {
	const pollMicroseconds = options.pollMicroseconds ?? 500;
	const readyTimeoutMs = options.readyTimeoutMs ?? 5000;
	const child = spawn('perl', ['-e', WATCHER, path, String(pollMicroseconds), String(process.pid)], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const changes: LineSpeedChange[] = [];
	let stderr = '';
	let pending = '';
	let ready: (() => void) | undefined;
	child.stdout.on('data', (chunk: Buffer) => {
		pending += chunk.toString();
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		for (const line of lines) {
			const [atMs, baudRate] = line.split(' ').map(Number);
			if (atMs === undefined || baudRate === undefined || !Number.isFinite(baudRate)) continue;
			changes.push({atMs, baudRate});
			ready?.();
		}
	});
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	const exited = new Promise<void>((resolve) => {
		child.once('exit', () => resolve());
		child.once('error', () => resolve());
	});
	const close = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
		await exited;
	};
	const started = await Promise.race([
		new Promise<boolean>((resolve) => {
			ready = () => resolve(true);
		}),
		exited.then(() => false),
		new Promise<boolean>((resolve) => setTimeout(() => resolve(false), readyTimeoutMs)),
	]);
	ready = undefined;
	if (!started) {
		await close();
		throw new Error(`cannot watch the speed of ${path}: ${stderr.trim() || 'no answer from perl'}`);
	}
	const rateAt = (atMs: number) => {
		for (let index = changes.length - 1; index >= 0; index--) {
			const change = changes[index] as LineSpeedChange;
			if (change.atMs <= atMs) return change.baudRate;
		}
		return changes[0]?.baudRate;
	};
	return {changes, current: () => changes.at(-1)?.baudRate, rateAt, close};
}

/** Prints "<epoch ms> <Bd>" whenever the tty's output speed changes; exits when its parent is gone. */
const WATCHER = `
use strict; use POSIX qw(:termios_h :fcntl_h); use Time::HiRes qw(time usleep);
my ($path, $poll, $parent) = @ARGV; $| = 1;
my %bd = (B0() => 0, B50() => 50, B75() => 75, B110() => 110, B134() => 134, B150() => 150, B200() => 200,
  B300() => 300, B600() => 600, B1200() => 1200, B1800() => 1800, B2400() => 2400, B4800() => 4800,
  B9600() => 9600, B19200() => 19200, B38400() => 38400);
sysopen(my $fh, $path, O_RDONLY | O_NOCTTY | O_NONBLOCK) or die "open $path: $!\\n";
my $t = POSIX::Termios->new; my $last = -1;
while (kill(0, $parent)) {
  $t->getattr(fileno($fh)) or die "tcgetattr $path: $!\\n";
  my $s = $t->getospeed;
  if ($s != $last) { printf "%.3f %d\\n", time() * 1000, exists $bd{$s} ? $bd{$s} : -$s; $last = $s; }
  usleep($poll);
}
`;
