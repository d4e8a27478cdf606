import {describe, expect, it} from 'vitest';
import {isPlaceholderPort, portNameHint} from '../../../src/transport/port-name-hint.ts';

describe('portNameHint', () => {
	it('writes a host:port with its tcp:// scheme', () => {
		expect(portNameHint('127.0.0.1:8888', 'linux')).toBe(
			'a TCP bridge is written with its scheme: tcp://127.0.0.1:8888',
		);
		expect(portNameHint('ir-head.local:23', 'linux')).toMatch(/tcp:\/\/ir-head\.local:23$/);
		expect(portNameHint('[::1]:2000', 'linux')).toMatch(/tcp:\/\/\[::1\]:2000$/);
	});

	it('explains a Windows name on Linux, but not on Windows', () => {
		expect(portNameHint('COM3', 'linux')).toMatch(
			/^COM3 is a Windows name: on Linux a reader is \/dev\/ttyUSB0/,
		);
		expect(portNameHint('COM3', 'win32')).toBeUndefined();
	});

	it('puts /dev/ before a device name given without it', () => {
		expect(portNameHint('ttyUSB0', 'linux')).toBe('a device is given by its path: /dev/ttyUSB0');
	});

	it("recognises the examples' placeholders", () => {
		expect(isPlaceholderPort('/dev/serial/by-id/usb-…-if00-port0')).toBe(true);
		expect(isPlaceholderPort('/dev/serial/by-id/set-METER_DEVICE-in-.env')).toBe(true);
		expect(portNameHint('/dev/serial/by-id/usb-…-if00-port0', 'linux')).toMatch(/placeholder/);
	});

	it.each(['/dev/ttyUSB0', '/dev/serial/by-id/usb-FTDI_FT230X-if00-port0', './pty', 'tcp://h:1'])(
		'has nothing to say about %s',
		(port) => {
			expect(portNameHint(port, 'linux')).toBeUndefined();
		},
	);
});
