import {Command, InvalidArgumentError} from 'commander';
import {listSerialPorts, type SerialPortEntry} from '../transport/serial-port-list.ts';
import type {CommandIo} from './command-io.ts';
import {udevRule} from './udev-rule.ts';

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
 * The ttyUSB number changes with plugging order; a udev rule gives a head a fixed name and the dialout
 * group access (the rule the smarthomeNG dlms plugin's README shows). One rule per USB head found, with
 * its own vendor, product and serial number; none for ports without USB ids (an onboard UART), where
 * a rule with made-up ids would match nothing, or the wrong device.
 */
function udevHint(ports: readonly SerialPortEntry[]): string {
	const heads = ports.filter((port) => port.vendorId !== undefined && port.productId !== undefined);
	if (heads.length === 0) {
		return 'hint: none of these ports is a USB device, so no udev rule applies: use the port path as it is';
	}
	const rules = heads.map((head, index) =>
		udevRule({
			vendorId: head.vendorId as string,
			productId: head.productId as string,
			...(head.serialNumber === undefined ? {} : {serialNumber: head.serialNumber}),
			name: `dlms${index}`,
		}),
	);
	const names = heads.map((_, index) => `/dev/dlms${index}`).join(', ');
	return `hint: for a fixed name, put ${heads.length === 1 ? 'this line' : 'these lines'} in /etc/udev/rules.d/11-dlms.rules and use port ${names}:\n${rules.map((rule) => `  ${rule}`).join('\n')}`;
}
