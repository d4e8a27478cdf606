import {afterEach, describe, expect, it} from 'vitest';
import {readMeter} from '../../src/readout/readout-session.ts';
import {MeterSimulator} from '../../src/simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../../src/simulator/simulator-profiles.ts';
import {TcpLink} from '../../src/transport/tcp-link.ts';
import {listenTcpLink, type TcpLinkListener} from '../../src/transport/tcp-server-link.ts';
import {runCli} from '../helpers/run-cli.ts';

/**
 * A network IR bridge (ser2net, ESP-Link, Tasmota) as real sockets on loopback: the simulated meter
 * behind a TCP listener, the session on a TcpLink. A raw bridge cannot change the line's rate, so the
 * session must stay at the start rate and ask the meter to stay there too.
 */
describe('readout through a TCP bridge', () => {
	let listener: TcpLinkListener | undefined;
	let simulator: MeterSimulator | undefined;

	afterEach(async () => {
		await simulator?.close();
		await listener?.close();
		simulator = undefined;
		listener = undefined;
	});

	async function bridge() {
		listener = await listenTcpLink({host: '127.0.0.1', port: 0});
		simulator = new MeterSimulator(listener.link, {profile: createSimulatorProfile('zmd120'), reopen: true});
		void simulator.start();
		return listener.address;
	}

	it('reads the ZMD120 in mode C without switching the rate', async () => {
		const {host, port} = await bridge();
		const result = await readMeter(new TcpLink({host, port}));
		expect(result.mode).toBe('C');
		expect(result.baudRate).toBe(300);
		expect(result.check.ok).toBe(true);
		expect(simulator?.hostErrors).toEqual([]);
	});

	it('serves two readouts one after another on new connections', async () => {
		const {host, port} = await bridge();
		const first = await readMeter(new TcpLink({host, port}));
		await new Promise((resolve) => setTimeout(resolve, 1700));
		const second = await readMeter(new TcpLink({host, port}));
		expect([first.check.ok, second.check.ok]).toEqual([true, true]);
	});

	it('reads with `dlms-logger read tcp://host:port`', async () => {
		const {host, port} = await bridge();
		const run = await runCli(['read', `tcp://${host}:${port}`, '--format', 'json']);
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout).readout).toMatchObject({mode: 'C', baudRate: 300});
	});

	it('says the connection was refused when no bridge listens', async () => {
		const closed = await listenTcpLink({host: '127.0.0.1', port: 0});
		const {port} = closed.address;
		await closed.close();
		const run = await runCli(['read', `tcp://127.0.0.1:${port}`]);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(
			/connection refused: is the bridge \(ser2net, ESP-Link, Tasmota\) listening on that port\?/,
		);
	});
});
