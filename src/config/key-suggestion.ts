import type {z} from 'zod';

/**
 * The known key an unknown one was most likely meant to be (`evry` → `every`, `selcet` → `select`,
 * `influx` → `influxdb`), or undefined when none is close. Close means at most one edit for keys of up
 * to 4 characters, two for longer ones, counting a swap of neighbours as one edit (optimal string
 * alignment distance); case is ignored.
 */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
	const wanted = unknown.toLowerCase();
	const limit = wanted.length <= 4 ? 1 : 2;
	let best: {key: string; distance: number} | undefined;
	for (const key of known) {
		const distance = editDistance(wanted, key.toLowerCase());
		if (distance <= limit && (best === undefined || distance < best.distance)) best = {key, distance};
	}
	return best?.key;
}

/** Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
	// rows[i][j]: the distance between the first i characters of a and the first j of b.
	const rows: number[][] = Array.from({length: a.length + 1}, (_, i) =>
		Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
	);
	const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
	for (let i = 1; i <= a.length; i++) {
		const row = rows[i] as number[];
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				distance = Math.min(distance, at(i - 2, j - 2) + 1);
			}
			row[j] = distance;
		}
	}
	return at(a.length, b.length);
}

/** The parts of a zod definition this walk reads; zod 4 keeps them in `_zod.def`. */
interface SchemaDefinition {
	readonly type: string;
	readonly shape?: Readonly<Record<string, z.core.$ZodType>>;
	readonly innerType?: z.core.$ZodType;
	readonly element?: z.core.$ZodType;
	readonly in?: z.core.$ZodType;
	readonly out?: z.core.$ZodType;
	readonly options?: readonly z.core.$ZodType[];
}

/**
 * The keys a mapping at `path` (`['meters', 0]`) may hold, read from the schema itself so the list
 * never falls behind it. Empty where the path leads to no mapping.
 */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
	let current = expand(schema);
	for (const part of path) {
		const next: z.core.$ZodType[] = [];
		for (const candidate of current) {
			const definition = definitionOf(candidate);
			if (typeof part === 'number' && definition.element !== undefined) next.push(definition.element);
			const child = typeof part === 'string' ? definition.shape?.[part] : undefined;
			if (child !== undefined) next.push(child);
		}
		current = next.flatMap(expand);
	}
	return [...new Set(current.flatMap((candidate) => Object.keys(definitionOf(candidate).shape ?? {})))];
}

/** The schemas a value is checked by, through optional, default, preprocess and union wrappers. */
function expand(schema: z.core.$ZodType): z.core.$ZodType[] {
	const definition = definitionOf(schema);
	const inner = [definition.innerType, definition.in, definition.out, ...(definition.options ?? [])].filter(
		(part): part is z.core.$ZodType => part !== undefined,
	);
	return [schema, ...inner.flatMap(expand)];
}

function definitionOf(schema: z.core.$ZodType): SchemaDefinition {
	return schema._zod.def as unknown as SchemaDefinition;
}
