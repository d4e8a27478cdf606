import type {MetricFamily} from './metric-family.ts';

/** The content type of the text exposition format this module writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Prometheus text exposition format 0.0.4: per family a HELP and a TYPE line, then one line per
 * sample, `name{label="value",…} value`. Families without samples keep their HELP and TYPE lines, so
 * a scrape shows what exists before anything happened.
 */
export function formatPrometheusText(families: readonly MetricFamily[]): string {
	let text = '';
	for (const family of families) {
		text += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
		for (const sample of family.samples) {
			const labels = Object.entries(sample.labels)
				.map(([key, value]) => `${key}="${escapeLabelValue(value)}"`)
				.join(',');
			text += `${family.name}${sample.suffix ?? ''}${labels === '' ? '' : `{${labels}}`} ${formatValue(sample.value)}\n`;
		}
	}
	return text;
}

/** Label values escape backslash, double quote and line feed (the format's only special characters there). */
export function escapeLabelValue(value: string): string {
	return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

function escapeHelp(help: string): string {
	return help.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}

function formatValue(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Number.POSITIVE_INFINITY) return '+Inf';
	if (value === Number.NEGATIVE_INFINITY) return '-Inf';
	return String(value);
}
