import {SerialPortMock} from 'serialport';
import {describe, expect, it} from 'vitest';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {createLink} from '../../../src/transport/link-from-port.ts';
import {SerialLink} from '../../../src/transport/serial-link.ts';
import {TcpLink} from '../../../src/transport/tcp-link.ts';

// @serialport/binding-mock, through serialport: the package's own ESM entry ships no types under
// node16 resolution, and this way the test and serialport share one MockBinding instance.
const MockBinding = SerialPortMock.binding;

describe('createLink', () => {
	it.each([
		'/dev/ttyUSB0',
		'/dev/serial/by-id/usb-FTDI_FT230X_Basic_UART_D30A1B2C-if00-port0',
		'COM3',
		'dlms0',
	])('makes a serial link for the device %s', (port) => {
		const link = createLink(port);
		expect(link).toBeInstanceOf(SerialLink);
		expect(link.place).toBe(port);
	});

	it.each([
		['tcp://192.168.1.5:8888', 'tcp://192.168.1.5:8888'],
		['tcp://ir-head.local:23', 'tcp://ir-head.local:23'],
		['TCP://bridge:2000/', 'tcp://bridge:2000'],
		['tcp://[::1]:2000', 'tcp://[::1]:2000'],
	])('makes a TCP link for %s', (port, place) => {
		const link = createLink(port);
		expect(link).toBeInstanceOf(TcpLink);
		expect(link.place).toBe(place);
		expect(link.canSetBaudRate).toBe(false);
	});

	it.each([
		[
			'tcp://bridge',
			/"tcp:\/\/bridge" is not a valid tcp:\/\/host:port address \(the port number is missing\)/,
		],
		['tcp://:2000', /is not a valid tcp:\/\/host:port address \(cannot be parsed\)/],
		['tcp://bridge:99999', /"tcp:\/\/bridge:99999" is not a valid tcp:\/\/host:port address/],
		['tcp://bridge:0', /the port must be 1 to 65535/],
		['tcp://bridge:2000/dev/ttyUSB0', /nothing may follow the port/],
		['tcp://user:secret@bridge:2000', /credentials are not supported/],
		[
			'rfc2217://bridge:2000',
			/"rfc2217:\/\/bridge:2000" uses "rfc2217:\/\/"; only tcp:\/\/host:port bridges are supported/,
		],
		['', /port: expected a serial device such as \/dev\/ttyUSB0 or tcp:\/\/host:port, got ""/],
	])('rejects %s with a TypeError naming the value', (port, message) => {
		expect(() => createLink(port)).toThrow(TypeError);
		expect(() => createLink(port)).toThrow(message);
	});

	it('passes the binding on to the serial link', async () => {
		MockBinding.reset();
		MockBinding.createPort('/dev/ttyMOCK0');
		const link = createLink('/dev/ttyMOCK0', {binding: MockBinding});
		await link.open(SIGN_ON_SETTINGS);
		expect(link.isOpen).toBe(true);
		await link.close();
		MockBinding.reset();
	});

	it('passes option checks through to the link', () => {
		expect(() => createLink('/dev/ttyUSB0', {lowLatency: 1 as unknown as boolean})).toThrow(/"lowLatency"/);
		expect(() => createLink('tcp://bridge:2000', {connectTimeoutMs: 0})).toThrow(/"connectTimeoutMs"/);
	});
});
