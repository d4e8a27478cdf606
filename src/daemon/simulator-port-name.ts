/** `simulator:zmd120`: the built-in meter, for the demo and for trying a configuration without hardware. */
export const SIMULATOR_PORT_PREFIX = 'simulator:';

export function isSimulatorPort(port: string): boolean {
	return port.startsWith(SIMULATOR_PORT_PREFIX);
}
