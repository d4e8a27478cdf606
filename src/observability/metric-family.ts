/**
 * A neutral metric model between the counters and their renderings (Prometheus text, InfluxDB
 * points): one family is one metric name with its help text, type and labelled samples.
 */
export interface MetricFamily {
	/** Full name with prefix and unit suffix, e.g. `dlms_logger_readouts_total`. */
	readonly name: string;
	readonly help: string;
	/** A histogram's samples are its `_bucket` (with an `le` label), `_sum` and `_count` series. */
	readonly type: 'counter' | 'gauge' | 'histogram';
	readonly samples: readonly MetricSample[];
}

export interface MetricSample {
	readonly labels: Readonly<Record<string, string>>;
	readonly value: number;
	/** Appended to the family's name for this sample: a histogram's `_bucket`, `_sum` or `_count`. */
	readonly suffix?: '_bucket' | '_sum' | '_count';
}
