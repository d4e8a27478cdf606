import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {
	createCapturedTelegramProfile,
	UnusableCaptureError,
} from '../../../src/simulator/captured-telegram-profile.ts';

const fixture = (name: string) =>
	readFileSync(new URL(`../../fixtures/telegrams/${name}/input.bin`, import.meta.url));

describe('captured telegram profile', () => {
	it('serves a mode C capture byte for byte', () => {
		const bytes = fixture('landisgyr-zmd120-c');
		const profile = createCapturedTelegramProfile(bytes, {place: 'zmd.bin'});
		expect(profile.identification).toBe('/LGZ52ZMD120APt.G03');
		expect(profile.push).toBeUndefined();
		expect(Buffer.concat([Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(0)])).toEqual(
			bytes,
		);
		expect(profile.name).toBe('telegram:zmd.bin');
	});

	it('keeps a wrong BCC as captured (Itron ACE3000)', () => {
		const bytes = fixture('itron-ace3000-c');
		const message = createCapturedTelegramProfile(bytes).dataMessage(0);
		expect(bytes.includes(message)).toBe(true);
	});

	it('turns a push capture into a push meter', () => {
		const profile = createCapturedTelegramProfile(fixture('easymeter-q3d-d'), {pushIntervalMs: 1000});
		expect(profile.identification).toBe('/ESY5Q3DA1004 V3.04');
		expect(profile.push).toEqual({baudRate: 9600, intervalMs: 1000});
		expect(profile.dataMessage(0).toString('latin1')).toMatch(/^\r\n1-0:0\.0\.0/);
	});

	it('refuses bytes without a data message', () => {
		expect(() => createCapturedTelegramProfile(Buffer.from('hello'), {place: 'x.bin'})).toThrow(
			UnusableCaptureError,
		);
		expect(() => createCapturedTelegramProfile(Buffer.from('hello'), {place: 'x.bin'})).toThrow(/^x\.bin: /);
	});
});
