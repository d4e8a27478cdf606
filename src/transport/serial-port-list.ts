import {readdir, readFile, readlink, realpath} from 'node:fs/promises';
import {dirname, join, posix} from 'node:path';
import {SerialPort} from 'serialport';

/** What a serialport binding lists for one port (only `path` is guaranteed). */
export type PortInfo = Awaited<ReturnType<typeof SerialPort.list>>[number];

/** A serial port as `dlms-logger ports` shows it. Fields the system does not report are absent. */
export interface SerialPortEntry {
	/** The device to configure: `/dev/ttyUSB0`, `COM3`. */
	readonly path: string;
	/** The stable name udev gives USB adapters (`/dev/serial/by-id/usb-FTDI_…-if00-port0`); survives replugging. */
	readonly byIdPath?: string;
	/** USB vendor id, four lower-case hex digits (`0403` FTDI, `10c4` Silicon Labs CP210x). */
	readonly vendorId?: string;
	/** USB product id, four lower-case hex digits. */
	readonly productId?: string;
	readonly manufacturer?: string;
	readonly serialNumber?: string;
}

export interface SerialPortListOptions {
	/** Root of the file system scanned for /dev/serial/by-id and /sys/class/tty; tests point it at a fake tree. Default `/`. */
	readonly rootPath?: string;
	/**
	 * The binding's own listing (udevadm on Linux, SetupAPI on Windows, IOKit on macOS). Default
	 * `SerialPort.list`; `null` scans the file system only.
	 */
	readonly listFromBinding?: (() => Promise<PortInfo[]>) | null;
}

export const DEFAULT_SERIAL_PORT_LIST_OPTIONS: Required<SerialPortListOptions> = {
	rootPath: '/',
	listFromBinding: () => SerialPort.list(),
};

/**
 * Lists serial ports, merging the binding's listing with what Linux shows in /sys and
 * /dev/serial/by-id. serialport lists through `udevadm`, which minimal systems and containers lack
 * (`spawn udevadm ENOENT`); then the file system scan alone answers. Never rejects: a port list that
 * cannot be read is an empty list.
 */
export async function listSerialPorts(options: SerialPortListOptions = {}): Promise<SerialPortEntry[]> {
	const rootPath = options.rootPath ?? DEFAULT_SERIAL_PORT_LIST_OPTIONS.rootPath;
	const listFromBinding =
		options.listFromBinding === undefined
			? DEFAULT_SERIAL_PORT_LIST_OPTIONS.listFromBinding
			: options.listFromBinding;
	if (typeof rootPath !== 'string' || rootPath === '') {
		throw new TypeError(`listSerialPorts: "rootPath" must be a directory, got ${String(rootPath)}`);
	}
	const [fromBinding, fromSysfs, byId] = await Promise.all([
		listFromBinding === null ? [] : listFromBinding().catch(() => []),
		scanSysfs(rootPath),
		scanById(rootPath),
	]);
	const ports = new Map<string, SerialPortEntry>();
	const merge = (entry: SerialPortEntry) => {
		const known = ports.get(entry.path);
		ports.set(entry.path, known === undefined ? entry : {...entry, ...known});
	};
	for (const info of fromBinding) merge(fromPortInfo(info));
	for (const entry of fromSysfs) merge(entry);
	// A by-id link names a USB adapter even where /sys is hidden (some containers).
	for (const [path, byIdPath] of byId) merge({path, byIdPath});
	return [...ports.values()]
		.map((entry) => {
			const byIdPath = entry.byIdPath ?? byId.get(entry.path);
			return byIdPath === undefined ? entry : {...entry, byIdPath};
		})
		.sort((a, b) => a.path.localeCompare(b.path, 'en', {numeric: true}));
}

function fromPortInfo(info: PortInfo): SerialPortEntry {
	return withoutEmpty({
		path: info.path,
		vendorId: info.vendorId?.toLowerCase(),
		productId: info.productId?.toLowerCase(),
		manufacturer: info.manufacturer,
		serialNumber: info.serialNumber,
	});
}

/** /dev/serial/by-id/<name> → the device it points to, as the map device path → link path. */
async function scanById(rootPath: string): Promise<Map<string, string>> {
	const directory = join(rootPath, 'dev/serial/by-id');
	const links = new Map<string, string>();
	for (const name of await readdirOrEmpty(directory)) {
		const target = await readlink(join(directory, name)).catch(() => undefined);
		if (target === undefined) continue;
		const device = target.startsWith('/') ? target : posix.join('/dev/serial/by-id', target);
		links.set(device, posix.join('/dev/serial/by-id', name));
	}
	return links;
}

/**
 * /sys/class/tty/<name>/device exists for hardware only (not for ptys and consoles). The 8250 driver
 * registers ttyS0–ttyS31 whether or not a UART is there, each with `type` 0 (no UART found): listing
 * those would bury the IR head. The USB details sit in an ancestor of the device directory: the USB
 * device that carries idVendor.
 */
async function scanSysfs(rootPath: string): Promise<SerialPortEntry[]> {
	const classDirectory = join(rootPath, 'sys/class/tty');
	const entries: SerialPortEntry[] = [];
	for (const name of await readdirOrEmpty(classDirectory)) {
		const device = await realpath(join(classDirectory, name, 'device')).catch(() => undefined);
		if (device === undefined) continue;
		if ((await readAttribute(join(classDirectory, name), 'type')) === '0') continue;
		const usb = await usbDeviceAbove(device);
		entries.push(
			withoutEmpty({
				path: `/dev/${name}`,
				vendorId: usb && (await readAttribute(usb, 'idVendor'))?.toLowerCase(),
				productId: usb && (await readAttribute(usb, 'idProduct'))?.toLowerCase(),
				manufacturer: usb && (await readAttribute(usb, 'manufacturer')),
				serialNumber: usb && (await readAttribute(usb, 'serial')),
			}),
		);
	}
	return entries;
}

async function usbDeviceAbove(device: string): Promise<string | undefined> {
	// ttyUSB: tty dir → interface → USB device; ttyACM: interface → USB device. Higher up is the bus.
	let directory = device;
	for (let level = 0; level < 3; level++) {
		if ((await readAttribute(directory, 'idVendor')) !== undefined) return directory;
		directory = dirname(directory);
	}
	return undefined;
}

async function readAttribute(directory: string, name: string): Promise<string | undefined> {
	const text = await readFile(join(directory, name), 'utf8').catch(() => undefined);
	const value = text?.trim();
	return value === undefined || value === '' ? undefined : value;
}

async function readdirOrEmpty(directory: string): Promise<string[]> {
	return await readdir(directory).catch(() => []);
}

function withoutEmpty(
	entry: {[K in keyof SerialPortEntry]: SerialPortEntry[K] | undefined},
): SerialPortEntry {
	return Object.fromEntries(
		Object.entries(entry).filter(([, value]) => value !== undefined && value !== ''),
	) as unknown as SerialPortEntry;
}
