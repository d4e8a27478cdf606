import {describe, expect, it} from 'vitest';
import {
	baudCharacter,
	INITIAL_BAUD_RATE,
	MODE_C_BAUD_RATES,
	modeBBaudCharacter,
	modeCBaudCharacter,
} from '../../../src/iec62056/protocol-mode.ts';

// Baud-rate character tables: IEC 62056-21 as summarised in the protocol notes §5.2.
const MODE_C_TABLE: ReadonlyArray<[string, number]> = [
	['0', 300],
	['1', 600],
	['2', 1200],
	['3', 2400],
	['4', 4800],
	['5', 9600],
	['6', 19_200],
];
const MODE_B_TABLE: ReadonlyArray<[string, number]> = [
	['A', 600],
	['B', 1200],
	['C', 2400],
	['D', 4800],
	['E', 9600],
	['F', 19_200],
];

describe('baudCharacter', () => {
	it.each(MODE_C_TABLE)('reads %j as mode C at %i Bd', (char, baudRate) => {
		expect(baudCharacter(char)).toEqual({mode: 'C', baudRate});
	});

	it.each(MODE_B_TABLE)('reads %j as mode B at %i Bd', (char, baudRate) => {
		expect(baudCharacter(char)).toEqual({mode: 'B', baudRate});
	});

	it('reads a space, as in /KAM 685-…, as mode A at 300 Bd', () => {
		expect(baudCharacter(' ')).toEqual({mode: 'A', baudRate: 300});
	});

	it('reads the reserved mode C characters 7 to 9 as mode A rather than inventing a rate', () => {
		for (const char of ['7', '8', '9']) {
			expect(baudCharacter(char)).toEqual({mode: 'A', baudRate: 300});
		}
	});

	it('does not treat a lower-case letter as a mode B character', () => {
		expect(baudCharacter('e')).toEqual({mode: 'A', baudRate: 300});
	});

	it('does not shift the mode B table so that A means 300 Bd', () => {
		expect(baudCharacter('A').baudRate).toBe(600);
	});

	it('reads an empty character as mode A', () => {
		expect(baudCharacter('')).toEqual({mode: 'A', baudRate: 300});
	});

	it('reads more than one character as mode A', () => {
		expect(baudCharacter('5\\').mode).toBe('A');
	});
});

describe('INITIAL_BAUD_RATE', () => {
	it('is 300 Bd, the sign-on rate of modes A, B, C and E', () => {
		expect(INITIAL_BAUD_RATE).toBe(300);
	});
});

describe('modeCBaudCharacter', () => {
	it.each(MODE_C_TABLE)('encodes %j for %i Bd', (char, baudRate) => {
		expect(modeCBaudCharacter(baudRate)).toBe(char);
	});

	it('has no character for a rate outside the table', () => {
		expect(modeCBaudCharacter(115_200)).toBeUndefined();
		expect(modeCBaudCharacter(9601)).toBeUndefined();
	});
});

describe('modeBBaudCharacter', () => {
	it.each(MODE_B_TABLE)('encodes %j for %i Bd', (char, baudRate) => {
		expect(modeBBaudCharacter(baudRate)).toBe(char);
	});

	it('has no character for 300 Bd, which mode B never switches to', () => {
		expect(modeBBaudCharacter(300)).toBeUndefined();
	});
});

describe('MODE_C_BAUD_RATES', () => {
	it('lists the seven mode C rates in ascending order', () => {
		expect(MODE_C_BAUD_RATES).toEqual([300, 600, 1200, 2400, 4800, 9600, 19_200]);
	});
});
