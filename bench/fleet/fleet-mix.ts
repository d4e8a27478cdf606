/**
 * The fleet's meters: which simulator profiles, how many of each, and the cycle each is read on.
 *
 * Every meter sits behind its own raw TCP bridge (ser2net, an ESP IR head), which keeps the line at
 * one rate: push meters (mode D) at their push rate, mode A/C meters at the 300 Bd sign-on rate for
 * the whole readout (the collector answers `ACK 0 0 0`). The simulators keep real line time
 * (`paced`), so a readout takes as long as it would on the wire. The cycle of each kind is the
 * shortest round number its readout fits in with room to spare.
 */
export interface FleetKind {
	/** Simulator profile (`dlms-logger simulate --list-profiles`). */
	readonly profile: string;
	/** Share of the fleet, a fraction; the shares add up to 1. */
	readonly share: number;
	/** Read every this many seconds. */
	readonly everySeconds: number;
	/** Lines of config.yaml for such a meter besides id, port and every. */
	readonly settings: readonly string[];
	/** What the line carries, for the report. */
	readonly line: string;
}

/**
 * 60 % push meters read every 10 s, the rest slow 300 Bd readouts: a ZMD120 (888 bytes, about 31 s
 * at 300 Bd) every 60 s, its verbose variant (3.7 kB, about 2 min) every 3 min, an MT174 (7 kB,
 * about 4 min) every 5 min.
 */
export const FLEET_MIX: readonly FleetKind[] = [
	{profile: 'push', share: 0.4, everySeconds: 10, settings: ['mode: D'], line: 'push 9600 Bd'},
	{
		profile: 'dsmr',
		share: 0.2,
		everySeconds: 10,
		settings: ['mode: D', 'push:', '  baud: 115200', '  data_bits: 8'],
		line: 'push 115200 Bd',
	},
	{profile: 'zmd120', share: 0.25, everySeconds: 60, settings: [], line: 'mode C at 300 Bd'},
	{profile: 'echo', share: 0.05, everySeconds: 60, settings: [], line: 'mode C at 300 Bd, echoing head'},
	{profile: 'zmd120-verbose', share: 0.05, everySeconds: 180, settings: [], line: 'mode C at 300 Bd'},
	{profile: 'slow-300', share: 0.05, everySeconds: 300, settings: [], line: 'mode A at 300 Bd'},
];

export interface FleetMeter {
	/** `fleet-007-push`: distinct per meter, sortable. */
	readonly id: string;
	readonly kind: FleetKind;
}

/** `count` meters in the mix's proportions, the shares taken relative to their sum (rounding goes to the first kind). */
export function fleetMeters(count: number, mix: readonly FleetKind[] = FLEET_MIX): FleetMeter[] {
	if (!Number.isInteger(count) || count < 1)
		throw new TypeError(`count must be a whole number > 0, received ${count}`);
	const total = mix.reduce((sum, kind) => sum + kind.share, 0);
	// Rounded before the floor: 0.05 / 0.9999999999999999 × 100 is 5, not 4.
	const counts = mix.map((kind) => Math.floor(Math.round(((kind.share * count) / total) * 1e6) / 1e6));
	counts[0] = (counts[0] ?? 0) + count - counts.reduce((sum, value) => sum + value, 0);
	const meters: FleetMeter[] = [];
	for (const [index, kind] of mix.entries()) {
		for (let n = 0; n < (counts[index] ?? 0); n++) {
			meters.push({id: `fleet-${String(meters.length + 1).padStart(3, '0')}-${kind.profile}`, kind});
		}
	}
	return meters;
}
