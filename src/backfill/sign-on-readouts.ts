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
 */
export async function* signOnReadouts(
	records: AsyncIterable<RawTelegram> | Iterable<RawTelegram>,
): AsyncGenerator<ArchivedReadout> {
	const open = new Map<string, RawTelegram[]>();
	for await (const record of records) {
		const {meterId, signOn} = record;
		const started = open.get(meterId);
		if (signOn === undefined || signOn.part === 1 || started === undefined) {
			if (started !== undefined) {
				open.delete(meterId);
				yield {meterId, telegrams: started};
			}
			if (signOn === undefined || signOn.part === signOn.parts) {
				yield {meterId, telegrams: [record]};
				continue;
			}
			open.set(meterId, [record]);
			continue;
		}
		started.push(record);
		if (signOn.part === signOn.parts) {
			open.delete(meterId);
			yield {meterId, telegrams: started};
		}
	}
	for (const [meterId, telegrams] of open) yield {meterId, telegrams};
}
