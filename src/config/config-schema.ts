import {Cron} from 'croner';
import {IANAZone} from 'luxon';
import {z} from 'zod';
import {deviceAddressProblem} from '../iec62056/request-message.ts';
import {ObisSelection} from '../readings/obis-selection.ts';
import {parseDuration, parseSize} from './duration.ts';
import {describeValue} from './issue-wording.ts';

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

const cronPattern = z.string().refine(
	(pattern) => {
		try {
			new Cron(pattern, {paused: true}).stop();
			return true;
		} catch {
			return false;
		}
	},
	{message: 'expected a cron expression such as "*/1 * * * *" (5 fields) or "*/10 * * * * *" (with seconds)'},
);

const selectionEntry = z.union(
	[
		z.string().transform((code) => ({code})),
		z.strictObject({code: z.string(), name: z.string().min(1).optional()}),
	],
	{
		error: (issue) =>
			`expected an OBIS code such as 1.8.1, or code: and name:, got ${describeValue(issue.input)}`,
	},
);

const selection = z.array(selectionEntry).superRefine((entries, context) => {
	for (const [index, entry] of entries.entries()) {
		try {
			new ObisSelection([entry]);
		} catch (error) {
			context.addIssue({code: 'custom', path: [index], message: (error as Error).message});
		}
	}
});

const meter = z
	.strictObject({
		/** The `meter` tag; default: the serial number the meter reports. */
		id: z
			.string()
			.min(1)
			.regex(/^[^\n]+$/, 'must be one line'),
		/** `/dev/ttyUSB0`, `/dev/serial/by-id/…`, `tcp://host:port`, or `simulator:<profile>` (the built-in meter). */
		port: z.string().min(1),
		mode: z.enum(['auto', 'A', 'B', 'C', 'D']).default('auto'),
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
		baud_max: z.number().int().min(300).optional(),
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

const influxdb = z
	.strictObject({
		url: z.url({protocol: /^https?$/, error: 'expected an http:// or https:// URL'}),
		/** 2 (InfluxDB 2.x/3.x, VictoriaMetrics), 1.8 (1.8+ through /api/v2/write), 1 (before 1.8: /write). Default 2. */
		// `version: 2` (a YAML number) means the same as `version: "2"`.
		version: z
			.preprocess((value) => (typeof value === 'number' ? String(value) : value), z.enum(['2', '1.8', '1']))
			.default('2'),
		org: z.string().optional(),
		bucket: z.string().min(1).optional(),
		database: z.string().min(1).optional(),
		retention_policy: z.string().min(1).optional(),
		username: z.string().optional(),
		// Secrets inline, through an environment variable, or in a file (Docker/systemd secrets).
		token: z.string().optional(),
		token_env: z.string().min(1).optional(),
		token_file: z.string().min(1).optional(),
		password: z.string().optional(),
		password_env: z.string().min(1).optional(),
		password_file: z.string().min(1).optional(),
		timeout: duration().default(10_000),
		batch_lines: z.number().int().min(1).default(5000),
	})
	.superRefine((value, context) => {
		if (value.version === '2' && value.bucket === undefined) {
			context.addIssue({code: 'custom', path: ['bucket'], message: 'required for version 2'});
		}
		if (value.version !== '2' && value.database === undefined) {
			context.addIssue({
				code: 'custom',
				path: ['database'],
				message: `required for version ${value.version}`,
			});
		}
		for (const name of ['token', 'password'] as const) {
			const given = [name, `${name}_env`, `${name}_file`].filter(
				(key) => (value as Record<string, unknown>)[key] !== undefined,
			);
			if (given.length > 1) {
				context.addIssue({
					code: 'custom',
					path: [given[1] as string],
					message: `give only one of ${given.join(', ')}`,
				});
			}
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
