import type {z} from 'zod';

/**
 * zod's issues in words a person editing config.yaml knows: what was expected, in YAML terms, and what
 * the file holds instead (`expected a boolean (true/false), got the string "yes"`). Passed to
 * `safeParse` as its error map: messages written in the schema itself win over these.
 */
export function configIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
	const input: unknown = issue.input;
	switch (issue.code) {
		case 'invalid_type': {
			if (input === undefined) return 'required';
			const hint = quotingHint(issue.expected, input);
			return `expected ${expectedType(issue.expected)}, got ${describeValue(input)}${hint}`;
		}
		case 'invalid_value':
			return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, got ${describeValue(input)}`;
		case 'invalid_union':
			return `not a valid value: got ${describeValue(input)}`;
		case 'too_small':
			return bound('at least', issue.origin, issue.minimum, issue.inclusive);
		case 'too_big':
			return bound('at most', issue.origin, issue.maximum, issue.inclusive);
		case 'invalid_format':
			return `not a valid ${issue.format === 'regex' ? 'value' : issue.format}: got ${describeValue(input)}`;
		case 'not_multiple_of':
			return `must be a multiple of ${String(issue.divisor)}`;
		default:
			return undefined;
	}
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
	boolean: 'a boolean (true/false)',
	number: 'a number',
	int: 'a whole number',
	string: 'a text',
	array: 'a list (one "- " line per entry)',
	object: 'a mapping (key: value lines)',
};

function expectedType(expected: string): string {
	return TYPE_WORDS[expected] ?? expected;
}

/** How YAML handed a value over: `the string "yes"`, `the number 123`, `a mapping`, `an empty value`. */
export function describeValue(value: unknown): string {
	if (value === null) return 'an empty value';
	if (Array.isArray(value)) return 'a list';
	switch (typeof value) {
		case 'string':
			return `the string ${JSON.stringify(value)}`;
		case 'number':
		case 'bigint':
			return `the number ${String(value)}`;
		case 'boolean':
			return `the boolean ${String(value)}`;
		case 'object':
			return value instanceof Date ? `the date ${value.toISOString()}` : 'a mapping';
		default:
			return String(value);
	}
}

/** YAML reads `123` as a number and `"9600"` as text: say how to write the other one. */
function quotingHint(expected: string, value: unknown): string {
	if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
		return ` (write it in quotes: "${String(value)}")`;
	}
	if (
		(expected === 'number' || expected === 'int') &&
		typeof value === 'string' &&
		/^\s*-?\d+(\.\d+)?\s*$/.test(value)
	) {
		return ' (write it without quotes)';
	}
	return '';
}

function bound(word: string, origin: string, limit: number | bigint | Date, inclusive = true): string {
	const value = Number(limit);
	switch (origin) {
		case 'string':
			return value === 1 && word === 'at least'
				? 'must not be empty'
				: `must be ${word} ${value} characters long`;
		case 'array':
		case 'set':
			return `needs ${word} ${value} ${value === 1 ? 'entry' : 'entries'}`;
		default:
			return inclusive
				? `must be ${word} ${value}`
				: `must be ${word === 'at least' ? 'more' : 'less'} than ${value}`;
	}
}
