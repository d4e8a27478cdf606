/**
 * A neutral metric model between the counters and their renderings (Prometheus text, InfluxDB
 * points): one family is one metric name with its help text, type and labelled samples.
 */
export interface MetricFamily {
	/** Full name with prefix and unit suffix, e.g. `dlms_logger_readouts_total`. */
	readonly name: string;
	readonly help: string;
	readonly type: 'counter' | 'gauge';
	readonly samples: readonly MetricSample[];
}

export interface MetricSample {
	readonly labels: Readonly<Record<string, string>>;
	readonly value: number;
}
