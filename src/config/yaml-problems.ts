import type {LineCounter, YAMLError} from 'yaml';
import {plural} from '../observability/plural.ts';
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
		const {line, message, once, path = ''} = described(error, text, lines, lineCounter);
		const key = `${line}\u0000${once ?? message}`;
		if (seen.has(key)) continue;
		seen.add(key);
		problems.push({path, line, message});
	}
	// One line indented wrongly confuses the parser about every line after it: the first problem is the
	// one to fix, the rest are counted (they usually go away with it).
	const [first, ...rest] = problems;
	if (first !== undefined && rest.length > 0 && / check the indentation of line \d+$/.test(first.message)) {
		const more = plural(rest.length, 'more YAML problem');
		return [{...first, message: `${first.message} (${more} after it, most likely from the same line)`}];
	}
	return problems;
}

function described(
	error: YAMLError,
	text: string,
	lines: readonly string[],
	lineCounter: LineCounter,
): {line: number; message: string; once?: string; path?: string} {
	const line = lineCounter.linePos(error.pos[0]).line;
	const words = error.message.split('\n')[0] ?? error.message;
	const starred = unquotedStar(lines[line - 1] ?? '');
	if (starred !== undefined) return {line, message: starred, path: pathAtLine(lines, line - 1)};
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
		if (starred !== undefined) return {path: pathAtLine(lines, index), line: index + 1, message: starred};
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

/**
 * The configuration path of the key on line `index` (0-based), from indentation alone, for lines the
 * parser could not read: `meters[0].schedule` for an unquoted `schedule:` cron line under `  - id: house`
 * under `meters:`. '' when the line holds no key.
 */
export function pathAtLine(lines: readonly string[], index: number): string {
	const own = keyLine(lines[index] ?? '');
	if (own === undefined) return '';
	const parts: (string | number)[] = [own.key];
	let column = own.column;
	for (let above = index - 1; above >= 0 && column > 0; above--) {
		const line = keyLine(lines[above] ?? '');
		if (line === undefined) continue;
		if (line.item !== undefined && line.column === column) {
			// The first key of a list item holding this key: the item's index among its siblings.
			parts.unshift(siblingsBefore(lines, above, line.item));
			column = line.item;
		} else if (line.column < column) {
			parts.unshift(line.key);
			column = line.column;
		}
	}
	let path = '';
	for (const part of parts)
		path += typeof part === 'number' ? `[${part}]` : `${path === '' ? '' : '.'}${part}`;
	return path;
}

/** `  - id: x` → key id at column 4, item dash at column 2; `  url: …` → key url at column 2. */
function keyLine(line: string): {key: string; column: number; item?: number} | undefined {
	const match = /^(\s*)(-\s+)?([^\s#:'"-][^#:]*?):(\s|$)/.exec(line);
	if (match === null) return undefined;
	const indent = (match[1] ?? '').length;
	const dash = match[2];
	return dash === undefined
		? {key: match[3] as string, column: indent}
		: {key: match[3] as string, column: indent + dash.length, item: indent};
}

/** How many list items at `column` come before line `index`, up to the key that holds the list. */
function siblingsBefore(lines: readonly string[], index: number, column: number): number {
	let count = 0;
	for (let above = index - 1; above >= 0; above--) {
		const line = lines[above] ?? '';
		if (line.trim() === '' || line.trim().startsWith('#')) continue;
		const indent = line.length - line.trimStart().length;
		if (indent < column) break;
		if (indent === column && line.trimStart().startsWith('-')) count++;
	}
	return count;
}
