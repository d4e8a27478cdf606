import type {DataSet} from './data-set.ts';
import {parseDataValue} from './data-value.ts';
import {type ObisCode, obisKey, parseObisCode} from './obis-code.ts';
import {MalformedDataSetError} from './protocol-errors.ts';

/** A data block parsed into data sets; malformed lines are reported beside the good sets, not instead of them. */
export interface ParsedDataBlock {
	readonly dataSets: DataSet[];
	readonly malformed: MalformedDataSetError[];
	/** True when the block's end mark `!` was found. */
	readonly complete: boolean;
}

const OPEN = 0x28;
const CLOSE = 0x29;
const BANG = 0x21;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Parses the text of a data block (what lies between STX and ETX, or after a push telegram's
 * identification) into data sets. Line ends may be CR LF, LF LF, CR CR LF, bare LF or missing
 * altogether; several sets may share a line; `!` may be glued to the last set; text without brackets
 * before `!` (ACE3000 junk) is reported as malformed. A bracket group at the start of a line with no
 * address continues the previous set (load-profile lines), or, at the very start, is a set with an empty key.
 */
export function parseDataBlock(text: string): ParsedDataBlock {
	const dataSets: DataSet[] = [];
	const malformed: MalformedDataSetError[] = [];
	let line = 1;
	let lineStart = 0;
	let index = 0;
	let complete = false;
	const length = text.length;

	const report = (at: number, reason: string, end: number) => {
		const lineEnd = text.slice(lineStart).search(/[\r\n]/);
		const shown = text.slice(lineStart, lineEnd < 0 ? Math.min(length, end) : lineStart + lineEnd);
		malformed.push(new MalformedDataSetError(line, at - lineStart + 1, reason, shown));
	};

	while (index < length) {
		let code = text.charCodeAt(index);
		if (code === LF) {
			line++;
			lineStart = ++index;
			continue;
		}
		if (code === CR || code === 0x20 || code === 0x09 || code === 0) {
			index++;
			continue;
		}
		if (code === BANG) {
			complete = true;
			break;
		}
		// Address: everything up to `(`. A line end or `!` first means the line is not a data set.
		const addressStart = index;
		while (index < length) {
			code = text.charCodeAt(index);
			if (code === OPEN || code === LF || code === CR || code === BANG || code === CLOSE) break;
			index++;
		}
		if (index >= length || code !== OPEN) {
			report(addressStart, code === CLOSE ? 'unexpected ")"' : 'no "(" after the address', index);
			if (code === CLOSE) {
				while (index < length && text.charCodeAt(index) !== LF) index++;
			}
			continue;
		}
		const address = text.slice(addressStart, index).trim();
		const column = addressStart - lineStart + 1;
		const values = [];
		let broken = false;
		while (index < length && text.charCodeAt(index) === OPEN) {
			const valueStart = index + 1;
			let end = valueStart;
			while (end < length) {
				code = text.charCodeAt(end);
				if (code === CLOSE || code === LF || code === OPEN) break;
				end++;
			}
			if (end >= length || code !== CLOSE) {
				report(
					index,
					end >= length
						? 'unterminated "("'
						: code === OPEN
							? '"(" inside a value'
							: 'line ends inside "( )"',
					end,
				);
				broken = true;
				index = end;
				// Skip the rest of the broken line; the next line starts a new set.
				while (index < length && text.charCodeAt(index) !== LF) index++;
				break;
			}
			values.push(parseDataValue(text.slice(valueStart, end)));
			index = end + 1;
		}
		if (broken) continue;
		if (address === '') {
			const previous = dataSets.at(-1);
			if (previous !== undefined) {
				dataSets[dataSets.length - 1] = {...previous, values: [...previous.values, ...values]};
				continue;
			}
			// A block that opens with a bare value (`(/SX330)` on the AUX SX330): kept with an empty key, not dropped.
		}
		const {obis, key} = addressInfo(address);
		dataSets.push(
			obis === undefined ? {address, key, values, line, column} : {address, obis, key, values, line, column},
		);
	}
	return {dataSets, malformed, complete};
}

interface AddressInfo {
	readonly obis?: ObisCode;
	readonly key: string;
}

// A meter sends the same addresses in every readout: remember what each one parses to. Bounded, so
// a stream of garbage addresses cannot grow it (cleared when full; entries are cheap to rebuild).
const ADDRESS_CACHE = new Map<string, AddressInfo>();
const ADDRESS_CACHE_SIZE = 4096;

function addressInfo(address: string): AddressInfo {
	const cached = ADDRESS_CACHE.get(address);
	if (cached !== undefined) return cached;
	const obis = address === '' ? undefined : parseObisCode(address);
	const info: AddressInfo =
		obis === undefined ? {key: address.replace(/^\d{1,3}-\d{1,3}:/, '')} : {obis, key: obisKey(obis)};
	if (ADDRESS_CACHE.size >= ADDRESS_CACHE_SIZE) ADDRESS_CACHE.clear();
	ADDRESS_CACHE.set(address, info);
	return info;
}
