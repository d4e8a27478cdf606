import {describe, expect, it} from 'vitest';
import {createLogger, type LoggerOptions, silentLogger} from '../../../src/observability/logger.ts';
import {formatPrettyLogLine} from '../../../src/observability/pretty-log-line.ts';
import {REDACTED, redactSecrets} from '../../../src/observability/secret-redaction.ts';

/** A written entry: the keys pino always writes, and whatever fields were logged. */
interface LogEntry {
	readonly level: string;
	readonly time: string;
	readonly msg: string;
	readonly err?: {
		readonly type: string;
		readonly message: string;
		readonly stack: string;
		readonly cause?: unknown;
	};
	readonly [field: string]: unknown;
}

function recording(options: Omit<LoggerOptions, 'destination'> = {}) {
	const lines: string[] = [];
	const logger = createLogger({...options, destination: {write: (line: string) => lines.push(line)}});
	const entries = () => lines.map((line) => JSON.parse(line) as LogEntry);
	return {logger, lines, entries};
}

describe('createLogger', () => {
	it('writes one JSON line per entry with level label, ISO time, message and fields', () => {
		const {logger, lines, entries} = recording();
		logger.info('readout ok', {meter: 'house', points: 12});
		expect(lines).toHaveLength(1);
		expect(lines[0]?.endsWith('\n')).toBe(true);
		const [entry] = entries();
		expect(entry).toMatchObject({level: 'info', msg: 'readout ok', meter: 'house', points: 12});
		expect(entry?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(entry).not.toHaveProperty('pid');
		expect(entry).not.toHaveProperty('hostname');
	});

	it('writes nothing below the configured level', () => {
		const {logger, entries} = recording({level: 'warn'});
		logger.debug('d');
		logger.info('i');
		logger.warn('w');
		logger.error('e');
		expect(entries().map((entry) => entry.level)).toEqual(['warn', 'error']);
	});

	it('defaults to info', () => {
		const {logger, entries} = recording();
		logger.debug('d');
		logger.info('i');
		expect(entries().map((entry) => entry.msg)).toEqual(['i']);
	});

	it('writes nothing at all when silent', () => {
		const {logger, lines} = recording({level: 'silent'});
		logger.error('e');
		expect(lines).toEqual([]);
	});

	it('does not build lazy debug messages or fields while debug is off', () => {
		const {logger, lines} = recording({level: 'info'});
		let built = 0;
		logger.debug(
			() => {
				built++;
				return 'expensive';
			},
			() => {
				built++;
				return {frame: 'x'};
			},
		);
		expect(built).toBe(0);
		expect(lines).toEqual([]);
	});

	it('builds lazy debug messages and fields when debug is on', () => {
		const {logger, entries} = recording({level: 'debug'});
		logger.debug(
			() => 'frame received',
			() => ({bytes: 42}),
		);
		expect(entries()).toEqual([expect.objectContaining({level: 'debug', msg: 'frame received', bytes: 42})]);
	});

	it('redacts token, password and *_file fields, at any depth', () => {
		const {logger, lines, entries} = recording();
		logger.info('config loaded', {
			influx: {url: 'http://db:8086', token: 'tok-123', password: 'pw-456', token_file: 'tok-from-file'},
			meters: [{id: 'house', password: 'p1'}],
			influxToken: 'tok-789',
		});
		expect(lines.join('')).not.toMatch(/tok-|pw-|p1/);
		expect(entries()[0]).toMatchObject({
			influx: {url: 'http://db:8086', token: REDACTED, password: REDACTED, token_file: REDACTED},
			meters: [{id: 'house', password: REDACTED}],
			influxToken: REDACTED,
		});
	});

	it('redacts secrets in child bindings too', () => {
		const {logger, lines} = recording();
		logger.child({meter: 'house', password: 'secret-1'}).info('x');
		expect(lines[0]).not.toContain('secret-1');
		expect(lines[0]).toContain(REDACTED);
	});

	it('adds child bindings to every entry of the child, and nests children', () => {
		const {logger, entries} = recording();
		const meter = logger.child({meter: 'house'});
		meter.info('one');
		meter.child({phase: 'data'}).warn('two', {bytes: 3});
		logger.info('three');
		expect(entries()).toEqual([
			expect.objectContaining({msg: 'one', meter: 'house'}),
			expect.objectContaining({msg: 'two', meter: 'house', phase: 'data', bytes: 3}),
			expect.not.objectContaining({meter: 'house'}),
		]);
	});

	it('writes an error under err with its message, stack and cause', () => {
		const {logger, entries} = recording();
		logger.error('readout failed', {err: new Error('outer', {cause: new Error('inner')})});
		const err = entries()[0]?.err;
		expect(err).toMatchObject({type: 'Error', message: 'outer', cause: {message: 'inner'}});
		expect(String(err?.stack)).toContain('Error: outer');
	});

	it('writes readable lines when pretty', () => {
		const {logger, lines} = recording({pretty: true});
		logger.child({meter: 'house'}).warn('readout failed', {failure: 'no-answer', detail: 'two words'});
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(
			/^\d\d:\d\d:\d\d\.\d{3} WARN {2}readout failed meter=house failure=no-answer detail="two words"\n$/,
		);
	});

	it('rejects a bad level or pretty flag with a TypeError naming the option', () => {
		expect(() => createLogger({level: 'verbose' as never})).toThrow(/level must be one of .*"verbose"/);
		expect(() => createLogger({pretty: 'yes' as never})).toThrow(/pretty must be a boolean/);
		expect(() => createLogger({destination: {} as never})).toThrow(TypeError);
	});
});

describe('silentLogger', () => {
	it('accepts every call and returns itself as child', () => {
		silentLogger.debug(() => {
			throw new Error('never built');
		});
		silentLogger.info('x', {token: 'y'});
		expect(silentLogger.child({meter: 'house'})).toBe(silentLogger);
	});
});

describe('redactSecrets', () => {
	it('returns the same object when nothing is secret', () => {
		const fields = {meter: 'house', nested: {a: [1, 2]}};
		expect(redactSecrets(fields)).toBe(fields);
	});

	it('leaves errors and cycles alone', () => {
		const error = new Error('x');
		const cyclic: {token: string; self?: unknown} = {token: 't'};
		cyclic.self = cyclic;
		const redacted = redactSecrets({err: error, cyclic});
		expect(redacted.err).toBe(error);
		expect((redacted.cyclic as {token?: unknown}).token).toBe(REDACTED);
	});
});

describe('formatPrettyLogLine', () => {
	it('appends the error stack indented', () => {
		const line = formatPrettyLogLine(
			JSON.stringify({
				level: 'error',
				time: '2024-05-04T13:45:00.000Z',
				msg: 'boom',
				err: {stack: 'Error: x\n    at y'},
			}),
		);
		expect(line).toMatch(/ ERROR boom\n {4}Error: x\n {8}at y\n$/);
	});

	it('passes a line that is not JSON through', () => {
		expect(formatPrettyLogLine('plain text')).toBe('plain text\n');
	});
});
