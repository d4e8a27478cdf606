import {describe, expect, it} from 'vitest';
import {GrowableBytes} from '../../../src/iec62056/growable-bytes.ts';

describe('GrowableBytes', () => {
	it('starts empty', () => {
		const bytes = new GrowableBytes();
		expect(bytes.length).toBe(0);
		expect(bytes.at(0)).toBeUndefined();
	});

	it('counts and returns pushed bytes in order', () => {
		const bytes = new GrowableBytes();
		bytes.push(0x02);
		bytes.push(0x31);
		expect(bytes.length).toBe(2);
		expect([bytes.at(0), bytes.at(1)]).toEqual([0x02, 0x31]);
	});

	it('keeps every byte when it grows past its initial capacity', () => {
		const bytes = new GrowableBytes(2);
		for (let value = 0; value < 100; value++) bytes.push(value);
		expect(bytes.length).toBe(100);
		expect([...bytes.copy()]).toEqual(Array.from({length: 100}, (_, index) => index));
	});

	it('refuses a zero initial capacity at construction, naming the option', () => {
		expect(() => new GrowableBytes(0)).toThrow(TypeError);
		expect(() => new GrowableBytes(0)).toThrow('initialCapacity');
	});

	it('never returns bytes past its length', () => {
		const bytes = new GrowableBytes(8);
		bytes.append(Buffer.from('abc'));
		expect(bytes.copy(0, 8)).toEqual(Buffer.from('abc'));
		expect(bytes.text(1, 8)).toBe('bc');
	});

	it('appends every byte of a chunk', () => {
		const bytes = new GrowableBytes(4);
		bytes.append(Buffer.from('/ISk5MT174-0001', 'latin1'));
		expect(bytes.text()).toBe('/ISk5MT174-0001');
	});

	it('appends chunks one after the other as a single byte run', () => {
		const bytes = new GrowableBytes(1);
		for (const chunk of ['1.8', '.0(', '', '0001', '*kWh)']) bytes.append(Buffer.from(chunk, 'latin1'));
		expect(bytes.text()).toBe('1.8.0(0001*kWh)');
	});

	it('has no byte at or past its length', () => {
		const bytes = new GrowableBytes();
		bytes.append(Uint8Array.of(1, 2, 3));
		expect(bytes.at(3)).toBeUndefined();
		expect(bytes.at(1000)).toBeUndefined();
	});

	it('has no byte at a negative index', () => {
		const bytes = new GrowableBytes();
		bytes.append(Uint8Array.of(1, 2, 3));
		expect(bytes.at(-1)).toBeUndefined();
	});

	it('copies the range [start, end)', () => {
		const bytes = new GrowableBytes();
		bytes.append(Buffer.from('\x02data\x03', 'latin1'));
		expect(bytes.copy(1, 5).toString('latin1')).toBe('data');
	});

	it('returns a copy that later pushes and clears do not change', () => {
		const bytes = new GrowableBytes(4);
		bytes.append(Uint8Array.of(1, 2, 3));
		const frame = bytes.copy();
		bytes.clear();
		bytes.append(Uint8Array.of(9, 9, 9, 9, 9));
		expect([...frame]).toEqual([1, 2, 3]);
	});

	it('gives the Latin-1 text of a range', () => {
		const bytes = new GrowableBytes();
		bytes.append(Buffer.from('/LGZ5\\2ZMD', 'latin1'));
		expect(bytes.text(1, 4)).toBe('LGZ');
	});

	it('maps each byte to one character in its text, high bytes included', () => {
		const bytes = new GrowableBytes();
		bytes.append(Uint8Array.of(0xaf, 0x7f, 0x00, 0xb0));
		expect(bytes.text()).toBe('\u00af\u007f\u0000\u00b0');
	});

	it('is empty after clear and can be filled again', () => {
		const bytes = new GrowableBytes();
		bytes.append(Uint8Array.of(1, 2, 3));
		bytes.clear();
		expect(bytes.length).toBe(0);
		expect(bytes.at(0)).toBeUndefined();
		expect(bytes.text()).toBe('');
		bytes.push(7);
		expect([...bytes.copy()]).toEqual([7]);
	});
});
