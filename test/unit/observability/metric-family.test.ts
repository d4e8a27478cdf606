import {describe, expect, it} from 'vitest';
import type {MetricFamily} from '../../../src/observability/metric-family.ts';
import {formatPrometheusText} from '../../../src/observability/prometheus-text.ts';

// metric-family.ts declares only the neutral metric model (types, no code); this checks that a family
// written against the model is accepted by its rendering as documented.
describe('MetricFamily', () => {
	it('describes a counter with labelled samples that a rendering accepts', () => {
		const family: MetricFamily = {
			name: 'dlms_logger_readouts_total',
			help: 'Readouts by meter and outcome.',
			type: 'counter',
			samples: [{labels: {meter: 'house', outcome: 'ok'}, value: 3}],
		};
		expect(formatPrometheusText([family])).toContain(
			'dlms_logger_readouts_total{meter="house",outcome="ok"} 3\n',
		);
	});
});
