/**
 * Where the InfluxDB writer sends lines. One code path for every server generation:
 * - `v2`: InfluxDB 2.x and 3.x (and VictoriaMetrics): `/api/v2/write`, org, bucket, token;
 * - `v1-compat`: InfluxDB 1.8+ through the same endpoint: bucket `database/retention-policy`, token
 *   `username:password`;
 * - `v1`: InfluxDB before 1.8 (Debian's 1.6.7): the legacy `/write?db=…` path, credentials as `u`/`p`.
 * Precision is always seconds: meters print at most seconds, and 1.x takes `us` for ns silently.
 */
export type InfluxTarget =
	| {
			readonly kind: 'v2';
			readonly url: string;
			readonly org: string;
			readonly bucket: string;
			readonly token: string;
	  }
	| {
			readonly kind: 'v1-compat' | 'v1';
			readonly url: string;
			readonly database: string;
			/** Default: the database's default retention policy. */
			readonly retentionPolicy?: string;
			readonly username?: string;
			readonly password?: string;
	  };

/** `http://host:8086 (bucket meters)` for messages, without credentials (not even any in the url). */
export function describeTarget(target: InfluxTarget): string {
	const where = target.kind === 'v2' ? `bucket ${target.bucket}` : `database ${target.database}`;
	// The config accepts `http://user:password@host`; messages end up in logs, so the userinfo is cut.
	return `${target.url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1')} (${where})`;
}

/** The request path and query the legacy 1.x endpoint needs, seconds precision. */
export function legacyWritePath(target: Extract<InfluxTarget, {kind: 'v1-compat' | 'v1'}>): string {
	const query = new URLSearchParams({db: target.database, precision: 's'});
	if (target.retentionPolicy) query.set('rp', target.retentionPolicy);
	if (target.username !== undefined) query.set('u', target.username);
	if (target.password !== undefined) query.set('p', target.password);
	return `/write?${query.toString()}`;
}
