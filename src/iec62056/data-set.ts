import type {DataValue} from './data-value.ts';
import type {ObisCode} from './obis-code.ts';

/** One data set `address(value*unit)(value)…` of a data block. */
export interface DataSet {
	/** The address exactly as sent, surrounding spaces trimmed, e.g. `1-1:1.6.1`, `F.F`, `1-1:30D`. */
	readonly address: string;
	/** The address as an OBIS code; absent for non-standard addresses, which are kept, not dropped. */
	readonly obis?: ObisCode;
	/** `C.D.E` plus `*F`/`&F` for billing periods (see obisKey); for non-OBIS addresses the address without `A-B:`. */
	readonly key: string;
	/** One entry per bracket pair, in order: `1.6.1(24.31*kW)(1605041345)` has two. */
	readonly values: readonly DataValue[];
	/** 1-based position of the address inside the data block. */
	readonly line: number;
	readonly column: number;
}
