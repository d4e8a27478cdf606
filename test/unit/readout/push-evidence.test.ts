import {readdirSync, readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {looksLikePushTelegram} from '../../../src/readout/push-evidence.ts';

const fixtures = new URL('../../fixtures/telegrams/', import.meta.url);
const capture = (name: string) => readFileSync(new URL(`${name}/input.bin`, fixtures));
const names = readdirSync(fixtures);

describe('looksLikePushTelegram', () => {
	it.each(names.filter((name) => /-(d|dd3-d|p1|dsmr22|crc|epoch)$/.test(name) && !name.includes('uh50')))(
		'recognises the push capture %s',
		(name) => {
			expect(looksLikePushTelegram(capture(name))).toBe(true);
		},
	);

	it.each(names.filter((name) => /-c(-|$)/.test(name)))(
		'takes the mode C answer %s for what it is',
		(name) => {
			expect(looksLikePushTelegram(capture(name))).toBe(false);
		},
	);

	it('recognises the tail of a push telegram joined mid-way', () => {
		const bytes = capture('easymeter-q3d-d');
		expect(looksLikePushTelegram(bytes.subarray(100))).toBe(true);
	});

	it('takes a mode C data message that lost its STX for a damaged answer, not a push', () => {
		const bytes = Buffer.from(capture('landisgyr-zmd120-c').toString('latin1').replace('\x02', ''), 'latin1');
		expect(looksLikePushTelegram(bytes)).toBe(false);
	});

	it('ignores the parity bit of 7E1 bytes read as 8N1', () => {
		const bytes = capture('emh-ehz-d').map((byte) => (byte % 3 === 0 ? byte | 0x80 : byte));
		expect(looksLikePushTelegram(bytes)).toBe(true);
	});
});
