import type {DataSet} from '../iec62056/data-set.ts';
import type {Identification} from '../iec62056/identification.ts';

// Registers that carry the meter's serial number, most specific first: `0.0.0` (device address,
// usually the serial), `C.1`/`C.1.0` (96.1.0 serial), `0.0.1`.
const SERIAL_KEYS = ['0.0.0', 'C.1.0', 'C.1', '0.0.1'];

/**
 * The name a meter's points are tagged with when the configuration gives none: the serial number the
 * meter reports, else manufacturer + identification (e.g. `LGZ-2ZMD120APt.G03`), else `meter`.
 */
export function meterIdentity(dataSets: readonly DataSet[], identification?: Identification): string {
	for (const key of SERIAL_KEYS) {
		const text = dataSets.find((set) => set.key === key)?.values[0]?.text.trim();
		if (text && !/^0*$/.test(text) && !/^X+$/i.test(text)) return text;
	}
	if (identification) return `${identification.manufacturer}-${identification.ident.trim()}`;
	return 'meter';
}
