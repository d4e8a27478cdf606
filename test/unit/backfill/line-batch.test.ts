import {describe, expect, it} from 'vitest';
import {LineBatch} from '../../../src/backfill/line-batch.ts';

describe('LineBatch', () => {
	it('gathers lines as UTF-8 text, each ended by a newline, and counts them', () => {
		const batch = new LineBatch(16);
		batch.add('meter,obis=1.8.1 value=1 1');
		batch.add('meter,obis=C.1.0 text="Zähler €" 2');
		expect(batch.lines).toBe(2);
		expect(batch.text().toString('utf8')).toBe(
			'meter,obis=1.8.1 value=1 1\nmeter,obis=C.1.0 text="Zähler €" 2\n',
		);
		expect(batch.bytes).toBe(batch.text().length);
	});

	it('grows past its first size without losing what it holds, and starts afresh after clear()', () => {
		const batch = new LineBatch(8);
		const lines = Array.from({length: 1000}, (_, index) => `line ${index} ${'x'.repeat(index % 50)}`);
		for (const line of lines) batch.add(line);
		expect(batch.text().toString('utf8')).toBe(`${lines.join('\n')}\n`);
		batch.clear();
		expect([batch.lines, batch.bytes]).toEqual([0, 0]);
		batch.add('after');
		expect(batch.text().toString('utf8')).toBe('after\n');
	});
});
