/**
 * The server's reason for refusing a line, without what differs from line to line, so that lines
 * refused for one cause are counted together. InfluxDB 1.x names the line in a parse error
 * (`unable to parse 'meter,obis=1.8.0 value=x 1700000000': invalid number`) and the count in a partial
 * write (`… already exists as type string dropped=1`); both are left out of the key.
 */
export function deadLetterReasonKey(message: string): string {
	return message
		.replace(/unable to parse '.*?': /g, 'unable to parse a line: ')
		.replace(/\s*dropped=\d+/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}
