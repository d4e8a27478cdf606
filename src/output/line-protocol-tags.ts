/**
 * The tags of one line-protocol line, unescaped (`meter,billing=1,meter=50871031,obis=1.8.0 value=1 0`
 * → billing 1, meter 50871031, obis 1.8.0), as formatLineProtocol writes them: `\,`, `\ ` and `\=`
 * escape, the series key ends at the first unescaped space. Empty for a line without tags.
 * Source: the InfluxDB line protocol reference (special characters).
 */
export function lineTags(line: string): Map<string, string> {
	const tags = new Map<string, string>();
	let part = '';
	let key: string | undefined;
	// The first part is the measurement; a tag starts after each unescaped comma.
	let inMeasurement = true;
	const end = (): void => {
		if (!inMeasurement && key !== undefined) tags.set(key, part);
		inMeasurement = false;
		key = undefined;
		part = '';
	};
	for (let index = 0; index < line.length; index++) {
		const char = line[index] as string;
		if (char === '\\' && index + 1 < line.length) {
			const next = line[index + 1] as string;
			if (next === ',' || next === ' ' || next === '=') {
				part += next;
				index++;
				continue;
			}
		}
		if (char === ' ') break;
		if (char === ',') end();
		else if (char === '=' && !inMeasurement && key === undefined) {
			key = part;
			part = '';
		} else part += char;
	}
	end();
	return tags;
}
