import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {MessageBytes} from '../../../src/iec62056/message-bytes.ts';

const ascii = (text: string) => Buffer.from(text, 'latin1');

describe('MessageBytes', () => {
	it('holds a message read straight from the chunk, and copies it out', () => {
		const chunk = ascii('xx\x021.8.1(5)\r\n!\r\n\x03Qyy');
		const message = new MessageBytes();
		message.attach(chunk);
		message.restart(0x02, 2);
		message.append(chunk, 3, 16);
		message.push(0x03);
		message.push(0x51);
		expect(message.length).toBe(16);
		expect(message.at(0)).toBe(0x02);
		expect(message.at(16)).toBeUndefined();
		expect(message.copy()).toEqual(ascii('\x021.8.1(5)\r\n!\r\n\x03Q'));
		expect(message.copy(1, 4)).toEqual(ascii('1.8'));
	});

	it('hands out views of a lent chunk and copies of any other', () => {
		for (const lent of [true, false]) {
			const chunk = ascii('xx\x021.8.1(5)\r\n!\r\n\x03Qyy');
			const message = new MessageBytes();
			message.attach(chunk, lent);
			message.restart(0x02, 2);
			message.append(chunk, 3, 18);
			const bytes = message.copy(1, 4);
			message.detach();
			expect(bytes).toEqual(ascii('1.8'));
			chunk.fill(0x20);
			expect(bytes).toEqual(ascii(lent ? '   ' : '1.8'));
		}
	});

	it('hands out a lent chunk itself when the message is all of it', () => {
		const chunk = ascii('/EBZ5DD32\r\n\r\n1.8.0(5*kWh)\r\n!\r\n');
		const message = new MessageBytes();
		message.attach(chunk, true);
		message.restart(0x2f, 0);
		message.append(chunk, 1);
		expect(message.copy()).toBe(chunk);
		expect(message.copy(0, chunk.length - 1)).not.toBe(chunk);
		expect(message.copy(0, chunk.length - 1)).toEqual(chunk.subarray(0, -1));
	});

	it('shows where its bytes lie now, in the chunk or in its own memory', () => {
		const chunk = ascii('xx/ABC5\r\n');
		const message = new MessageBytes();
		message.attach(chunk);
		message.restart(0x2f, 2);
		message.append(chunk, 3, chunk.length);
		expect(message.memory).toBe(chunk);
		expect(message.memoryOffset).toBe(2);
		message.detach();
		const {memory, memoryOffset} = message;
		expect(memory).not.toBe(chunk);
		expect(Buffer.from(memory.subarray(memoryOffset, memoryOffset + message.length))).toEqual(
			ascii('/ABC5\r\n'),
		);
	});

	it('keeps an unfinished message when the chunk is detached and then overwritten', () => {
		const chunk = ascii('\x021.8.1(');
		const message = new MessageBytes();
		message.attach(chunk);
		message.restart(0x02, 0);
		message.append(chunk, 1, chunk.length);
		message.detach();
		chunk.fill(0x20);
		const next = ascii('5)\r\n');
		message.attach(next);
		message.append(next, 0, next.length);
		expect(message.copy()).toEqual(ascii('\x021.8.1(5)\r\n'));
	});

	it('takes a pushed byte that differs from the chunk (parity stripped) as pushed', () => {
		const chunk = Uint8Array.of(0x02, 0xb1, 0x03);
		const message = new MessageBytes();
		message.attach(chunk);
		message.restart(0x02, 0);
		message.push(0x31);
		message.push(0x03);
		expect([...message.copy()]).toEqual([0x02, 0x31, 0x03]);
	});

	it('starts with bytes read earlier in the chunk when they are there, and copies them when not', () => {
		const chunk = ascii('/ISk5MT174\r\n\r\n1-0:1.8.0(1)\r\n!');
		const head = ascii('/ISk5MT174\r\n');
		for (const source of [head, ascii('/XYZ5MT174\r\n')]) {
			const message = new MessageBytes();
			message.attach(chunk);
			message.restartWith(source, Uint8Array.of(0x0d, 0x0a, 0x0d), 2, 14);
			message.append(chunk, 14, chunk.length);
			message.detach();
			expect(message.copy()).toEqual(Buffer.concat([source, ascii(`\r\n${chunk.toString('latin1', 14)}`)]));
		}
	});

	it('holds exactly the bytes fed to it, whatever mix of pushes, appends and chunks', () => {
		const step = fc.oneof(
			fc.record({push: fc.integer({min: 0, max: 255})}),
			fc.record({append: fc.nat(40)}),
			fc.record({newChunk: fc.uint8Array({maxLength: 60})}),
			fc.record({restart: fc.nat(60)}),
		);
		fc.assert(
			fc.property(
				fc.uint8Array({minLength: 1, maxLength: 60}),
				fc.array(step, {maxLength: 40}),
				(first, steps) => {
					const message = new MessageBytes();
					let chunk = Uint8Array.from(first);
					let position = 0;
					let expected: number[] = [];
					message.attach(chunk);
					for (const s of steps) {
						if ('push' in s) {
							message.push(s.push);
							expected.push(s.push);
						} else if ('append' in s) {
							const end = Math.min(chunk.length, position + s.append);
							message.append(chunk, position, end);
							expected.push(...chunk.subarray(position, end));
							position = end;
						} else if ('restart' in s) {
							const index = chunk.length === 0 ? 0 : s.restart % chunk.length;
							const byte = chunk[index] ?? 0x41;
							message.restart(byte, index);
							expected = [byte];
							position = index + 1;
						} else {
							message.detach();
							// The old chunk is the caller's again, who overwrites it.
							chunk.fill(0xee);
							chunk = Uint8Array.from(s.newChunk);
							position = 0;
							message.attach(chunk);
						}
						expect(message.length).toBe(expected.length);
					}
					message.detach();
					chunk.fill(0xee);
					expect([...message.copy()]).toEqual(expected);
				},
			),
			{numRuns: 500},
		);
	});
});
