import {describe, expect, it} from 'vitest';
import {decodeCapture} from '../../../src/iec62056/capture-decoder.ts';
import {createPushProfile, PUSH_BAUD_RATE} from '../../../src/simulator/push-profile.ts';

function decode(atMs: number) {
	const profile = createPushProfile();
	const decoding = decodeCapture(
		Buffer.concat([Buffer.from(`${profile.identification}\r\n`), profile.dataMessage(atMs)]),
	);
	expect(decoding.errors).toEqual([]);
	return decoding.telegrams[0];
}

describe('push profile', () => {
	it('pushes at 9600 Bd every 2 s by default, or at the chosen interval', () => {
		expect(createPushProfile().push).toEqual({baudRate: PUSH_BAUD_RATE, intervalMs: 2000});
		expect(createPushProfile({pushIntervalMs: 10_000}).push?.intervalMs).toBe(10_000);
	});

	it('frames like the Easymeter Q3D: identification with a space, blank line, no checksum', () => {
		const telegram = decode(Date.parse('2026-03-01T12:00:00Z'));
		expect(telegram?.framing).toBe('push');
		expect(telegram?.check).toEqual({algorithm: 'none', ok: true});
		expect(telegram?.identification?.ident).toBe('Q3DA1004 V3.04');
		expect(telegram?.dataSets.map((set) => set.key)).toContain('1.8.0');
		expect(telegram?.dataSets.find((set) => set.key === '1.8.0')?.values[0]?.text).toMatch(/^\d{8}\.\d{7}$/);
	});

	it('shows negative power while feeding in at a sunny summer noon', () => {
		const powers = Array.from(
			{length: 20},
			(_, day) =>
				decode(Date.parse('2026-06-01T11:00:00Z') + day * 86_400_000)?.dataSets.find(
					(set) => set.key === '1.7.0',
				)?.values[0]?.text,
		);
		expect(powers.some((text) => text?.startsWith('-'))).toBe(true);
		expect(powers.every((text) => /^[+-]\d{6}\.\d{2}$/.test(text ?? ''))).toBe(true);
	});
});
