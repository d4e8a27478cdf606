import {describe, expect, it} from 'vitest';
import {shellWord} from '../../../src/cli/shell-word.ts';

describe('shellWord', () => {
	it('leaves a plain word, path or option value as it is', () => {
		expect(shellWord('data/raw')).toBe('data/raw');
		expect(shellWord('/var/lib/dlms-logger/raw')).toBe('/var/lib/dlms-logger/raw');
		expect(shellWord('Europe/Berlin')).toBe('Europe/Berlin');
		expect(shellWord('2025-01-01T00:00:00Z')).toBe('2025-01-01T00:00:00Z');
	});

	it('quotes what a shell would split or expand', () => {
		expect(shellWord('my capture.bin')).toBe("'my capture.bin'");
		expect(shellWord('raw-*.jsonl.gz')).toBe("'raw-*.jsonl.gz'");
		expect(shellWord('$HOME')).toBe("'$HOME'");
		expect(shellWord('')).toBe("''");
	});

	it("writes a ' inside quotes as '\\''", () => {
		expect(shellWord("meter's")).toBe(`'meter'\\''s'`);
	});
});
