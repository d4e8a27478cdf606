import {plural} from '../observability/plural.ts';

/** One thing wrong in a configuration: where (YAML path and line) and what. */
export interface ConfigProblem {
	/** `meters[0].schedule`; empty for the document itself. */
	readonly path: string;
	/** 1-based line in the file, when known. */
	readonly line?: number;
	readonly message: string;
}

/** The configuration is not usable; carries every problem at once, so one run shows them all. */
export class ConfigError extends Error {
	readonly file: string;
	readonly problems: readonly ConfigProblem[];

	constructor(file: string, problems: readonly ConfigProblem[], options?: {cause?: unknown}) {
		super(
			`${file}: ${plural(problems.length, 'problem')}\n${problems.map(formatProblem).join('\n')}`,
			options,
		);
		this.name = 'ConfigError';
		this.file = file;
		this.problems = problems;
	}
}

/** `  meters[0].schedule (line 12): expected a cron expression …`. */
export function formatProblem(problem: ConfigProblem): string {
	const where = problem.path === '' ? '(document)' : problem.path;
	return `  ${where}${problem.line === undefined ? '' : ` (line ${problem.line})`}: ${problem.message}`;
}
