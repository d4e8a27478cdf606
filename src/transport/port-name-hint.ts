import {platform} from 'node:os';

/**
 * A shipped example's placeholder, never a real device: an ellipsis in place of the name
 * (`/dev/serial/by-id/usb-…-if00-port0`, config.yaml.example and the README), or the compose file's
 * default `/dev/serial/by-id/set-METER_DEVICE-in-.env` (any `/dev/serial/by-id/set-…`: udev never
 * names a device so).
 */
export function isPlaceholderPort(port: string): boolean {
	return port.includes('…') || port.startsWith('/dev/serial/by-id/set-');
}

/** What to say about a placeholder port (check-config, run, read): where the real name comes from. */
export const PLACEHOLDER_PORT_ADVICE =
	"still the example's placeholder: put your reader's name from `ls -l /dev/serial/by-id/` (or `dlms-logger ports`)";

/**
 * What a port name that cannot be a device on this system was most likely meant to be, from its
 * shape alone (nothing is opened): a TCP bridge without `tcp://`, a Windows name on Linux, a device
 * name without `/dev/`, an example's placeholder. Undefined for a name of a usable shape.
 *
 * @param system the platform (`process.platform` values); default this one.
 */
export function portNameHint(port: string, system: string = platform()): string | undefined {
	const name = port.trim();
	if (isPlaceholderPort(name)) {
		return `that is ${PLACEHOLDER_PORT_ADVICE.replace(/^still /, '')}`;
	}
	// host:port or [v6]:port, the way a ser2net or ESP bridge is shown, but without the scheme.
	if (/^(\[[\da-f:.]+\]|[a-z\d][a-z\d.-]*):\d{1,5}$/i.test(name)) {
		return `a TCP bridge is written with its scheme: tcp://${name}`;
	}
	if (system === 'win32') return undefined;
	if (/^com\d+$/i.test(name)) {
		return `${name} is a Windows name: on Linux a reader is /dev/ttyUSB0, /dev/ttyACM0 or /dev/serial/by-id/… (\`dlms-logger ports\` lists them)`;
	}
	if (/^(tty|cu\.)[\w.-]+$/.test(name)) {
		return `a device is given by its path: /dev/${name}`;
	}
	return undefined;
}
