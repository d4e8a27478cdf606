import type {LineCounter, YAMLError} from 'yaml';
import type {ConfigProblem} from './config-error.ts';

/** The yaml library's errors about how far a line is indented (tabs included). */
const INDENTATION_ERRORS: ReadonlySet<string> = new Set([
	'BAD_INDENT',
	'BLOCK_AS_IMPLICIT_KEY',
	'MULTILINE_IMPLICIT_KEY',
	'TAB_AS_INDENT',
]);

/**
 * YAML syntax errors as problems, once each, in words a person editing the file acts on: the parser's
 * own sentence, except where one mistake is behind it:
 * - a value starting with `*` not in quotes (an unquoted cron expression), which YAML reads as aliases
 *   (one error per field): said once, with the line to write;
 * - a key written twice in one mapping (`Map keys must be unique`): named;
 * - a line indented too far or not far enough: the parser reports where the mapping it breaks begins;
 *   the line is the one to fix, named in a plain-words hint after the parser's sentence. Errors that
 *   follow from the same line are reported once.
 */
export function yamlProblems(
	errors: readonly YAMLError[],
	text: string,
	lineCounter: LineCounter,
): ConfigProblem[] {
	const lines = text.split(/\r?\n/);
	const problems: ConfigProblem[] = [];
	const seen = new Set<string>();
	for (const error of errors) {
		const {line, message, once} = described(error, text, lines, lineCounter);
		const key = `${line}\u0000${once ?? message}`;
		if (seen.has(key)) continue;
		seen.add(key);
		problems.push({path: '', line, message});
	}
	return problems;
}

function described(
	error: YAMLError,
	text: string,
	lines: readonly string[],
	lineCounter: LineCounter,
): {line: number; message: string; once?: string} {
	const line = lineCounter.linePos(error.pos[0]).line;
	const words = error.message.split('\n')[0] ?? error.message;
	const starred = unquotedStar(lines[line - 1] ?? '');
	if (starred !== undefined) return {line, message: starred};
	if (error.code === 'DUPLICATE_KEY') {
		// The error points at the key's first character: the key runs to its colon.
		const key = (text.slice(error.pos[0]).split(/:\s|\n/, 1)[0] ?? '').trim();
		return {line, message: `the key ${JSON.stringify(key)} appears twice here: keep one`};
	}
	if ((INDENTATION_ERRORS.has(error.code) && !/^Flow /.test(words)) || /without - indicator/.test(words)) {
		const fix = lineToFix(error, line, lines, lineCounter);
		return {
			line: fix,
			message: `not valid YAML: ${words}; check the indentation of line ${fix}`,
			once: 'indentation',
		};
	}
	return {line, message: `not valid YAML: ${words}`};
}

/**
 * A document that parsed but cannot be read (`document.toJS()` threw): an alias without its anchor, as
 * `measurement: *energy` is read. Placed at the first unquoted `*` value, where there is one.
 */
export function unreadableDocumentProblem(error: Error, text: string): ConfigProblem {
	const lines = text.split(/\r?\n/);
	for (const [index, line] of lines.entries()) {
		const starred = unquotedStar(line);
		if (starred !== undefined) return {path: '', line: index + 1, message: starred};
	}
	return {path: '', message: `not valid YAML: ${error.message.split('\n')[0]}`};
}

/**
 * The line whose indentation breaks the document. A line indented further than the key before it
 * (`url: …` then `   org: …`) makes the parser report the line above: "Nested mappings are not
 * allowed in compact mappings" there, and an implicit key that runs on to the line at fault.
 */
function lineToFix(
	error: YAMLError,
	line: number,
	lines: readonly string[],
	lineCounter: LineCounter,
): number {
	if (error.code === 'MULTILINE_IMPLICIT_KEY') return lineCounter.linePos(error.pos[1]).line;
	if (error.code === 'BLOCK_AS_IMPLICIT_KEY') {
		for (let next = line + 1; next <= lines.length; next++) {
			const content = (lines[next - 1] ?? '').trim();
			if (content !== '' && !content.startsWith('#')) return next;
		}
	}
	return line;
}

/**
 * `key: *…` unquoted, as cron expressions are written elsewhere: YAML reads `*` as an alias. Says how
 * to write the line instead; undefined for any other line.
 */
function unquotedStar(line: string): string | undefined {
	const match = /^\s*(?:-\s+)?([^\s#:'"][^#:]*?):\s+(\*[^#]*?)\s*(?:#.*)?$/.exec(line);
	if (match === null) return undefined;
	const [, key, value] = match;
	const quoted = `${key}: "${value}"`;
	if (key === 'schedule' || /^\S+(\s+\S+){4,6}$/.test(value ?? '')) {
		return `a cron expression must be quoted: ${quoted}`;
	}
	return `a value starting with * must be quoted (YAML reads * as an alias): ${quoted}`;
}
