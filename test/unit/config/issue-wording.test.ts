import {describe, expect, it} from 'vitest';
import {z} from 'zod';
import {configIssueMessage, describeValue} from '../../../src/config/issue-wording.ts';

/** The message a schema gives for an input, worded by configIssueMessage. */
function messageOf(schema: z.ZodType, input: unknown): string | undefined {
	const result = schema.safeParse(input, {error: configIssueMessage});
	return result.success ? undefined : result.error.issues[0]?.message;
}

describe('configIssueMessage', () => {
	it('calls a missing value required, and only a missing one', () => {
		expect(messageOf(z.object({a: z.string()}), {})).toBe('required');
		expect(messageOf(z.object({a: z.string()}), {a: null})).toBe('expected a text, got an empty value');
	});

	it('names the expected type in YAML terms and what was given instead', () => {
		expect(messageOf(z.boolean(), 'yes')).toBe('expected a boolean (true/false), got the string "yes"');
		expect(messageOf(z.array(z.string()), {a: 1})).toBe(
			'expected a list (one "- " line per entry), got a mapping',
		);
		expect(messageOf(z.object({}), ['x'])).toBe('expected a mapping (key: value lines), got a list');
		expect(messageOf(z.number().int(), 1.5)).toBe('expected a whole number, got the number 1.5');
	});

	it('says how to quote or unquote a value YAML read as the other type', () => {
		expect(messageOf(z.string(), 123)).toBe(
			'expected a text, got the number 123 (write it in quotes: "123")',
		);
		expect(messageOf(z.number(), '9600')).toBe(
			'expected a number, got the string "9600" (write it without quotes)',
		);
		expect(messageOf(z.number(), '5k')).toBe('expected a number, got the string "5k"');
	});

	it('lists the allowed values', () => {
		expect(messageOf(z.enum(['A', 'B']), 'E')).toBe('expected one of "A", "B", got the string "E"');
	});

	it('words bounds for numbers, texts and lists', () => {
		expect(messageOf(z.number().min(300), 100)).toBe('must be at least 300');
		expect(messageOf(z.string().min(1), '')).toBe('must not be empty');
		expect(messageOf(z.string().max(3), 'abcd')).toBe('must be at most 3 characters long');
		expect(messageOf(z.array(z.string()).min(2), ['a'])).toBe('needs at least 2 entries');
	});

	it('leaves a message written in the schema alone', () => {
		expect(messageOf(z.string().regex(/^a$/, 'expected a'), 'b')).toBe('expected a');
	});
});

describe('describeValue', () => {
	it('describes each YAML value kind', () => {
		expect(describeValue('x')).toBe('the string "x"');
		expect(describeValue(2)).toBe('the number 2');
		expect(describeValue(false)).toBe('the boolean false');
		expect(describeValue(null)).toBe('an empty value');
		expect(describeValue([])).toBe('a list');
		expect(describeValue({})).toBe('a mapping');
		expect(describeValue(new Date('2026-01-01T00:00:00Z'))).toBe('the date 2026-01-01T00:00:00.000Z');
	});
});
