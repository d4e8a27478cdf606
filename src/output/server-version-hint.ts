import type {InfluxTarget} from './influx-target.ts';

/**
 * The server's version as its `/ping` says in the `X-Influxdb-Version` header (1.x: `1.6.7`, 2.x:
 * `v2.7.11` or `2.7.11`, 3.x: `3.0.1`); undefined when the server does not say (VictoriaMetrics, a
 * proxy) or does not answer within `timeoutMs`. Never throws.
 */
export async function probeServerVersion(url: string, timeoutMs = 2000): Promise<string | undefined> {
	try {
		const base = new URL(url);
		// A path in the url is a proxy prefix, as for the writes.
		base.pathname = `${base.pathname.replace(/\/$/, '')}/ping`;
		base.username = '';
		base.password = '';
		const response = await fetch(base, {signal: AbortSignal.timeout(timeoutMs)});
		await response.body?.cancel();
		const version = response.headers.get('x-influxdb-version')?.trim();
		return version === undefined || version === '' ? undefined : version;
	} catch {
		return undefined;
	}
}

/**
 * What to say after a 404 to a write: with the server's version known, whether the configured
 * `influxdb.version` fits that server, else whether the bucket or database exists. Starts with a space,
 * in parentheses, for appending to the error message.
 */
export function notFoundHint(target: InfluxTarget, serverVersion: string | undefined): string {
	const missing =
		target.kind === 'v2'
			? ` (does bucket "${target.bucket}"${target.org === '' ? '' : ` in org "${target.org}"`} exist?)`
			: ` (does database "${target.database}" exist? CREATE DATABASE "${target.database}" makes it)`;
	const match = /^v?(\d+)\.(\d+)/.exec(serverVersion ?? '');
	if (match === null) return missing;
	const major = Number(match[1]);
	const minor = Number(match[2]);
	const server = `the server is InfluxDB ${serverVersion}`;
	if (major === 1) {
		const fits = minor >= 8 ? '1.8' : '1';
		if (target.kind === 'v2' || (target.kind === 'v1-compat' && fits === '1')) {
			return ` (${server}: set influxdb.version to "${fits}" and name the database in influxdb.database)`;
		}
		return missing;
	}
	if (target.kind !== 'v2') {
		return ` (${server}: set influxdb.version to "2" with org, bucket and token, or map the database to a bucket with "influx v1 dbrp create")`;
	}
	return missing;
}
