import {platform} from 'node:os';

/** `/dev/serial/by-id/usb-…-if00-port0`: the shape of the README's example, an ellipsis in place of the name. */
export function isPlaceholderPort(port: string): boolean {
	return port.includes('…');
}

/**
 * What a port name that cannot be a device on this system was most likely meant to be, from its
 * shape alone (nothing is opened): a TCP bridge without `tcp://`, a Windows name on Linux, a device
 * name without `/dev/`, the README's placeholder. Undefined for a name of a usable shape.
 *
 * @param system the platform (`process.platform` values); default this one.
 */
export function portNameHint(port: string, system: string = platform()): string | undefined {
	const name = port.trim();
	if (isPlaceholderPort(name)) {
		return "that is the README's placeholder: put your reader's name from `ls /dev/serial/by-id/` (or `dlms-logger ports`)";
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
