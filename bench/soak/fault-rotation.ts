import type {SimulatorFault} from '../../src/simulator/simulator-fault.ts';

/** The faults the mode C meter rotates through, one readout at a time. */
export const MODE_C_FAULTS: readonly SimulatorFault[] = [
	{kind: 'bad-bcc'},
	{kind: 'truncate'},
	{kind: 'silence'},
	{kind: 'echo'},
	{kind: 'hang-up'},
	{kind: 'wrong-rate', answer: 'other-rate'},
	{kind: 'noise-burst'},
	{kind: 'noise-prefix'},
];

/** The push meter's faults: a telegram cut off (the next one follows within the reader's patience), a push left out. */
export const PUSH_FAULTS: readonly SimulatorFault[] = [{kind: 'truncate'}, {kind: 'silence'}];

/** mulberry32: a small seeded generator, so a soak's fault order and chaos moments can be replayed. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

/**
 * Which fault (if any) each readout of a meter gets: faults come in shuffled rounds of every kind, each
 * followed by clean readouts (two after a wrong rate, so it stays a one-off the collector must not
 * learn from; one otherwise, plus a random extra), so every kind shows up evenly and in varying company.
 * Readout numbers are 1-based and count on across simulators that replace each other after a hang-up.
 */
export class FaultRotation {
	readonly #faults: readonly SimulatorFault[];
	readonly #random: () => number;
	readonly #slots: (SimulatorFault | undefined)[] = [];
	#round: SimulatorFault[] = [];
	#enabled = true;
	#highestAsked = 0;

	constructor(faults: readonly SimulatorFault[], seed: number) {
		this.#faults = faults;
		this.#random = seededRandom(seed);
	}

	/**
	 * From now on every readout is clean (the end of a soak: the collector must recover); those asked
	 * about already keep their fault, as they may be under way.
	 */
	stop(): void {
		this.#enabled = false;
		this.#slots.length = Math.min(this.#slots.length, this.#highestAsked);
	}

	/** The faults of readout `readout` (1-based). */
	at(readout: number): readonly SimulatorFault[] {
		this.#highestAsked = Math.max(this.#highestAsked, readout);
		while (this.#slots.length < readout) this.#plan();
		const fault = this.#slots[readout - 1];
		return fault === undefined ? [] : [fault];
	}

	#plan(): void {
		if (!this.#enabled) {
			this.#slots.push(undefined);
			return;
		}
		if (this.#round.length === 0) this.#round = shuffle([...this.#faults], this.#random);
		const fault = this.#round.pop() as SimulatorFault;
		this.#slots.push(fault);
		const clean = (fault.kind === 'wrong-rate' ? 2 : 1) + (this.#random() < 0.5 ? 1 : 0);
		for (let index = 0; index < clean; index++) this.#slots.push(undefined);
	}
}

function shuffle<T>(items: T[], random: () => number): T[] {
	for (let index = items.length - 1; index > 0; index--) {
		const other = Math.floor(random() * (index + 1));
		[items[index], items[other]] = [items[other] as T, items[index] as T];
	}
	return items;
}
