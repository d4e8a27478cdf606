import {describe, expect, it} from 'vitest';
import {parseFault, SIMULATOR_FAULTS, validateFault} from '../../../src/simulator/simulator-fault.ts';

describe('parseFault', () => {
	it.each([
		['bad-bcc', {kind: 'bad-bcc'}],
		['bad-bcc=0x41', {kind: 'bad-bcc', bcc: 0x41}],
		['truncate=200', {kind: 'truncate', afterBytes: 200}],
		['silence', {kind: 'silence'}],
		['slow-bytes', {kind: 'slow-bytes', delayMs: 50}],
		['slow-bytes=300', {kind: 'slow-bytes', delayMs: 300}],
		['echo', {kind: 'echo'}],
		['wrong-rate', {kind: 'wrong-rate', answer: 'initial-rate'}],
		['wrong-rate=announced-rate', {kind: 'wrong-rate', answer: 'announced-rate'}],
		['noise-prefix=3', {kind: 'noise-prefix', bytes: 3}],
		['hang-up', {kind: 'hang-up'}],
		['noise-burst', {kind: 'noise-burst'}],
		['noise-burst=12', {kind: 'noise-burst', bytes: 12}],
	])('reads %s', (text, fault) => {
		expect(parseFault(text)).toEqual(fault);
	});

	it('rejects unknown faults and bad values with a TypeError that names them', () => {
		expect(() => parseFault('gremlins')).toThrow(/unknown fault "gremlins"; known: bad-bcc/);
		expect(() => parseFault('bad-bcc=300')).toThrow(TypeError);
		expect(() => parseFault('truncate=-1')).toThrow(/truncate.*"-1"/);
		expect(() => parseFault('echo=1')).toThrow(/echo takes no value/);
		expect(() => parseFault('wrong-rate=fast')).toThrow(/initial-rate, announced-rate or other-rate/);
	});

	it('documents every fault', () => {
		expect(SIMULATOR_FAULTS.map((fault) => fault.kind)).toEqual([
			'bad-bcc',
			'truncate',
			'silence',
			'slow-bytes',
			'echo',
			'wrong-rate',
			'noise-prefix',
			'hang-up',
			'noise-burst',
		]);
	});
});

describe('validateFault', () => {
	it('accepts good faults and names the field of a bad one', () => {
		expect(validateFault({kind: 'truncate', afterBytes: 10, times: 2})).toEqual({
			kind: 'truncate',
			afterBytes: 10,
			times: 2,
		});
		expect(() => validateFault({kind: 'echo', times: 0})).toThrow(/echo\.times/);
		expect(() => validateFault({kind: 'bad-bcc', bcc: 256})).toThrow(/bad-bcc\.bcc/);
		expect(() => validateFault({kind: 'noise-burst', bytes: 0})).toThrow(/noise-burst\.bytes/);
	});
});
