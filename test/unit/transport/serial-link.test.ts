import {SerialPortMock} from 'serialport';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {SIGN_ON_SETTINGS} from '../../../src/transport/link.ts';
import {LinkError} from '../../../src/transport/link-errors.ts';
import {type SerialBinding, SerialLink} from '../../../src/transport/serial-link.ts';

// @serialport/binding-mock, through serialport: the package's own ESM entry ships no types under
// node16 resolution, and this way the test and serialport share one MockBinding instance.
const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;

const PATH = '/dev/ttyUSB0';

/** MockBinding, keeping hold of each opened port so a test can feed bytes or pull the plug. */
function recordingBinding() {
	const ports: MockPortBinding[] = [];
	const unplugs: ((error: Error) => void)[] = [];
	const binding: SerialBinding = {
		list: () => MockBinding.list(),
		async open(options) {
			const port = await MockBinding.open(options);
			// A read failing with a non-cancel error is how serialport sees a USB adapter vanish.
			const unplugged = new Promise<never>((_resolve, reject) => unplugs.push(reject));
			unplugged.catch(() => undefined);
			const read = port.read.bind(port);
			port.read = (buffer, offset, length) => Promise.race([read(buffer, offset, length), unplugged]);
			ports.push(port);
			return port;
		},
	};
	return {
		binding,
		port(index = 0): MockPortBinding {
			const port = ports[index];
			if (port === undefined) throw new Error(`no port ${index} opened`);
			return port;
		},
		unplug(index = 0) {
			unplugs[index]?.(new Error('device disconnected'));
		},
	};
}

function nextTick(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}

beforeEach(() => {
	MockBinding.reset();
	MockBinding.createPort(PATH, {record: true});
});
afterEach(() => {
	MockBinding.reset();
});

