import {IANAZone} from 'luxon';
import {z} from 'zod';
import {deviceAddressProblem} from '../iec62056/request-message.ts';
import {ObisSelection} from '../readings/obis-selection.ts';
import {isPlaceholderPort, PLACEHOLDER_PORT_ADVICE} from '../transport/port-name-hint.ts';
import {cronProblem} from './cron-problem.ts';
import {parseDuration, parseSize} from './duration.ts';
import {describeValue} from './issue-wording.ts';
import {STANDARD_BAUD_RATES} from './standard-baud-rates.ts';

// `unknown` rather than a union of string and number: a value of another type (a list, a boolean)
// gets the same message as a malformed text, instead of zod's "invalid input".
const duration = () =>
	z.unknown().transform((value, context) => {
		const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
		if (ms === undefined) {
			context.addIssue({
				code: 'custom',
				message: `expected a duration such as 10s, 5m or 500ms, got ${describeValue(value)}`,
			});
			return z.NEVER;
		}
		return ms;
	});

/** The spool's smallest bound (LineSpool refuses less). */
export const MIN_SPOOL_SIZE_BYTES = 1024;

const size = z.unknown().transform((value, context) => {
	const bytes = typeof value === 'string' || typeof value === 'number' ? parseSize(value) : undefined;
	if (bytes === undefined) {
		context.addIssue({
			code: 'custom',
			message: `expected a size such as 100MB or 512KiB, got ${describeValue(value)}`,
		});
		return z.NEVER;
	}
	if (bytes < MIN_SPOOL_SIZE_BYTES) {
		context.addIssue({
			code: 'custom',
			message: `must be at least 1KiB (${MIN_SPOOL_SIZE_BYTES} bytes), got ${describeValue(value)}; a number without a unit is bytes: write 100MB for 100 megabytes`,
		});
		return z.NEVER;
	}
	return bytes;
});

const timeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), {
	error: (issue) => `expected an IANA time zone such as Europe/Berlin, got ${describeValue(issue.input)}`,
});

const cronPattern = z.string().superRefine((pattern, context) => {
	const problem = cronProblem(pattern);
	if (problem !== undefined) context.addIssue({code: 'custom', message: problem});
});

const selectionEntry = z
	.union(
		[
			z.string().transform((code) => ({code})),
			z.strictObject({code: z.string(), name: z.string().min(1).optional()}),
		],
		{
			error: (issue) =>
				`expected an OBIS code such as 1.8.1, or code: and name:, got ${describeValue(issue.input)}` +
				// The plugin's short codes (`1.8`) are numbers to YAML when unquoted; the loader puts the
				// value back as written (`1.10`, not 1.1).
				(typeof issue.input === 'number' ? ` (write it in quotes: "${issue.input}")` : ''),
		},
	)
	// Checked per entry, not over the array: zod stops an array's own checks at the first bad entry,
	// and check-config reports every problem at once.
	.superRefine((entry, context) => {
		try {
			new ObisSelection([entry]);
		} catch (error) {
			context.addIssue({code: 'custom', message: (error as Error).message});
		}
	});

const selection = z.array(selectionEntry);

