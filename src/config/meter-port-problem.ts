import {isSimulatorPort, SIMULATOR_PORT_PREFIX} from '../daemon/simulator-port-name.ts';
import {createLink} from '../transport/link-from-port.ts';

/**
 * Why a meter's `port` cannot be turned into a link, or undefined: a `tcp://` address without its port
 * number or host, a scheme other than tcp://, a simulator profile that does not exist. Nothing is
 * opened. The message names no place (the caller knows it), e.g. `"tcp://localhost" is not a valid
 * tcp://host:port address (the port number is missing)`.
 */
export async function meterPortProblem(port: string): Promise<string | undefined> {
	try {
		if (isSimulatorPort(port)) {
			// Loaded on demand, like the collector does: a configuration of real meters does not need it.
			// The name alone is checked: the zone is the schema's to check, and building the profile would
			// compute its registers in the zone.
			const {simulatorProfileEntry} = await import('../simulator/simulator-profiles.ts');
			simulatorProfileEntry(port.slice(SIMULATOR_PORT_PREFIX.length) || 'zmd120');
		} else {
			createLink(port);
		}
		return undefined;
	} catch (error) {
		return (error as Error).message.replace(/^port: /, '');
	}
}

/** A meter's port to check while the configuration as a whole is refused, with the path it is reported at. */
export interface PortToCheck {
	readonly path: readonly ['meters', number, 'port'];
	readonly port: string;
}

/**
 * The ports of a configuration the schema refused that can still be checked: those of every meter
 * entry that is an object with a non-empty text `port` the schema has no complaint about. So one pass
 * names every wrong port, not only those of a configuration that is otherwise right.
 *
 * @param raw the configuration as read (YAML to JS), before validation.
 * @param refusedPaths the paths of the schema's issues.
 */
export function portsToCheck(raw: unknown, refusedPaths: readonly (readonly PropertyKey[])[]): PortToCheck[] {
	const record = (value: unknown) =>
		typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	const meters = record(raw)?.['meters'];
	if (!Array.isArray(meters)) return [];
	const ports: PortToCheck[] = [];
	for (const [index, entry] of meters.entries()) {
		const port = record(entry)?.['port'];
		if (typeof port !== 'string' || port === '') continue;
		// The schema's own word on this port (an example's placeholder) is enough.
		if (refusedPaths.some((path) => path[0] === 'meters' && path[1] === index && path[2] === 'port'))
			continue;
		ports.push({path: ['meters', index, 'port'], port});
	}
	return ports;
}
