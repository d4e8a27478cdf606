import {describe, expect, it} from 'vitest';
import {describeTarget, legacyWritePath} from '../../../src/output/influx-target.ts';

/** The query of a path as a plain object, so the tests do not depend on the parameter order. */
function queryOf(path: string): Record<string, string> {
	const url = new URL(path, 'http://influx.invalid');
	return Object.fromEntries(url.searchParams);
}

describe('describeTarget', () => {
	it('names the url and the bucket of a v2 target', () => {
		const target = {
			kind: 'v2',
			url: 'http://nas:8086',
			org: 'home',
			bucket: 'meters',
			token: 't0ken',
		} as const;
		expect(describeTarget(target)).toBe('http://nas:8086 (bucket meters)');
	});

	it('names the url and the database of a 1.x target', () => {
		expect(describeTarget({kind: 'v1', url: 'http://nas:8086', database: 'meters'})).toBe(
			'http://nas:8086 (database meters)',
		);
	});

	it('leaves the token, username and password out', () => {
		const v2 = describeTarget({kind: 'v2', url: 'http://nas:8086', org: 'o', bucket: 'b', token: 's3cret'});
		const v1 = describeTarget({
			kind: 'v1-compat',
			url: 'http://nas:8086',
			database: 'meters',
			username: 'logger',
			password: 's3cret',
		});
		expect(`${v2} ${v1}`).not.toMatch(/s3cret|logger/);
	});

	it('leaves credentials written into the url out', () => {
		const text = describeTarget({
			kind: 'v1',
			url: 'http://logger:s3cret@nas:8086/influx',
			database: 'meters',
		});
		expect(text).toBe('http://nas:8086/influx (database meters)');
	});
});

describe('legacyWritePath', () => {
	it('writes to /write with the database and seconds precision', () => {
		const path = legacyWritePath({kind: 'v1', url: 'http://nas:8086', database: 'meters'});
		expect(path.startsWith('/write?')).toBe(true);
		expect(queryOf(path)).toEqual({db: 'meters', precision: 's'});
	});

	it('adds the retention policy as rp', () => {
		const path = legacyWritePath({
			kind: 'v1',
			url: 'http://nas:8086',
			database: 'meters',
			retentionPolicy: 'forever',
		});
		expect(queryOf(path)).toEqual({db: 'meters', rp: 'forever', precision: 's'});
	});

	it('leaves rp out for an empty retention policy (the database default)', () => {
		const path = legacyWritePath({
			kind: 'v1',
			url: 'http://nas:8086',
			database: 'meters',
			retentionPolicy: '',
		});
		expect(queryOf(path)).not.toHaveProperty('rp');
	});

	it('passes username and password as u and p', () => {
		const path = legacyWritePath({
			kind: 'v1',
			url: 'http://nas:8086',
			database: 'meters',
			username: 'logger',
			password: 'secret',
		});
		expect(queryOf(path)).toEqual({db: 'meters', precision: 's', u: 'logger', p: 'secret'});
	});

	it('escapes characters that would end or split a query parameter', () => {
		const path = legacyWritePath({
			kind: 'v1',
			url: 'http://nas:8086',
			database: 'my meters',
			retentionPolicy: 'a&b',
			username: 'logger',
			password: 'p@ss=&#word +',
		});
		expect(path).not.toMatch(/[ #]|&b|=&/);
		expect(queryOf(path)).toEqual({
			db: 'my meters',
			rp: 'a&b',
			precision: 's',
			u: 'logger',
			p: 'p@ss=&#word +',
		});
	});

	it('keeps an empty password, which differs from none', () => {
		const path = legacyWritePath({
			kind: 'v1',
			url: 'http://nas:8086',
			database: 'm',
			username: 'u',
			password: '',
		});
		expect(queryOf(path)).toEqual({db: 'm', precision: 's', u: 'u', p: ''});
	});
});
