import {once} from 'node:events';
import {MeterSimulator} from '../src/simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../src/simulator/simulator-profiles.ts';
import {SerialLink} from '../src/transport/serial-link.ts';

// The readout benchmark's meter, in a process of its own on the far side of the pty pair, as a real
// meter is: a pause of the benchmark's process (its garbage collector) then does not pause the meter
// too, which would stretch a telegram past the reader's inter-character timeout.
//   node readout-meter-process.js METER_PATH PROFILE AT_MS
// Prints `ready` once it listens; when its stdin ends it stops and prints one JSON line
// {"hostErrors": [...]}: what it had to say about the host.

const [meterPath, profileName, atText] = process.argv.slice(2);
const at = Number(atText);
if (meterPath === undefined || profileName === undefined || !Number.isFinite(at)) {
	process.stderr.write('usage: readout-meter-process.js METER_PATH PROFILE AT_MS\n');
	process.exit(2);
}

const simulator = new MeterSimulator(new SerialLink({path: meterPath}), {
	profile: createSimulatorProfile(profileName),
	// Pinned, so every readout carries the telegram the benchmark computed its floor from.
	clock: () => at,
	// A pty passes bytes at once whatever rate is set: keep the real line time here.
	paced: true,
	// Back to 300 Bd soon after the data, so the next run's request (BETWEEN_RUNS_MS = 300 ms later) is
	// heard at the sign-on rate. Not at once: serialport's rate change flushes (tcflush TCIOFLUSH) what
	// the far end has not read yet, and on a pty that is the data's last slice whenever socat is slow
	// to read it (a busy machine): the readout then fails with `ETX missing after 882 bytes` of 888.
	repeatWindowMs: 100,
});
await simulator.start();
process.stdout.write('ready\n');

process.stdin.resume();
await once(process.stdin, 'end');
await simulator.close();
process.stdout.write(`${JSON.stringify({hostErrors: simulator.hostErrors.map((entry) => entry.detail)})}\n`);
