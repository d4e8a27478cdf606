import {describe, expect, it} from 'vitest';
import {portWarnings} from '../../../src/cli/port-warnings.ts';

/** A file system holding one serial device and one file; everything else is missing. */
async function fakeStat(path: string) {
	if (path === '/dev/ttyUSB0') return {isCharacterDevice: () => true, isDirectory: () => false};
	if (path === '/home/me/capture.bin') return {isCharacterDevice: () => false, isDirectory: () => false};
	throw Object.assign(new Error('missing'), {code: 'ENOENT'});
}

const linux = {cwd: '/home/me', platform: 'linux', stat: fakeStat};

describe('portWarnings', () => {
	it('says nothing about a device that is there, a bridge or a simulated meter', async () => {
		expect(await portWarnings(['/dev/ttyUSB0', 'tcp://192.0.2.7:8888', 'simulator:zmd120'], linux)).toEqual(
			[],
		);
	});

	it('warns about a device that is not there now, saying run keeps trying', async () => {
		const [warning] = await portWarnings(['/dev/ttyUSB0', '/dev/ttyUSB9'], linux);
		expect(warning?.path).toEqual(['meters', 1, 'port']);
		expect(warning?.message).toMatch(/^\/dev\/ttyUSB9 does not exist now: is the reader plugged in\?/);
		expect(warning?.message).toMatch(
			/run starts anyway and tries it again at the first readout time after a pause of one cycle, doubled after each failure up to 5 min, until it is there\)$/,
		);
	});

	it('warns about a file given as the port, relative to the working directory', async () => {
		expect(await portWarnings(['capture.bin'], linux)).toEqual([
			{path: ['meters', 0, 'port'], message: 'capture.bin is a file, not a serial device'},
		]);
	});

	it('gives the name meant for a name of the wrong shape', async () => {
		const messages = (await portWarnings(['ttyUSB0', 'COM3', '127.0.0.1:8888'], linux)).map((w) => w.message);
		expect(messages).toEqual([
			'a device is given by its path: /dev/ttyUSB0',
			expect.stringMatching(/^COM3 is a Windows name/),
			'a TCP bridge is written with its scheme: tcp://127.0.0.1:8888',
		]);
	});

	it('leaves Windows names alone on Windows', async () => {
		expect(await portWarnings(['COM3'], {...linux, platform: 'win32'})).toEqual([]);
	});
});
