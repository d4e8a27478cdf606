/**
 * A word (a path, a meter id, an argument) as a POSIX shell reads it back: as it is when it holds only
 * characters a shell takes literally, else in single quotes (a `'` inside as `'\''`). `*` and `?` are
 * quoted: unquoted, the shell would expand them to file names.
 */
export function shellWord(word: string): string {
	return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
