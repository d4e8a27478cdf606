import {describe, expect, it} from 'vitest';
import {isStandardIdentification, printableMeterText} from '../../../src/cli/meter-text.ts';
import {parseIdentification} from '../../../src/iec62056/identification.ts';

describe('printableMeterText', () => {
	it('escapes control characters as the messages about malformed data sets do', () => {
		expect(printableMeterText('uqO\t=yw\u0018O\u001b[')).toBe('uqO\\t=yw\\u0018O\\u001b[');
		expect(printableMeterText('a\r\nb')).toBe('a\\r\\nb');
	});

	it('escapes DEL and the C1 controls, and keeps Latin-1 letters and backslashes', () => {
		expect(printableMeterText('\u007f\u0085°C Zähler \\2')).toBe('\\u007f\\u0085°C Zähler \\2');
	});

	it('shows UTF-8 text read byte by byte as UTF-8, and Latin-1 that is not UTF-8 as it is', () => {
		const bytesOf = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
		expect(printableMeterText(bytesOf('Zähler 23 °C'))).toBe('Zähler 23 °C');
		expect(printableMeterText('Z\u00e4hler')).toBe('Zähler');
	});
});

describe('isStandardIdentification', () => {
	it('accepts the ids meters send, a lower-case third letter (20 ms meters) too', () => {
		expect(isStandardIdentification(parseIdentification('/LGZ52ZMD120APt.G03'))).toBe(true);
		expect(isStandardIdentification(parseIdentification('/ISk5MT174-0001'))).toBe(true);
		expect(isStandardIdentification(parseIdentification('/ELS5\\@V9.30 '))).toBe(true);
	});

	it('refuses a manufacturer that is no three letters, and control characters in the id', () => {
		expect(isStandardIdentification(parseIdentification('/uqO\t=ywO?['))).toBe(false);
		expect(isStandardIdentification(parseIdentification('/Lgz5abc'))).toBe(false);
		expect(isStandardIdentification(parseIdentification('/LGZ5ab\u0018c'))).toBe(false);
	});
});
