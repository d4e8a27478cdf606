import {PassThrough} from 'node:stream';
import {CommanderError} from 'commander';
import {describe, expect, it} from 'vitest';
import {parsePortsFormat, portsCommand} from '../../../src/cli/ports-command.ts';
import type {SerialPortEntry} from '../../../src/transport/serial-port-list.ts';

const ftdi: SerialPortEntry = {
	path: '/dev/ttyUSB0',
	byIdPath: '/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0',
	vendorId: '0403',
	productId: '6001',
	manufacturer: 'FTDI',
	serialNumber: 'A50285BI',
};
const onboard: SerialPortEntry = {path: '/dev/ttyS0'};

async function run(args: string[], ports: SerialPortEntry[]) {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	const out: Buffer[] = [];
	const err: Buffer[] = [];
	stdout.on('data', (chunk: Buffer) => out.push(chunk));
	stderr.on('data', (chunk: Buffer) => err.push(chunk));
	const command = portsCommand({stdout, stderr}, async () => ports)
		.exitOverride()
		.configureOutput({writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text)});
	let error: unknown;
	try {
		await command.parseAsync(args, {from: 'user'});
	} catch (caught) {
		error = caught;
	}
	return {stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), error};
}

describe('ports', () => {
	it('prints a table with path, USB id, manufacturer, serial and the by-id name', async () => {
		const {stdout, error} = await run([], [onboard, ftdi]);
		expect(error).toBeUndefined();
		const lines = stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^port +usb id +manufacturer +serial +by-id$/);
		expect(lines[1]).toBe('/dev/ttyS0');
		expect(lines[2]).toMatch(
			/^\/dev\/ttyUSB0 +0403:6001 +FTDI +A50285BI +\/dev\/serial\/by-id\/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0$/,
		);
		expect(lines).toHaveLength(3);
	});

	it('prints JSON for programs', async () => {
		const {stdout} = await run(['--format', 'json'], [ftdi]);
		expect(JSON.parse(stdout)).toEqual([ftdi]);
	});

	it('prints an empty JSON list, and says on stderr that nothing was found', async () => {
		const {stdout, stderr, error} = await run(['-f', 'json'], []);
		expect(error).toBeUndefined();
		expect(JSON.parse(stdout)).toEqual([]);
		expect(stderr).toMatch(/^no serial ports found: is the IR head plugged in\?/);
		expect(stderr).not.toContain('udev');
	});

	it('prints no table when nothing was found', async () => {
		const {stdout} = await run([], []);
		expect(stdout).toBe('');
	});

	it('gives a udev rule for the USB head with its own ids and serial, on stderr only', async () => {
		const {stdout, stderr} = await run([], [onboard, ftdi]);
		expect(stdout).not.toContain('SYMLINK');
		expect(stderr.trimEnd().split('\n')).toEqual([
			'hint: for a fixed name, put this line in /etc/udev/rules.d/11-dlms.rules and use port /dev/dlms0:',
			'  SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ATTRS{serial}=="A50285BI", MODE="0660", GROUP="dialout", SYMLINK+="dlms0", ENV{ID_MM_DEVICE_IGNORE}="1"',
		]);
	});

	it('gives one rule per USB head, each with its own ids', async () => {
		const cp210x = {...ftdi, path: '/dev/ttyUSB1', vendorId: '10c4', productId: 'ea60', serialNumber: '0001'};
		const {stderr} = await run([], [ftdi, cp210x]);
		expect(stderr).toContain('ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ATTRS{serial}=="A50285BI"');
		expect(stderr).toContain('ATTRS{idVendor}=="10c4", ATTRS{idProduct}=="ea60", ATTRS{serial}=="0001"');
		expect(stderr).toContain('SYMLINK+="dlms1"');
	});

	it('gives no rule with made-up ids when no port is a USB head', async () => {
		const {stderr} = await run([], [onboard]);
		expect(stderr).not.toContain('ATTRS');
		expect(stderr).toContain('none of these ports is a USB device');
	});

	it('refuses a format it cannot print', async () => {
		const {error, stderr} = await run(['--format', 'line-protocol'], [ftdi]);
		expect(error).toBeInstanceOf(CommanderError);
		expect(stderr).toContain('choose one of table, json');
	});

	it('has help', async () => {
		const {stdout, error} = await run(['--help'], []);
		expect((error as CommanderError).exitCode).toBe(0);
		expect(stdout).toContain('Usage: ports [options]');
		expect(stdout).toContain('-f, --format <format>');
	});

	it('parses the format', () => {
		expect(parsePortsFormat('json')).toBe('json');
		expect(() => parsePortsFormat('yaml')).toThrow('choose one of table, json');
	});
});
