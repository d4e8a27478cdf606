import {describe, expect, it} from 'vitest';
import {FaultRotation, MODE_C_FAULTS} from '../../../../bench/soak/fault-rotation.ts';

function kinds(rotation: FaultRotation, from: number, to: number): (string | undefined)[] {
	const result: (string | undefined)[] = [];
	for (let readout = from; readout <= to; readout++) result.push(rotation.at(readout)[0]?.kind);
	return result;
}

describe('FaultRotation', () => {
	it('brings every fault once a round, each followed by clean readouts (two after a wrong rate)', () => {
		const rotation = new FaultRotation(MODE_C_FAULTS, 7);
		const plan = kinds(rotation, 1, 200);
		const firstRound = plan.filter((kind) => kind !== undefined).slice(0, MODE_C_FAULTS.length);
		expect([...firstRound].sort()).toEqual(MODE_C_FAULTS.map((fault) => fault.kind).sort());
		plan.forEach((kind, index) => {
			if (kind === undefined) return;
			const clean = kind === 'wrong-rate' ? 2 : 1;
			expect(plan.slice(index + 1, index + 1 + clean)).toEqual(Array(clean).fill(undefined));
		});
	});

	it('answers the same for the same readout, and the same order for the same seed', () => {
		const rotation = new FaultRotation(MODE_C_FAULTS, 3);
		expect(kinds(rotation, 1, 50)).toEqual(kinds(rotation, 1, 50));
		expect(kinds(new FaultRotation(MODE_C_FAULTS, 3), 1, 50)).toEqual(kinds(rotation, 1, 50));
	});

	it('after stop() only readouts asked about already keep their fault', () => {
		const rotation = new FaultRotation(MODE_C_FAULTS, 11);
		const before = kinds(rotation, 1, 4);
		rotation.stop();
		expect(kinds(rotation, 1, 4)).toEqual(before);
		expect(kinds(rotation, 5, 100)).toEqual(Array(96).fill(undefined));
	});
});
