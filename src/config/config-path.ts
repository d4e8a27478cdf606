/** `meters[0].schedule` from `['meters', 0, 'schedule']`: how a problem names its place in the configuration. */
export function formatPath(path: readonly PropertyKey[]): string {
	let text = '';
	for (const part of path) {
		text += typeof part === 'number' ? `[${part}]` : `${text === '' ? '' : '.'}${String(part)}`;
	}
	return text;
}
