import {describe, expect, it} from 'vitest';
import {deadLetterReasonKey} from '../../../src/output/dead-letter-reason.ts';

describe('deadLetterReasonKey', () => {
	it('takes refusals of different lines for one cause as one reason', () => {
		const a = deadLetterReasonKey(
			`http://x (database m): HTTP 400: {"error":"unable to parse 'meter,obis=1.8.0 value=x 1': invalid number"}`,
		);
		const b = deadLetterReasonKey(
			`http://x (database m): HTTP 400: {"error":"unable to parse 'meter,obis=2.8.0 value=y 2': invalid number"}`,
		);
		expect(a).toBe(b);
		expect(a).toBe('http://x (database m): HTTP 400: {"error":"unable to parse a line: invalid number"}');
	});

	it('leaves out the dropped count of a partial write', () => {
		const message = (dropped: number) =>
			`http://x: HTTP 400: {"error":"partial write: field type conflict: input field \\"value\\" on measurement \\"meter\\" is type float, already exists as type string dropped=${dropped}"}`;
		expect(deadLetterReasonKey(message(1))).toBe(deadLetterReasonKey(message(18)));
		expect(deadLetterReasonKey(message(1))).toContain('field type conflict');
	});

	it('keeps different causes apart', () => {
		expect(deadLetterReasonKey('HTTP 400: invalid number')).not.toBe(
			deadLetterReasonKey('HTTP 400: bad timestamp'),
		);
	});
});
