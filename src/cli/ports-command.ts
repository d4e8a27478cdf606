import {Command, InvalidArgumentError} from 'commander';
import {listSerialPorts, type SerialPortEntry} from '../transport/serial-port-list.ts';
import type {CommandIo} from './command-io.ts';

/** `ports` prints a table for people or JSON for programs; line protocol has nothing to say here. */
export type PortsFormat = 'table' | 'json';

const PORTS_FORMATS: readonly PortsFormat[] = ['table', 'json'];

export interface PortsOptions {
	readonly format: PortsFormat;
}

/** Where the list comes from; tests pass a fixed list. */
export type ListPorts = () => Promise<SerialPortEntry[]>;

export function portsCommand(
	io: Pick<CommandIo, 'stdout' | 'stderr'>,
	listPorts: ListPorts = listSerialPorts,
): Command {
	return new Command('ports')
		.description('list serial ports (USB IR heads) with their USB ids and stable /dev/serial/by-id names')
		.option('-f, --format <format>', 'table or json', parsePortsFormat, 'table' as PortsFormat)
		.action(async (options: PortsOptions) => {
			await runPorts(options, io, listPorts);
		});
}

export async function runPorts(
	options: PortsOptions,
	io: Pick<CommandIo, 'stdout' | 'stderr'>,
	listPorts: ListPorts = listSerialPorts,
): Promise<void> {
	const ports = await listPorts();
	if (options.format === 'json') {
		io.stdout.write(`${JSON.stringify(ports, null, 2)}\n`);
	} else if (ports.length > 0) {
		io.stdout.write(portsTable(ports));
	}
	if (ports.length === 0) {
		io.stderr.write(
			'no serial ports found: is the IR head plugged in? (USB heads show up as /dev/ttyUSB* or /dev/ttyACM*)\n',
		);
		return;
	}
	io.stderr.write(`${udevHint(ports)}\n`);
}

/** commander argument parser for `ports --format`. */
export function parsePortsFormat(value: string): PortsFormat {
	if ((PORTS_FORMATS as readonly string[]).includes(value)) return value as PortsFormat;
	throw new InvalidArgumentError(`choose one of ${PORTS_FORMATS.join(', ')}`);
}

function portsTable(ports: readonly SerialPortEntry[]): string {
	const header = ['port', 'usb id', 'manufacturer', 'serial', 'by-id'];
	const rows = ports.map((port) => [
		port.path,
		port.vendorId === undefined ? '' : `${port.vendorId}:${port.productId ?? '????'}`,
		port.manufacturer ?? '',
		port.serialNumber ?? '',
		port.byIdPath ?? '',
	]);
	const widths = header.map((title, column) =>
		Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
	);
	return `${[header, ...rows]
		.map((row) =>
			row
				.map((cell, column) => cell.padEnd(widths[column] ?? 0))
				.join('  ')
				.trimEnd(),
		)
		.join('\n')}\n`;
}

/**
 * The ttyUSB number changes with plugging order; a udev rule gives the head a fixed name and the
 * dialout group access (the rule the seed README shows). Filled in from the first USB port found.
 */
function udevHint(ports: readonly SerialPortEntry[]): string {
	const usb = ports.find((port) => port.vendorId !== undefined && port.productId !== undefined);
	const vendorId = usb?.vendorId ?? '10c4';
	const productId = usb?.productId ?? 'ea60';
	const serial = usb?.serialNumber === undefined ? '' : `, ATTRS{serial}=="${usb.serialNumber}"`;
	return (
		`hint: for a fixed name, put SUBSYSTEM=="tty", ATTRS{idVendor}=="${vendorId}", ATTRS{idProduct}=="${productId}"${serial}, ` +
		'MODE="0660", GROUP="dialout", SYMLINK+="dlms0" in /etc/udev/rules.d/11-dlms.rules and use port /dev/dlms0'
	);
}
