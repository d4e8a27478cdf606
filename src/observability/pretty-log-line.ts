/**
 * One JSON log entry (as pino writes it) as a line for a person at a terminal:
 * `13:45:00.123 WARN  readout failed meter=house failure=no-answer`, followed by the error's stack,
 * indented, when the entry carries one. A line that is not JSON is passed through: better shown
 * raw than lost.
 */
export function formatPrettyLogLine(json: string): string {
	let entry: Record<string, unknown>;
	try {
		entry = JSON.parse(json) as Record<string, unknown>;
	} catch {
		return json.endsWith('\n') ? json : `${json}\n`;
	}
	// Valid JSON that is not an object (`null`, a number) is shown as it came.
	if (entry === null || typeof entry !== 'object') return json.endsWith('\n') ? json : `${json}\n`;
	const {time, level, msg, err, ...fields} = entry;
	let line = `${clockTime(time)} ${String(level ?? '')
		.toUpperCase()
		.padEnd(5)} ${String(msg ?? '')}`;
	for (const [key, value] of Object.entries(fields)) line += ` ${key}=${fieldText(value)}`;
	const error = err as {message?: unknown; stack?: unknown} | null | undefined;
	if (error !== undefined && error !== null) {
		const detail =
			typeof error.stack === 'string' ? error.stack : String(error.message ?? JSON.stringify(err));
		line += `\n${detail.replace(/^/gm, '    ')}`;
	}
	return `${line}\n`;
}

function clockTime(time: unknown): string {
	const date = new Date(typeof time === 'string' || typeof time === 'number' ? time : Number.NaN);
	if (Number.isNaN(date.getTime())) return '--:--:--.---';
	const pad = (value: number, width = 2) => String(value).padStart(width, '0');
	return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

// Bare words stay bare; anything a reader could misparse (spaces, quotes, `=`, empty) is JSON-quoted.
const BARE = /^[\w.:/@+-]+$/;

function fieldText(value: unknown): string {
	if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value);
	return JSON.stringify(value) ?? String(value);
}
