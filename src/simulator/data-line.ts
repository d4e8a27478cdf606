import type {ValuePart} from '../iec62056/data-value.ts';
import type {EncodedDataSet} from '../iec62056/telegram-encoder.ts';

/** A bracket value: plain text, or `[text, unit]` for `(text*unit)`. */
export type BracketValue = string | readonly [text: string, unit: string];

/** One data line holding one data set, `address(value)(value)…`, as the telegram encoder takes it. */
export function dataLine(address: string, ...values: readonly BracketValue[]): readonly EncodedDataSet[] {
	return [{address, values: values.map(toPart)}];
}

function toPart(value: BracketValue): ValuePart {
	return typeof value === 'string' ? {text: value} : {text: value[0], unit: value[1]};
}
