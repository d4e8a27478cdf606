import {describe, expect, it} from 'vitest';
import {isSecretKey, REDACTED, redactSecrets} from '../../../src/observability/secret-redaction.ts';

describe('isSecretKey', () => {
	it.each(['token', 'influxToken', 'password', 'passphrase', 'secret', 'authorization', 'Authorization'])(
		'treats %s as a secret',
		(key) => {
			expect(isSecretKey(key)).toBe(true);
		},
	);

	it.each(['token_file', 'password_file', 'TOKEN_FILE'])(
		'treats the *_file setting %s as a secret',
		(key) => {
			expect(isSecretKey(key)).toBe(true);
		},
	);

	it.each(['meter', 'url', 'tokens', 'username', 'profile'])('lets %s through', (key) => {
		expect(isSecretKey(key)).toBe(false);
	});
});

describe('redactSecrets', () => {
	it('replaces the value of a secret key', () => {
		expect(redactSecrets({url: 'http://influx:8086', token: 'abc'})).toEqual({
			url: 'http://influx:8086',
			token: REDACTED,
		});
	});

	it('says [redacted] in place of the secret', () => {
		expect(REDACTED).toBe('[redacted]');
	});

	it('replaces secrets in nested objects', () => {
		const fields = {config: {influxdb: {bucket: 'meters', password: 'hunter2'}}};
		expect(redactSecrets(fields)).toEqual({config: {influxdb: {bucket: 'meters', password: REDACTED}}});
	});

	it('replaces secrets inside arrays', () => {
		const fields = {targets: [{url: 'a'}, {url: 'b', token: 't'}]};
		expect(redactSecrets(fields)).toEqual({targets: [{url: 'a'}, {url: 'b', token: REDACTED}]});
	});

	it('replaces a secret whatever its value is, objects included', () => {
		expect(redactSecrets({secret: {key: 'k'}})).toEqual({secret: REDACTED});
	});

	it('leaves an undefined secret undefined', () => {
		expect(redactSecrets({token: undefined, meter: 'house'})).toEqual({token: undefined, meter: 'house'});
	});

	it('returns the same object when nothing needed replacing', () => {
		const fields = {meter: 'house', nested: {values: [1, 2]}};
		expect(redactSecrets(fields)).toBe(fields);
	});

	it('keeps untouched branches as the same objects', () => {
		const untouched = {meter: 'house'};
		const redacted = redactSecrets({untouched, token: 'x'});
		expect(redacted.untouched).toBe(untouched);
	});

	it('does not change the object it was given', () => {
		const fields = {influxdb: {token: 'abc'}};
		redactSecrets(fields);
		expect(fields.influxdb.token).toBe('abc');
	});

	it('leaves errors, dates and buffers to the serialisers', () => {
		const error = Object.assign(new Error('boom'), {token: 'abc'});
		const fields = {err: error, at: new Date(0), raw: Buffer.from('x')};
		const redacted = redactSecrets(fields);
		expect(redacted).toBe(fields);
		expect(redacted.err.token).toBe('abc');
	});

	it('handles an object that contains itself', () => {
		const fields: Record<string, unknown> = {token: 'abc'};
		fields['self'] = fields;
		const redacted = redactSecrets(fields);
		expect(redacted['token']).toBe(REDACTED);
	});

	it('redacts objects without a prototype', () => {
		const fields = Object.assign(Object.create(null) as Record<string, unknown>, {password: 'p'});
		expect(redactSecrets(fields)['password']).toBe(REDACTED);
	});

	it('stops looking below a bounded depth', () => {
		let deep: Record<string, unknown> = {token: 'deep'};
		for (let level = 0; level < 20; level++) deep = {next: deep};
		expect(redactSecrets(deep)).toBe(deep);
	});
});
