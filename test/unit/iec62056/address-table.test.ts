import {describe, expect, it} from 'vitest';
import {
	type AddressEntry,
	addressHash,
	lookupAddress,
	noteSuccessor,
	successorAt,
} from '../../../src/iec62056/address-table.ts';
import {charCodes} from '../../../src/iec62056/char-codes.ts';

function lookup(text: string, start = 0, end = text.length) {
	return lookupAddress(text, undefined, start, end, addressHash(text, start, end));
}

describe('lookupAddress', () => {
	it('parses an OBIS address into its code and key', () => {
		const entry = lookup('1-0:1.8.0*255');
		expect(entry.address).toBe('1-0:1.8.0*255');
		expect(entry.key).toBe('1.8.0');
		expect(entry.obis).toMatchObject({a: 1, b: 0, c: '1', d: '8', e: '0'});
	});

	it('keeps a non-OBIS address opaque, keyed without its channel', () => {
		const entry = lookup('1-1:30D');
		expect(entry.obis).toBeUndefined();
		expect(entry.key).toBe('30D');
	});

	it('returns the same entry for the same address found anywhere in a text', () => {
		const first = lookup('xx1.8.1(', 2, 7);
		const second = lookup('1.8.1', 0, 5);
		expect(second).toBe(first);
	});

	it('tells addresses apart that hash alike in their low bits', () => {
		const keys = ['1.8.0', '1.8.1', '1.8.2', '2.8.0', '2.8.1', '2.8.2'].map((address) => lookup(address).key);
		expect(keys).toEqual(['1.8.0', '1.8.1', '1.8.2', '2.8.0', '2.8.1', '2.8.2']);
	});

	it('compares in place through the byte codes when given', () => {
		const text = '1-1:C.3.4(x)';
		const codes = charCodes(text, true);
		const entry = lookupAddress(text, codes, 0, 9, addressHash(text, 0, 9));
		expect(entry.key).toBe('C.3.4');
		expect(lookup('1-1:C.3.4')).toBe(entry);
	});

	it('stays correct when far more addresses than slots come by', () => {
		for (let index = 0; index < 20_000; index++) lookup(`1.8.${index % 256}*${index % 100}`);
		expect(lookup('1-1:1.6.2*01').key).toBe('1.6.2*01');
		expect(lookup('F.F').key).toBe('F.F');
	});
});

describe('successorAt', () => {
	it('finds the address that followed last time when the same bytes and "(" come next', () => {
		const first = entryOf('7.7.1');
		const second = entryOf('7.7.2');
		first.next = second.slot;
		const codes = Buffer.from('7.7.2(5)', 'latin1');
		expect(successorAt(first, codes, 0, codes.length)).toBe(second);
	});

	it('declines other bytes, a missing "(" and an address that would need trimming', () => {
		const first = entryOf('7.7.3');
		first.next = entryOf('7.7.4').slot;
		for (const text of ['7.7.5(5)', '7.7.4 (5)', '7.7.4']) {
			const codes = Buffer.from(text, 'latin1');
			expect(successorAt(first, codes, 0, codes.length)).toBeUndefined();
		}
		first.next = entryOf(' 7.7.6').slot;
		const codes = Buffer.from(' 7.7.6(5)', 'latin1');
		expect(successorAt(first, codes, 0, codes.length)).toBeUndefined();
	});
	it('matches addresses of every length in place, and declines one that differs in any byte', () => {
		// Address plus "(" from 4 to 11 bytes: every split into four-byte groups and a tail of 0 to 3.
		for (const address of ['F.F', 'C.1.0', '1.8.0*1', '1-0:1.8.0', '0-0:96.1.1', '1-0:1.8.0*255']) {
			const first = entryOf(`9.${address}`);
			const second = entryOf(address);
			first.next = second.slot;
			const codes = Buffer.from(`x${address}(1)`, 'latin1');
			expect(successorAt(first, codes, 1, codes.length)).toBe(second);
			for (let index = 1; index <= address.length + 1; index++) {
				const changed = Buffer.from(codes);
				changed[index] = 0x5a;
				expect(successorAt(first, changed, 1, changed.length), `${address}, byte ${index}`).toBeUndefined();
			}
			expect(successorAt(first, codes, 1, address.length + 1)).toBeUndefined();
		}
	});
});

describe('noteSuccessor', () => {
	it('keeps the successors of four kinds of meter that share an address, and finds each', () => {
		const shared = entryOf('7.8.0');
		const successors = ['7.8.1', '7.9.9', '7.7.7', 'F.F'].map(entryOf);
		for (const entry of successors) noteSuccessor(shared, entry);
		for (let readout = 0; readout < 8; readout++) {
			noteSuccessor(shared, successors[readout % successors.length] as AddressEntry);
			for (const entry of successors) {
				const codes = Buffer.from(`${entry.address}(5)`, 'latin1');
				expect(successorAt(shared, codes, 0, codes.length)).toBe(entry);
			}
		}
	});

	it('forgets the oldest of four successors when a fifth one comes', () => {
		const shared = entryOf('7.8.2');
		const entries = ['7.8.3', '7.8.4', '7.8.5', '7.8.6', '7.8.7'].map(entryOf);
		for (const entry of entries) noteSuccessor(shared, entry);
		expect([shared.next, ...shared.earlier]).toEqual([
			...entries
				.slice(1)
				.reverse()
				.map((entry) => entry.slot),
			-1,
		]);
		const codes = Buffer.from('7.8.3(5)', 'latin1');
		expect(successorAt(shared, codes, 0, codes.length)).toBeUndefined();
		const latest = Buffer.from('7.8.7(5)', 'latin1');
		expect(successorAt(shared, latest, 0, latest.length)).toBe(entries[4]);
	});
});

function entryOf(text: string) {
	return lookupAddress(text, undefined, 0, text.length, addressHash(text, 0, text.length));
}
