import type {DataSet} from '../iec62056/data-set.ts';
import type {Identification} from '../iec62056/identification.ts';

/** One verified telegram of one meter, as the readings layer receives it from a session or a capture. */
export interface Reading {
	/** When the telegram was received (host clock); current values are stamped with it. */
	readonly readAt: Date;
	readonly identification?: Identification;
	readonly dataSets: readonly DataSet[];
}
