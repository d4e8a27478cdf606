/** What replaces a secret in a log entry. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values never reach a log: credentials by name (`token`, `influxToken`, `password`,
 * `secret`, `authorization`) and `*_file` settings, because the configuration resolves a `*_FILE`
 * secret into its contents and a log of the resolved settings would print them.
 */
const SECRET_KEY = /(?:token|password|passphrase|secret|authorization)$|_file$/i;

// Log fields are shallow in practice; the bound keeps a pathological object from stalling a log call.
const MAX_DEPTH = 6;

/** True when a field of this name must not be logged. */
export function isSecretKey(key: string): boolean {
	return SECRET_KEY.test(key);
}

/**
 * A copy of `fields` with secret values replaced by REDACTED, at any depth in plain objects and
 * arrays. Returns the same object when nothing needed replacing (the common case costs no copy).
 * Errors, Dates and Buffers are left to the serialisers.
 */
export function redactSecrets<T extends object>(fields: T): T {
	return redact(fields, 0, new WeakSet()) as T;
}

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
	if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return value;
	if (Array.isArray(value)) {
		seen.add(value);
		let copy: unknown[] | undefined;
		value.forEach((item, index) => {
			const redacted = redact(item, depth + 1, seen);
			if (redacted !== item) {
				copy ??= [...value];
				copy[index] = redacted;
			}
		});
		return copy ?? value;
	}
	if (!isPlainObject(value)) return value;
	seen.add(value);
	let copy: Record<string, unknown> | undefined;
	for (const [key, item] of Object.entries(value)) {
		const redacted = isSecretKey(key) && item !== undefined ? REDACTED : redact(item, depth + 1, seen);
		if (redacted !== item) {
			copy ??= {...value};
			copy[key] = redacted;
		}
	}
	return copy ?? value;
}

function isPlainObject(value: object): value is Record<string, unknown> {
	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
}