const meter = z
	.strictObject({
		/** The `meter` tag; default: the serial number the meter reports. */
		id: z
			.string()
			.min(1)
			.regex(/^[^\n]+$/, 'must be one line'),
		/** `/dev/ttyUSB0`, `/dev/serial/by-id/…`, `tcp://host:port`, or `simulator:<profile>` (the built-in meter). */
		port: z
			.string()
			.min(1)
			.refine((port) => !isPlaceholderPort(port), {message: PLACEHOLDER_PORT_ADVICE}),
		// `mode: c` means C: the letters are upper case in the standard, not in everyone's config.
		mode: z
			.preprocess(
				(value) =>
					typeof value === 'string' ? (/^auto$/i.test(value) ? 'auto' : value.toUpperCase()) : value,
				z.enum(['auto', 'A', 'B', 'C', 'D']),
			)
			.default('auto'),
		/** Sent in the sign-on `/?address!`: up to 32 of 0-9, A-Z, a-z and space (IEC 62056-21). */
		address: z
			.string()
			.superRefine((address, context) => {
				const problem = deviceAddressProblem(address);
				if (problem !== undefined) {
					context.addIssue({code: 'custom', message: `${problem}, got ${describeValue(address)}`});
				}
			})
			.optional(),
		/**
		 * The sign-on messages of one readout, in order: `["?"]` (default); `["?", "#"]` also asks a
		 * Siemens 2WR5 for its further data. Each is a conversation of its own; their data sets are combined.
		 */
		sign_on: z
			.array(z.string().regex(/^[^/!\r\n]$/, 'expected one character such as "?" or "#"'))
			.min(1)
			.default(['?']),
		/** The highest data rate to ask for in mode C, Bd: one of IEC 62056-21's rates (300 to 19200). */
		baud_max: z
			.number({
				// A rate in quotes keeps the general wording, which says to write it without them.
				error: (issue) =>
					typeof issue.input === 'string' && /^\d+$/.test(issue.input)
						? undefined
						: `expected one of the rates of IEC 62056-21: ${STANDARD_BAUD_RATES.join(', ')} (Bd), got ${describeValue(issue.input)}`,
			})
			.refine((rate) => (STANDARD_BAUD_RATES as readonly number[]).includes(rate), {
				error: (issue) =>
					`expected one of the rates of IEC 62056-21: ${STANDARD_BAUD_RATES.join(', ')} (Bd), got ${describeValue(issue.input)}`,
			})
			.optional(),
		timezone: timeZone.optional(),
		/** A cron expression, or `every: 60s`; default every 60 s (the smarthomeNG dlms plugin's update_cycle). */
		schedule: cronPattern.optional(),
		every: duration().optional(),
		select: selection.optional(),
		measurement: z.string().min(1).optional(),
		ignore_bcc: z.boolean().default(false),
		wake_up: z.boolean().default(false),
		push: z
			.strictObject({
				baud: z.number().int().min(300).default(9600),
				data_bits: z.literal([7, 8]).default(7),
			})
			.optional(),
		/**
		 * When the plan the meter announces (mode and rate) fails and a lower one works within the same
		 * readout: keep the lower one only after `learn_after` such readouts in a row, and try the
		 * announced one again every `retry_every` even then.
		 */
		fallback: z
			.strictObject({
				learn_after: z.number().int().min(1).default(3),
				retry_every: duration().default(3_600_000),
			})
			.prefault({}),
		/** The session's timeouts; defaults suit the standard. */
		timeouts: z
			.strictObject({
				identification: duration().optional(),
				data: duration().optional(),
				inter_character: duration().optional(),
				total: duration().optional(),
				/**
				 * Wait after the ACK's last stop bit before the rate switch. Default: one character at 300 Bd
				 * (33 ms), at most half the meter's reaction time (10 ms for 20 ms meters).
				 */
				switch_guard: duration().optional(),
				/** Extra wait on top of the guard before the rate switch (USB adapters that buffer more). */
				settle: duration().optional(),
			})
			.optional(),
	})
	.superRefine((value, context) => {
		if (value.schedule !== undefined && value.every !== undefined) {
			context.addIssue({code: 'custom', path: ['every'], message: 'give either schedule or every, not both'});
		}
		if (value.every !== undefined && value.every < 1000) {
			context.addIssue({code: 'custom', path: ['every'], message: 'must be at least 1s'});
		}
	});

/** What each version writes with (src/daemon/influx-target-from-config.ts); the other version's keys are refused, not ignored. */
const VERSION_2_KEYS = ['org', 'bucket', 'token', 'token_env', 'token_file'] as const;
const VERSION_1_KEYS = [
	'database',
	'retention_policy',
	'username',
	'password',
	'password_env',
	'password_file',
] as const;

// The url may carry `user:password@`: messages about it never quote it.
const serverUrl = z
	.url({
		protocol: /^https?$/,
		// `localhost:8086` (the address as InfluxDB prints it) is read as a URL of scheme "localhost:".
		error: (issue) =>
			typeof issue.input === 'string' && /^[\w.-]+:\d+(\/.*)?$/.test(issue.input)
				? `expected an http:// or https:// URL: http://${issue.input}`
				: 'expected an http:// or https:// URL',
	})
	.superRefine((url, context) => {
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			return;
		}
		if (parsed.search !== '' || parsed.hash !== '') {
			context.addIssue({
				code: 'custom',
				message: "expected the server's address without ?… or #…, e.g. http://localhost:8086",
			});
		}
		const writePath = /\/(api\/v2\/write|api\/v2|write)\/?$/.exec(parsed.pathname);
		if (writePath !== null) {
			// The address to write instead, without any `user:password@`.
			const base = `${parsed.protocol}//${parsed.host}${parsed.pathname.slice(0, writePath.index)}`;
			context.addIssue({
				code: 'custom',
				message: `expected the server's address without ${writePath[0].replace(/\/$/, '')}: ${base} (the collector adds the write path itself)`,
			});
		}
	});

