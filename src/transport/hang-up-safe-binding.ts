import {read} from 'node:fs';
import {promisify} from 'node:util';
import type {SerialBinding} from './serial-link.ts';

const readAsync = promisify(read);

/** The parts of bindings-cpp's unix port (Linux, macOS) this guard reads from; other bindings lack them. */
interface UnixPort {
	readonly fd: number | null;
	readonly isOpen: boolean;
	readonly poller: {once(event: 'readable', callback: (error: Error | null) => void): unknown};
	read(buffer: Buffer, offset: number, length: number): Promise<{buffer: Buffer; bytesRead: number}>;
}

/**
 * Wraps a serialport binding so that a hung-up tty closes the port instead of spinning.
 *
 * When an adapter is unplugged (or the far end of a pty goes), the kernel hangs the tty up and
 * read() returns 0 bytes for ever. bindings-cpp 13 retries a zero-byte read at once, so the port
 * never reports the loss and burns a CPU core (serialport/bindings-cpp#162, open). This read
 * treats 0 bytes as the hang-up it is: the error makes serialport close the port with a
 * DisconnectedError, which the link turns into onClose('disconnected'). Everything else is as in
 * bindings-cpp's unix read: wait for the poller on EAGAIN, report a closed port as canceled.
 * Ports without a file descriptor and poller (Windows, MockBinding) are left alone.
 */
export function hangUpSafeBinding(binding: SerialBinding): SerialBinding {
	return {
		list: () => binding.list(),
		async open(options) {
			const port = await binding.open(options);
			if (isUnixPort(port))
				port.read = (buffer, offset, length) => readUntilHangUp(port, buffer, offset, length);
			return port;
		},
	};
}

function isUnixPort(port: object): port is UnixPort {
	const candidate = port as Partial<UnixPort>;
	return typeof candidate.fd === 'number' && typeof candidate.poller?.once === 'function';
}

async function readUntilHangUp(
	port: UnixPort,
	buffer: Buffer,
	offset: number,
	length: number,
): Promise<{buffer: Buffer; bytesRead: number}> {
	for (;;) {
		if (!port.isOpen || port.fd === null) throw canceled();
		try {
			const {bytesRead} = await readAsync(port.fd, buffer, offset, length, null);
			if (bytesRead === 0) throw new Error('the tty was hung up (adapter unplugged or far end closed)');
			return {buffer, bytesRead};
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw error;
			if (!port.isOpen) throw canceled();
			await new Promise<void>((resolve, reject) => {
				port.poller.once('readable', (pollError) => (pollError ? reject(pollError) : resolve()));
			});
		}
	}
}

/** serialport ignores a read error marked canceled: it is what a read gets when we close the port. */
function canceled(): Error {
	return Object.assign(new Error('Port is not open'), {canceled: true});
}
