import {mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join, relative} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {listSerialPorts} from '../../../src/transport/serial-port-list.ts';

let root: string;

beforeEach(async () => {
	root = await mkdtemp(join(tmpdir(), 'dlms-sysfs-'));
});
afterEach(async () => {
	await rm(root, {recursive: true, force: true});
});

async function file(path: string, content: string) {
	await mkdir(dirname(join(root, path)), {recursive: true});
	await writeFile(join(root, path), `${content}\n`);
}

/** A relative link, as sysfs and udev make them, so it resolves inside the fake root. */
async function link(path: string, target: string) {
	await mkdir(dirname(join(root, path)), {recursive: true});
	await symlink(relative(dirname(join(root, path)), join(root, target)), join(root, path));
}

const ftdiDevice = 'sys/devices/pci0000:00/0000:00:14.0/usb1/1-2';
const acmDevice = 'sys/devices/pci0000:00/0000:00:14.0/usb1/1-3';

/** An FTDI IR head (ttyUSB0: tty dir under the interface), a CDC-ACM head (ttyACM0: the interface itself). */
async function usbHeads() {
	await file(`${ftdiDevice}/idVendor`, '0403');
	await file(`${ftdiDevice}/idProduct`, '6001');
	await file(`${ftdiDevice}/manufacturer`, 'FTDI');
	await file(`${ftdiDevice}/serial`, 'A50285BI');
	await mkdir(join(root, ftdiDevice, '1-2:1.0/ttyUSB0'), {recursive: true});
	await link('sys/class/tty/ttyUSB0/device', `${ftdiDevice}/1-2:1.0/ttyUSB0`);

	await file(`${acmDevice}/idVendor`, '10C4');
	await file(`${acmDevice}/idProduct`, 'EA60');
	await mkdir(join(root, acmDevice, '1-3:1.0'), {recursive: true});
	await link('sys/class/tty/ttyACM0/device', `${acmDevice}/1-3:1.0`);

	await link('dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0', 'dev/ttyUSB0');
}

describe('listSerialPorts', () => {
	it('reads vendor, product, manufacturer and serial from sysfs and adds the by-id name', async () => {
		await usbHeads();
		const ports = await listSerialPorts({rootPath: root, listFromBinding: null});
		expect(ports).toEqual([
			{path: '/dev/ttyACM0', vendorId: '10c4', productId: 'ea60'},
			{
				path: '/dev/ttyUSB0',
				byIdPath: '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0',
				vendorId: '0403',
				productId: '6001',
				manufacturer: 'FTDI',
				serialNumber: 'A50285BI',
			},
		]);
	});

	it('falls back to the scan when udevadm is missing, without an unhandled rejection', async () => {
		await usbHeads();
		const missing = Object.assign(new Error('spawn udevadm ENOENT'), {code: 'ENOENT'});
		const ports = await listSerialPorts({rootPath: root, listFromBinding: () => Promise.reject(missing)});
		expect(ports.map((port) => port.path)).toEqual(['/dev/ttyACM0', '/dev/ttyUSB0']);
	});

	it("prefers the binding's details and fills the gaps from the scan", async () => {
		await usbHeads();
		const ports = await listSerialPorts({
			rootPath: root,
			listFromBinding: async () => [
				{
					path: '/dev/ttyUSB0',
					manufacturer: 'FTDI Ltd',
					serialNumber: 'A50285BI',
					pnpId: 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0',
					locationId: undefined,
					vendorId: '0403',
					productId: '6001',
				},
			],
		});
		expect(ports.find((port) => port.path === '/dev/ttyUSB0')).toEqual({
			path: '/dev/ttyUSB0',
			byIdPath: '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0',
			vendorId: '0403',
			productId: '6001',
			manufacturer: 'FTDI Ltd',
			serialNumber: 'A50285BI',
		});
		expect(ports).toHaveLength(2);
	});

	it('leaves out ttys without a device (consoles, ptys) and 8250 slots without a UART', async () => {
		await mkdir(join(root, 'sys/class/tty/tty0'), {recursive: true});
		await mkdir(join(root, 'sys/class/tty/ptmx'), {recursive: true});
		for (const [name, type] of [
			['ttyS0', '4'],
			['ttyS1', '0'],
			['ttyS2', '0'],
		] as const) {
			await mkdir(join(root, `sys/devices/platform/serial8250/${name}`), {recursive: true});
			await link(`sys/class/tty/${name}/device`, `sys/devices/platform/serial8250/${name}`);
			await file(`sys/class/tty/${name}/type`, type);
		}
		const ports = await listSerialPorts({rootPath: root, listFromBinding: null});
		expect(ports).toEqual([{path: '/dev/ttyS0'}]);
	});

	it('lists a by-id link whose device sysfs does not show (some containers)', async () => {
		await link('dev/serial/by-id/usb-Silicon_Labs_CP2104-if00-port0', 'dev/ttyUSB3');
		const ports = await listSerialPorts({rootPath: root, listFromBinding: null});
		expect(ports).toEqual([
			{path: '/dev/ttyUSB3', byIdPath: '/dev/serial/by-id/usb-Silicon_Labs_CP2104-if00-port0'},
		]);
	});

	it('sorts ports in natural order', async () => {
		for (const name of ['ttyUSB10', 'ttyUSB2', 'ttyACM0']) {
			await mkdir(join(root, `sys/devices/x/${name}`), {recursive: true});
			await link(`sys/class/tty/${name}/device`, `sys/devices/x/${name}`);
		}
		const ports = await listSerialPorts({rootPath: root, listFromBinding: null});
		expect(ports.map((port) => port.path)).toEqual(['/dev/ttyACM0', '/dev/ttyUSB2', '/dev/ttyUSB10']);
	});

	it('returns an empty list where nothing can be read', async () => {
		expect(await listSerialPorts({rootPath: join(root, 'missing'), listFromBinding: null})).toEqual([]);
	});

	it('fails fast on a bad rootPath', async () => {
		await expect(listSerialPorts({rootPath: ''})).rejects.toThrow(/"rootPath" must be a directory/);
	});

	it('never rejects with the default binding on this machine', async () => {
		await expect(listSerialPorts()).resolves.toBeInstanceOf(Array);
	});
});
