import {it, vi} from 'vitest';
import {MeterSimulator} from '../../../src/simulator/meter-simulator.ts';
import {createSimulatorProfile} from '../../../src/simulator/simulator-profiles.ts';
import {createMemoryLinkPair} from '../../../src/transport/memory-link-pair.ts';
import {readMeter} from '../../../src/transport/readout-session.ts';

it('dbg', async () => {
	vi.useFakeTimers({now: new Date('2026-03-10T12:00:00Z')});
	const pair = createMemoryLinkPair({paced: true});
	const sim = new MeterSimulator(pair.meter, {
		profile: createSimulatorProfile('zmd120'),
		faults: [{kind: 'noise-prefix'}, {kind: 'echo'}],
	});
	await sim.start();
	let done = false;
	const p = readMeter(pair.host, {}).then(
		(r) => {
			done = true;
			console.log('OK', r.mode);
		},
		(e) => {
			done = true;
			console.log('ERR', e.message, e.received.toString('latin1').slice(0, 200));
		},
	);
	for (let i = 0; i < 3000 && !done; i++) await vi.advanceTimersByTimeAsync(100);
	await p;
	console.log(
		pair.events
			.slice(0, 20)
			.map((e) =>
				JSON.stringify({...e, bytes: 'bytes' in e ? e.bytes.toString('latin1').slice(0, 30) : undefined}),
			)
			.join('\n'),
	);
	await sim.close();
});