const influxdb = z
	.strictObject({
		/** The server's address; a path is kept as a prefix (a reverse proxy's `/influx`). */
		url: serverUrl,
		/** 2 (InfluxDB 2.x/3.x, VictoriaMetrics), 1.8 (1.8+ through /api/v2/write), 1 (before 1.8: /write). Default 2. */
		// `version: 2` (a YAML number) means the same as `version: "2"`.
		version: z
			.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.enum(['2', '1.8', '1']))
			.default('2'),
		org: z.string().min(1).optional(),
		bucket: z.string().min(1).optional(),
		database: z.string().min(1).optional(),
		retention_policy: z.string().min(1).optional(),
		username: z.string().min(1).optional(),
		// Secrets inline, through an environment variable, or in a file (Docker/systemd secrets).
		token: z.string().min(1).optional(),
		token_env: z.string().min(1).optional(),
		token_file: z.string().min(1).optional(),
		password: z.string().optional(),
		password_env: z.string().min(1).optional(),
		password_file: z.string().min(1).optional(),
		/** Per request, ms; default 10 s. The client reads 0 as "no timeout": a server that never answers would stall the spool. */
		timeout: duration()
			.refine((ms) => ms >= 1000, {message: 'must be at least 1s'})
			.default(10_000),
		batch_lines: z.number().int().min(1).default(5000),
	})
	.superRefine((value, context) => {
		const fields = value as Record<string, unknown>;
		const given = (key: string) => fields[key] !== undefined;
		for (const name of ['token', 'password'] as const) {
			const ways = [name, `${name}_env`, `${name}_file`].filter(given);
			if (ways.length > 1) {
				context.addIssue({
					code: 'custom',
					path: [ways[1] as string],
					message: `give only one of ${ways.join(', ')}`,
				});
			}
		}
		const version2 = value.version === '2';
		// A key of the other version means the version is wrong more often than the key: say so, and
		// leave "required" to after that is settled.
		const foreign = (version2 ? VERSION_1_KEYS : VERSION_2_KEYS).filter(given);
		for (const key of foreign) {
			context.addIssue({
				code: 'custom',
				path: [key],
				message: version2
					? 'not used by version 2, which writes to org and bucket with a token; for InfluxDB 1.x set version "1" (before 1.8) or version "1.8"'
					: `not used by version ${value.version}, which writes to database (and retention_policy) as username with password; for InfluxDB 2.x/3.x set version "2"`,
			});
		}
		if (foreign.length > 0) return;
		if (version2) {
			for (const key of ['org', 'bucket'] as const) {
				if (!given(key)) context.addIssue({code: 'custom', path: [key], message: 'required for version 2'});
			}
			if (!['token', 'token_env', 'token_file'].some(given)) {
				// At `token`, which names INFLUX_TOKEN for environment configurations; token_env and token_file
				// are in config.yaml.example right beside it.
				context.addIssue({
					code: 'custom',
					path: ['token'],
					message: 'required for version 2 (VictoriaMetrics ignores it: any value will do there)',
				});
			}
			return;
		}
		if (!given('database')) {
			context.addIssue({
				code: 'custom',
				path: ['database'],
				message: `required for version ${value.version}`,
			});
		}
		const password = ['password', 'password_env', 'password_file'].find(given);
		if (password !== undefined && !given('username')) {
			context.addIssue({
				code: 'custom',
				path: [password],
				message: 'needs username too: InfluxDB 1.x signs in with both',
			});
		}
	});

export const configSchema = z
	.strictObject({
		/** Default IANA zone of the meters' clocks. Default: the host's zone. */
		timezone: timeZone.optional(),
		measurement: z.string().min(1).default('meter'),
		/** Where points go; without it they are printed to stdout as line protocol. */
		influxdb: influxdb.optional(),
		spool: z
			.strictObject({
				directory: z.string().min(1).default('./data/spool'),
				max_size: size.default(100 * 1000 * 1000),
			})
			.prefault({}),
		/** Every raw telegram, kept in daily compressed files (so points can be re-derived later). */
		archive: z.strictObject({directory: z.string().min(1)}).optional(),
		health: z
			.strictObject({
				listen: z
					.string()
					.regex(/^[^:]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9464')
					// The pattern reports a missing port; this only the range.
					.refine((listen) => !/^[^:]+:\d{1,5}$/.test(listen) || Number(listen.split(':').at(-1)) <= 65_535, {
						message: 'port must be 0 to 65535',
					})
					.default('127.0.0.1:9464'),
				unhealthy_after_cycles: z.number().int().min(1).default(3),
			})
			.optional(),
		self_metrics: z
			.strictObject({
				measurement: z.string().min(1).default('dlms_logger'),
				every: duration().default(60_000),
				/**
				 * Tag `instance` on every self-metric point: one name per collector where several write to
				 * one database (docs/scaling.md). Default none.
				 */
				instance: z
					.string()
					.min(1)
					.regex(/^[^\n]+$/, 'must be one line')
					.optional(),
			})
			.prefault({}),
		log: z
			.strictObject({
				level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
				format: z.enum(['auto', 'json', 'pretty']).default('auto'),
			})
			.prefault({}),
		meters: z.array(meter).min(1, 'configure at least one meter'),
	})
	.superRefine((value, context) => {
		const seen = new Map<string, number>();
		for (const [index, entry] of value.meters.entries()) {
			const first = seen.get(entry.id);
			if (first !== undefined) {
				context.addIssue({
					code: 'custom',
					path: ['meters', index, 'id'],
					message: `duplicate id, also meters[${first}]`,
				});
			} else {
				seen.set(entry.id, index);
			}
		}
	});

/** The validated configuration, durations in ms and sizes in bytes. Derived from the schema, never written by hand. */
export type Config = z.output<typeof configSchema>;
export type MeterConfig = Config['meters'][number];
export type InfluxConfig = NonNullable<Config['influxdb']>;
