import {MalformedMessageError} from './protocol-errors.ts';
import {type BaudCharacter, baudCharacter} from './protocol-mode.ts';

/** The meter's identification message `/XXXZ[\W…]ident CR LF`. */
export interface Identification extends BaudCharacter {
	/** Three-letter FLAG manufacturer id exactly as sent, e.g. `LGZ`, `ISk`. */
	readonly manufacturer: string;
	/** The 4th character, which announces mode and rate. */
	readonly baudChar: string;
	/** Enhanced identification characters, one per `\W` pair (`2` = binary mode E available). */
	readonly enhanced: readonly string[];
	/** The rest of the line, spaces kept (a trailing space is part of some ids, e.g. `/ELS5\@V9.30 `). */
	readonly ident: string;
	/** Minimum meter reaction time, ms: 20 when the third manufacturer letter is lower case, else 200. */
	readonly reactionTimeMs: 20 | 200;
	/** True when the meter announced mode E capability with `\2`. */
	readonly binaryModeCapable: boolean;
	/** The identification is longer than the 16 characters the standard allows (kept anyway). */
	readonly overlong: boolean;
}

/** The standard caps the identification part at 16 characters; real meters exceed it, so we only flag it. */
export const MAX_IDENT_LENGTH = 16;

/**
 * Parses an identification line. `line` excludes the trailing CR LF and starts with `/`.
 * Throws MalformedMessageError when the line is too short to hold a manufacturer and baud character.
 */
export function parseIdentification(line: string): Identification {
	if (!line.startsWith('/')) {
		throw new MalformedMessageError('identification', 'does not start with "/"', line);
	}
	if (line.length < 5) {
		throw new MalformedMessageError('identification', 'shorter than "/XXXZ"', line);
	}
	const manufacturer = line.slice(1, 4);
	if (!isLetter(line.charCodeAt(1)) || !isLetter(line.charCodeAt(2)) || !isLetter(line.charCodeAt(3))) {
		throw new MalformedMessageError('identification', 'manufacturer is not three letters', line);
	}
	const baudChar = line.charAt(4);
	const enhanced: string[] = [];
	let position = 5;
	// Any number of `\W` pairs may follow the baud character; a backslash elsewhere is part of the id.
	while (line.charCodeAt(position) === BACKSLASH && position + 1 < line.length) {
		enhanced.push(line.charAt(position + 1));
		position += 2;
	}
	const ident = line.slice(position);
	const {mode, baudRate} = baudCharacter(baudChar);
	return {
		manufacturer,
		baudChar,
		mode,
		baudRate,
		enhanced,
		ident,
		// A lower-case third letter announces the 20 ms reaction time.
		reactionTimeMs: isLowerCase(line.charCodeAt(3)) ? 20 : 200,
		binaryModeCapable: enhanced.includes('2'),
		overlong: ident.length > MAX_IDENT_LENGTH,
	};
}

const BACKSLASH = 0x5c;

/** An ASCII letter, either case: the manufacturer's three characters of an identification line. */
export function isLetter(code: number): boolean {
	return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isLowerCase(code: number): boolean {
	return code >= 0x61 && code <= 0x7a;
}

/** Formats an identification line (without CR LF); the inverse of parseIdentification. */
export function formatIdentification(
	id: Pick<Identification, 'manufacturer' | 'baudChar' | 'enhanced' | 'ident'>,
): string {
	return `/${id.manufacturer}${id.baudChar}${id.enhanced.map((char) => `\\${char}`).join('')}${id.ident}`;
}
