import {describe, expect, it} from 'vitest';
import {formatPrettyLogLine} from '../../../src/observability/pretty-log-line.ts';

// The clock time is the host's local time; a local date makes the expected text zone-independent.
const at = new Date(2026, 2, 10, 13, 45, 0, 123).getTime();

describe('formatPrettyLogLine', () => {
	it('writes time, level and message, then the fields as key=value', () => {
		const json = JSON.stringify({
			level: 'warn',
			time: at,
			msg: 'readout failed',
			meter: 'house',
			failure: 'no-answer',
		});
		expect(formatPrettyLogLine(json)).toBe(
			'13:45:00.123 WARN  readout failed meter=house failure=no-answer\n',
		);
	});

	it('pads the level to five characters so messages line up', () => {
		const info = formatPrettyLogLine(JSON.stringify({level: 'info', time: at, msg: 'a'}));
		const error = formatPrettyLogLine(JSON.stringify({level: 'error', time: at, msg: 'a'}));
		expect(info).toBe('13:45:00.123 INFO  a\n');
		expect(error).toBe('13:45:00.123 ERROR a\n');
	});

	it('reads an ISO time string', () => {
		const iso = new Date(at).toISOString();
		expect(formatPrettyLogLine(JSON.stringify({level: 'info', time: iso, msg: 'm'}))).toMatch(
			/^13:45:00\.123 /,
		);
	});

	it('shows dashes for a missing time', () => {
		expect(formatPrettyLogLine(JSON.stringify({level: 'info', msg: 'm'}))).toBe('--:--:--.--- INFO  m\n');
	});

	it('JSON-quotes a field value with spaces, quotes or equals signs', () => {
		const line = formatPrettyLogLine(
			JSON.stringify({level: 'info', time: at, msg: 'm', port: 'COM 3', note: 'a=b', quote: 'say "x"'}),
		);
		expect(line).toBe('13:45:00.123 INFO  m port="COM 3" note="a=b" quote="say \\"x\\""\n');
	});

	it('quotes an empty string value', () => {
		expect(formatPrettyLogLine(JSON.stringify({level: 'info', time: at, msg: 'm', meter: ''}))).toBe(
			'13:45:00.123 INFO  m meter=""\n',
		);
	});

	it('leaves paths, URLs and addresses bare', () => {
		const line = formatPrettyLogLine(
			JSON.stringify({level: 'info', time: at, msg: 'm', port: '/dev/ttyUSB0', url: 'tcp://10.0.0.5:8888'}),
		);
		expect(line).toBe('13:45:00.123 INFO  m port=/dev/ttyUSB0 url=tcp://10.0.0.5:8888\n');
	});

	it('writes numbers, booleans and objects as JSON', () => {
		const line = formatPrettyLogLine(
			JSON.stringify({level: 'info', time: at, msg: 'm', bytes: 512, ok: false, plan: {mode: 'C'}}),
		);
		expect(line).toBe('13:45:00.123 INFO  m bytes=512 ok=false plan={"mode":"C"}\n');
	});

	it("follows the line with the error's stack, indented", () => {
		const json = JSON.stringify({
			level: 'error',
			time: at,
			msg: 'write failed',
			err: {message: 'boom', stack: 'Error: boom\n    at write (x.ts:1:1)'},
		});
		expect(formatPrettyLogLine(json)).toBe(
			'13:45:00.123 ERROR write failed\n    Error: boom\n        at write (x.ts:1:1)\n',
		);
	});

	it("uses the error's message when it has no stack", () => {
		const json = JSON.stringify({level: 'error', time: at, msg: 'm', err: {message: 'boom'}});
		expect(formatPrettyLogLine(json)).toBe('13:45:00.123 ERROR m\n    boom\n');
	});

	it('passes a line that is not JSON through, ending it with a newline', () => {
		expect(formatPrettyLogLine('not json')).toBe('not json\n');
	});

	it('does not add a second newline to a raw line that has one', () => {
		expect(formatPrettyLogLine('not json\n')).toBe('not json\n');
	});

	it('shows an entry whose err is null without an error part', () => {
		expect(formatPrettyLogLine(JSON.stringify({level: 'info', time: at, msg: 'm', err: null}))).toBe(
			'13:45:00.123 INFO  m\n',
		);
	});
});
