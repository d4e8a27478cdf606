import type {MeterConfig} from '../config/config-schema.ts';
import type {DecodedTelegram} from '../iec62056/capture-decoder.ts';
import {type ReadoutResult, readMeter} from '../readout/readout-session.ts';
import {readoutOptionsFrom} from '../readout/readout-settings.ts';
import type {Link} from '../transport/link.ts';
import type {BackfillItem} from './backfill-sources.ts';

export interface MeterReadoutOptions {
	readonly meter: MeterConfig;
	readonly link: Link;
	/** Quiet time between the sign-ons of one readout, ms (the port lock's gap; default 1600). */
	readonly quietGapMs?: number;
	readonly signal?: AbortSignal;
}

/**
 * Reads a meter once with every sign-on of its `sign_on` list (its full history), as the collector's
 * job does, and returns the readout as a backfill item. Throws ReadoutError as readMeter does.
 */
export async function readMeterOnce(options: MeterReadoutOptions): Promise<BackfillItem> {
	const {meter, link, signal} = options;
	const results: ReadoutResult[] = [];
	for (const [index, queryChar] of meter.sign_on.entries()) {
		if (index > 0) await new Promise((resolve) => setTimeout(resolve, options.quietGapMs ?? 1600));
		results.push(await readMeter(link, readoutOptionsFrom(meter, {queryChar, signal})));
	}
	const last = results.at(-1) as ReadoutResult;
	return {
		kind: 'readout',
		place: `meter ${meter.id} (${meter.port})`,
		meterId: meter.id,
		readAt: last.readAt,
		telegrams: results.map(telegramOf),
	};
}

function telegramOf(result: ReadoutResult): DecodedTelegram {
	const {parsed, check, raw, block} = result;
	const telegram = {...parsed, framing: block.framing, check, bytes: raw};
	return result.identification === undefined
		? telegram
		: {...telegram, identification: result.identification};
}