describe('SerialLink', () => {
	it('opens with the sign-on format 300 Bd 7E1', async () => {
		const mock = recordingBinding();
		const link = new SerialLink({path: PATH, binding: mock.binding});
		expect(link.isOpen).toBe(false);
		await link.open(SIGN_ON_SETTINGS);
		expect(link.isOpen).toBe(true);
		expect(mock.port().openOptions).toMatchObject({baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1});
		await link.close();
	});

	it('names the device as its place and can switch rates', () => {
		const link = new SerialLink({path: PATH, binding: MockBinding});
		expect(link.place).toBe(PATH);
		expect(link.canSetBaudRate).toBe(true);
	});

	it('hands written bytes to the binding before write resolves', async () => {
		const mock = recordingBinding();
		const link = new SerialLink({path: PATH, binding: mock.binding});
		await link.open(SIGN_ON_SETTINGS);
		await link.write(Buffer.from('/?!\r\n'));
		expect(mock.port().recording.toString()).toBe('/?!\r\n');
		await link.close();
	});

	it('switches the rate on the open port, keeping the format', async () => {
		const mock = recordingBinding();
		const link = new SerialLink({path: PATH, binding: mock.binding});
		await link.open(SIGN_ON_SETTINGS);
		await link.setBaudRate(9600);
		expect(mock.port().port.openOpt).toMatchObject({baudRate: 9600, dataBits: 7, parity: 'even'});
		await link.close();
	});

	it('reports a rate the binding refuses as a LinkError naming the rate', async () => {
		const mock = recordingBinding();
		const link = new SerialLink({path: PATH, binding: mock.binding});
		await link.open(SIGN_ON_SETTINGS);
		mock.port().update = () =>
			Promise.reject(new Error('Error baud rate of 12345 is not supported on your platform'));
		const error = await link.setBaudRate(12_345).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(LinkError);
		expect((error as LinkError).message).toBe(
			`${PATH}: cannot switch to 12345 Bd: Error baud rate of 12345 is not supported on your platform`,
		);
		await link.close();
	});

	it('rejects a rate that is not a positive integer', async () => {
		const link = new SerialLink({path: PATH, binding: MockBinding});
		await link.open(SIGN_ON_SETTINGS);
		await expect(link.setBaudRate(0)).rejects.toThrow(TypeError);
		await expect(link.setBaudRate(Number.NaN)).rejects.toThrow(
			/"baudRate" must be a positive integer, got NaN/,
		);
		await link.close();
	});

	it('drains through the binding after the pending write', async () => {
		const mock = recordingBinding();
		const link = new SerialLink({path: PATH, binding: mock.binding});
		await link.open(SIGN_ON_SETTINGS);
		const drain = vi.spyOn(mock.port(), 'drain');
		await link.write(Buffer.from('\x06050\r\n'));
		await link.drain();
		expect(drain).toHaveBeenCalledOnce();
		await link.close();
	});

	it('maps a missing port to not-found with advice', async () => {
		const link = new SerialLink({path: '/dev/ttyUSB9', binding: MockBinding});
		const error = await link.open(SIGN_ON_SETTINGS).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(LinkError);
		expect(error).toMatchObject({failure: 'not-found', place: '/dev/ttyUSB9'});
		expect((error as LinkError).message).toContain('is the IR head plugged in?');
		expect((error as LinkError).cause).toBeInstanceOf(Error);
	});

	it('maps a port another program holds to busy', async () => {
		const first = new SerialLink({path: PATH, binding: MockBinding});
		const second = new SerialLink({path: PATH, binding: MockBinding});
		await first.open(SIGN_ON_SETTINGS);
		await expect(second.open(SIGN_ON_SETTINGS)).rejects.toMatchObject({failure: 'busy'});
		await first.close();
	});

	it('maps a permission error to permission, which is not worth retrying', async () => {
		const binding: SerialBinding = {
			list: () => MockBinding.list(),
			open: () => Promise.reject(new Error('Error Permission denied Cannot open /dev/ttyUSB0')),
		};
		const error = await new SerialLink({path: PATH, binding})
			.open(SIGN_ON_SETTINGS)
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({failure: 'permission', retryable: false});
		expect((error as Error).message).toContain('dialout group');
	});

	it('refuses a second open while open', async () => {
		const link = new SerialLink({path: PATH, binding: MockBinding});
		await link.open(SIGN_ON_SETTINGS);
		await expect(link.open(SIGN_ON_SETTINGS)).rejects.toThrow(/already open/);
		await link.close();
	});

	it('calls onClose once with a disconnected LinkError when the adapter is unplugged', async () => {
		const mock = recordingBinding();
		const link = new SerialLink({path: PATH, binding: mock.binding});
		const closed = vi.fn();
		link.onClose(closed);
		await link.open(SIGN_ON_SETTINGS);
		mock.unplug();
		await vi.waitFor(() => expect(closed).toHaveBeenCalled());
		await nextTick();
		expect(closed).toHaveBeenCalledOnce();
		const error = closed.mock.calls[0]?.[0] as LinkError;
		expect(error).toBeInstanceOf(LinkError);
		expect(error.failure).toBe('disconnected');
		expect((error.cause as Error).message).toBe('device disconnected');
		expect(link.isOpen).toBe(false);
		await expect(link.write(Buffer.from('x'))).rejects.toMatchObject({failure: 'not-open'});
		await link.close();
	});

	it('rejects open when aborted while opening, and leaves the port closed', async () => {
		let finishOpen: (() => void) | undefined;
		const binding: SerialBinding = {
			list: () => MockBinding.list(),
			async open(options) {
				await new Promise<void>((resolve) => {
					finishOpen = resolve;
				});
				return MockBinding.open(options);
			},
		};
		const link = new SerialLink({path: PATH, binding});
		const controller = new AbortController();
		const opening = link.open(SIGN_ON_SETTINGS, controller.signal);
		await vi.waitFor(() => expect(finishOpen).toBeDefined());
		controller.abort(new Error('shutting down'));
		await expect(opening).rejects.toMatchObject({failure: 'aborted'});
		finishOpen?.();
		// The port opened late is closed again: another link can take it.
		const other = new SerialLink({path: PATH, binding: MockBinding});
		await vi.waitFor(() => other.open(SIGN_ON_SETTINGS));
		await other.close();
		expect(link.isOpen).toBe(false);
	});

	it('fails open when the driver refuses low-latency mode, and closes the port', async () => {
		const binding: SerialBinding = {
			list: () => MockBinding.list(),
			async open(options) {
				const port = await MockBinding.open(options);
				port.set = () => Promise.reject(new Error('Error: Inappropriate ioctl for device, cannot set'));
				return port;
			},
		};
		const link = new SerialLink({path: PATH, binding, lowLatency: true});
		await expect(link.open(SIGN_ON_SETTINGS)).rejects.toThrow(
			/cannot set low-latency mode.*this adapter cannot hand bytes over at once: do without low latency$/,
		);
		expect(link.isOpen).toBe(false);
		const other = new SerialLink({path: PATH, binding: MockBinding});
		await other.open(SIGN_ON_SETTINGS);
		await other.close();
	});

	it('asks for low latency, keeping DTR and RTS up (some heads draw power from them), when told to', async () => {
		const setCalls: unknown[] = [];
		const binding: SerialBinding = {
			list: () => MockBinding.list(),
			async open(options) {
				const port = await MockBinding.open(options);
				const set = port.set.bind(port);
				port.set = (flags) => {
					setCalls.push(flags);
					return set(flags);
				};
				return port;
			},
		};
		const link = new SerialLink({path: PATH, binding, lowLatency: true});
		await link.open(SIGN_ON_SETTINGS);
		expect(setCalls).toEqual([expect.objectContaining({lowLatency: true, dtr: true, rts: true})]);
		await link.close();
		const plain = new SerialLink({path: PATH, binding});
		await plain.open(SIGN_ON_SETTINGS);
		expect(setCalls).toHaveLength(1);
		await plain.close();
	});

	it.each([
		[{path: ''}, /"path" must be a device path/],
		[{path: 42 as unknown as string}, /"path" must be a device path such as \/dev\/ttyUSB0, got 42/],
		[{path: PATH, lowLatency: 'yes' as unknown as boolean}, /"lowLatency" must be a boolean, got "yes"/],
	])('fails fast on a bad option %o', (options, message) => {
		expect(() => new SerialLink(options)).toThrow(TypeError);
		expect(() => new SerialLink(options)).toThrow(message);
	});
});
