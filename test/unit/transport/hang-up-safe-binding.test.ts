import {closeSync, openSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {SerialPortMock} from 'serialport';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {hangUpSafeBinding} from '../../../src/transport/hang-up-safe-binding.ts';
import type {SerialBinding} from '../../../src/transport/serial-link.ts';

const MockBinding = SerialPortMock.binding;

let directory: string;
const fds: number[] = [];

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-hangup-'));
});
afterEach(async () => {
	for (const fd of fds.splice(0)) closeSync(fd);
	await rm(directory, {recursive: true, force: true});
	MockBinding.reset();
});

/** A stand-in for bindings-cpp's unix port: a real descriptor (a file here) and a poller. */
async function unixPortOn(content: string) {
	const path = join(directory, 'tty');
	await writeFile(path, content);
	const fd = openSync(path, 'r');
	fds.push(fd);
	const port = {
		fd: fd as number | null,
		isOpen: true,
		poller: {once: vi.fn()},
		read: (_buffer: Buffer, _offset: number, _length: number): Promise<{buffer: Buffer; bytesRead: number}> =>
			Promise.reject(new Error('the original read spins on a hang-up')),
	};
	const binding = {list: async () => [], open: async () => port} as unknown as SerialBinding;
	const opened = (await hangUpSafeBinding(binding).open({path, baudRate: 300})) as unknown as typeof port;
	return {port: opened};
}

describe('hangUpSafeBinding', () => {
	it('reads what the descriptor has', async () => {
		const {port} = await unixPortOn('/LGZ5\r\n');
		const {bytesRead, buffer} = await port.read(Buffer.alloc(16), 0, 16);
		expect(buffer.subarray(0, bytesRead).toString()).toBe('/LGZ5\r\n');
	});

	it('fails a zero-byte read as a hang-up instead of retrying for ever', async () => {
		const {port} = await unixPortOn('');
		await expect(port.read(Buffer.alloc(16), 0, 16)).rejects.toThrow(/hung up/);
	});

	it('reports a read on a closed port as canceled, which serialport ignores', async () => {
		const {port} = await unixPortOn('x');
		port.isOpen = false;
		port.fd = null;
		await expect(port.read(Buffer.alloc(16), 0, 16)).rejects.toMatchObject({canceled: true});
	});

	it('leaves ports without a descriptor alone (MockBinding, Windows)', async () => {
		MockBinding.createPort('/dev/ttyMOCK0');
		const port = await hangUpSafeBinding(MockBinding).open({path: '/dev/ttyMOCK0', baudRate: 300});
		expect(Object.hasOwn(port, 'read')).toBe(false);
		await port.close();
	});

	it('lists through the wrapped binding', async () => {
		MockBinding.createPort('/dev/ttyMOCK1');
		const ports = await hangUpSafeBinding(MockBinding).list();
		expect(ports.map((port) => port.path)).toEqual(['/dev/ttyMOCK1']);
	});
});
