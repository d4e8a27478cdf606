import type {RawTelegram} from '../output/raw-archive.ts';

/** The telegrams of one readout of one meter, as the collector combined them (one per sign-on). */
export interface ArchivedReadout {
	readonly meterId: string;
	/** In sign-on order; the last one's time is the readout's time (as the collector stamped it). */
	readonly telegrams: readonly RawTelegram[];
}

/**
 * Groups archive records into readouts: a meter read with several sign-ons (`?` then `#`) left one
 * record per sign-on, marked part k of n. Records of other meters may lie between them (meters on
 * other ports are read at the same time). A readout ends with its last part, or early when the
 * meter's next readout starts (a sign-on that failed: the collector kept what the earlier ones
 * brought, and so does this). Records without a part (one sign-on, or written before parts were kept)
 * are readouts of their own.
 *
 * Record by record, without a promise per record (a replay goes through millions): add() a record and
 * take the readouts it completes (add(), then next() until undefined); end() until undefined gives
 * those left open.
 */
export class SignOnGrouping {
	readonly #open = new Map<string, RawTelegram[]>();
	/** A second readout one record completed (an open one it ended, then itself). */
	#ready: ArchivedReadout | undefined;

	/** Takes one record; the first readout it completes, if any (see next()). */
	add(record: RawTelegram): ArchivedReadout | undefined {
		const {meterId, signOn} = record;
		const open = this.#open;
		const started = open.get(meterId);
		if (signOn === undefined || signOn.part === 1 || started === undefined) {
			let ended: ArchivedReadout | undefined;
			if (started !== undefined) {
				open.delete(meterId);
				ended = {meterId, telegrams: started};
			}
			if (signOn === undefined || signOn.part === signOn.parts) {
				const single = {meterId, telegrams: [record]};
				if (ended === undefined) return single;
				this.#ready = single;
				return ended;
			}
			open.set(meterId, [record]);
			return ended;
		}
		started.push(record);
		if (signOn.part !== signOn.parts) return undefined;
		open.delete(meterId);
		return {meterId, telegrams: started};
	}

	/** The second readout the last record completed, once. */
	next(): ArchivedReadout | undefined {
		const ready = this.#ready;
		this.#ready = undefined;
		return ready;
	}

	/** One readout still open (the records ran out before its last part), until there are none. */
	end(): ArchivedReadout | undefined {
		for (const [meterId, telegrams] of this.#open) {
			this.#open.delete(meterId);
			return {meterId, telegrams};
		}
		return undefined;
	}
}
