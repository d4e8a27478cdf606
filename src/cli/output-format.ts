import {InvalidArgumentError} from 'commander';

/**
 * How a command prints data sets: a table for people, JSON for programs (one document, or `ndjson`:
 * one telegram a line, for large captures and line-by-line tools), line protocol for InfluxDB.
 */
export type OutputFormat = 'table' | 'json' | 'ndjson' | 'line-protocol';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'ndjson', 'line-protocol'];

/** commander argument parser for `--format`. */
export function parseOutputFormat(value: string): OutputFormat {
	if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
	throw new InvalidArgumentError(`choose one of ${OUTPUT_FORMATS.join(', ')}`);
}
