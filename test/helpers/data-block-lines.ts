import {parseDataBlock} from '../../src/iec62056/data-block-parser.ts';
import type {DataSet} from '../../src/iec62056/data-set.ts';

/** The data sets of a data block of `lines` as a meter sends it: CR LF after each line, then the end mark `!`. */
export function dataSetsOf(...lines: string[]): DataSet[] {
	return parseDataBlock(`${lines.join('\r\n')}\r\n!\r\n`).dataSets;
}
