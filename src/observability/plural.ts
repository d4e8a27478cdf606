/** A count with its noun, `s` added unless it is one: `1 point`, `0 points`, `3 telegrams`. English nouns with a plain `s` only. */
export function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}
