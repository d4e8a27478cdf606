import {describe, expect, it} from 'vitest';
import {LineCounter, parseDocument} from 'yaml';
import {unreadableDocumentProblem, yamlProblems} from '../../../src/config/yaml-problems.ts';

function problems(text: string): string[] {
	const lineCounter = new LineCounter();
	const document = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true});
	return yamlProblems(document.errors, text, lineCounter).map(
		(problem) => `@${problem.line}: ${problem.message}`,
	);
}

describe('yamlProblems', () => {
	it('says once that a cron expression must be quoted, rather than once per field read as an alias', () => {
		expect(problems('meters:\n  - id: a\n    port: simulator:zmd120\n    schedule: */15 * * * *\n')).toEqual([
			'@4: a cron expression must be quoted: schedule: "*/15 * * * *"',
		]);
	});

	it('says how to quote another value that starts with *', () => {
		expect(problems('measurement: *en ergy\n')).toEqual([
			'@1: a value starting with * must be quoted (YAML reads * as an alias): measurement: "*en ergy"',
		]);
	});

	it('places an alias that cannot be read at its line', () => {
		expect(
			unreadableDocumentProblem(new Error('Unresolved alias'), 'meters: []\nmeasurement: *energy # a note\n'),
		).toEqual({
			path: 'measurement',
			line: 2,
			message: 'a value starting with * must be quoted (YAML reads * as an alias): measurement: "*energy"',
		});
	});

	it('names the line indented one space too far, not the line above it, with a hint in plain words', () => {
		const text =
			'influxdb:\n  url: http://localhost:8086\n   org: home\n  bucket: meters\nmeters:\n  - id: house\n    port: simulator:zmd120\n';
		expect(problems(text)).toEqual([
			'@3: not valid YAML: Nested mappings are not allowed in compact mappings; check the indentation of line 3',
		]);
	});

	it('names a list entry key indented too far past a blank line', () => {
		expect(problems('meters:\n  - id: a\n    port: b\n\n      every: 10s\n')).toEqual([
			'@5: not valid YAML: Nested mappings are not allowed in compact mappings; check the indentation of line 5',
		]);
	});

	it('names a line indented too little', () => {
		expect(problems('influxdb:\n  url: http://x\n org: home\nmeters: []\n')).toEqual([
			'@3: not valid YAML: All mapping items must start at the same column; check the indentation of line 3',
		]);
	});

	it('reports identical errors once', () => {
		const text = 'meters: [\n  - a';
		const list = problems(text);
		expect(new Set(list).size).toBe(list.length);
		expect(list[0]).toMatch(/^@2: not valid YAML: /);
	});

	it('names a key written twice', () => {
		expect(problems('meters:\n  - id: m\n    every: 10s\n    every: 20s\n')).toEqual([
			'@4: the key "every" appears twice here: keep one',
		]);
	});
});
