import {readFileSync} from 'node:fs';
import {DockerfileParser, type Env, type Instruction} from 'dockerfile-ast';

/** One build stage of a Dockerfile: its base image (ARGs resolved) and its instructions. */
export interface DockerfileStage {
	readonly name: string | undefined;
	/** `node:24-bookworm-slim`, with `${ARG}` replaced by the ARG's default. */
	readonly image: string;
	readonly instructions: readonly Instruction[];
}

/** What a container started from the image's last stage runs with. */
export interface DockerfileModel {
	readonly text: string;
	readonly stages: readonly DockerfileStage[];
	/** ENV of the last stage, in order. */
	readonly env: Readonly<Record<string, string>>;
	/** The last WORKDIR of the last stage (the container's working directory). */
	readonly workdir: string | undefined;
	readonly user: string | undefined;
	/** Exec-form ENTRYPOINT / CMD as arrays; undefined when absent or in shell form. */
	readonly entrypoint: readonly string[] | undefined;
	readonly cmd: readonly string[] | undefined;
	/** Whether ENTRYPOINT and CMD were written in exec (JSON) form. */
	readonly execForm: {readonly entrypoint: boolean; readonly cmd: boolean};
	readonly healthcheck:
		| {readonly flags: Readonly<Record<string, string>>; readonly command: readonly string[] | undefined}
		| undefined;
	/** Sources of COPY instructions that read the build context (no --from), with their stage. */
	readonly contextCopies: readonly {readonly sources: readonly string[]; readonly destination: string}[];
	/** COPY --from=<stage> source → destination pairs of the last stage. */
	readonly stageCopies: readonly {
		readonly from: string;
		readonly source: string;
		readonly destination: string;
	}[];
}

/** Parses a Dockerfile (with dockerfile-ast, the parser of the Docker language server) into a DockerfileModel. */
export function readDockerfile(path: string): DockerfileModel {
	const text = readFileSync(path, 'utf8');
	const dockerfile = DockerfileParser.parse(text);
	const argDefaults = new Map<string, string>();
	for (const arg of dockerfile.getInitialARGs()) {
		const property = arg.getProperty();
		if (property) argDefaults.set(property.getName(), property.getValue() ?? '');
	}
	const expand = (value: string) =>
		value.replace(
			/\$\{(\w+)\}|\$(\w+)/g,
			(_, braced: string, bare: string) => argDefaults.get(braced ?? bare) ?? '',
		);

	const stages: DockerfileStage[] = [];
	let current: {name: string | undefined; image: string; instructions: Instruction[]} | undefined;
	for (const instruction of dockerfile.getInstructions()) {
		if (instruction.getKeyword() === 'FROM') {
			const from = instruction as unknown as {getBuildStage(): string | null};
			const [image = ''] = instruction.getArgumentsContent()?.split(/\s+/) ?? [];
			current = {name: from.getBuildStage() ?? undefined, image: expand(image), instructions: []};
			stages.push(current);
			continue;
		}
		current?.instructions.push(instruction);
	}
	const last = stages.at(-1);
	if (last === undefined) throw new Error(`${path}: no FROM`);

	const env: Record<string, string> = {};
	let workdir: string | undefined;
	let user: string | undefined;
	let entrypoint: string[] | undefined;
	let cmd: string[] | undefined;
	const execForm = {entrypoint: false, cmd: false};
	let healthcheck: DockerfileModel['healthcheck'];
	const stageCopies: {from: string; source: string; destination: string}[] = [];
	for (const instruction of last.instructions) {
		const content = instruction.getArgumentsContent() ?? '';
		switch (instruction.getKeyword()) {
			case 'ENV':
				for (const property of (instruction as Env).getProperties()) {
					env[property.getName()] = property.getValue() ?? '';
				}
				break;
			case 'WORKDIR':
				workdir = content.trim();
				break;
			case 'USER':
				user = content.trim();
				break;
			case 'ENTRYPOINT':
				entrypoint = jsonArray(content);
				execForm.entrypoint = entrypoint !== undefined;
				break;
			case 'CMD':
				cmd = jsonArray(content);
				execForm.cmd = cmd !== undefined;
				break;
			case 'HEALTHCHECK': {
				const flags = Object.fromEntries(
					(instruction as unknown as {getFlags(): {getName(): string; getValue(): string | null}[]})
						.getFlags()
						.map((flag) => [flag.getName(), flag.getValue() ?? '']),
				);
				const command = /^CMD\s+(.*)$/s.exec(content.trim())?.[1];
				healthcheck = {flags, command: command === undefined ? undefined : jsonArray(command)};
				break;
			}
			case 'COPY': {
				const fromFlag = /--from=(\S+)/.exec(instruction.getTextContent())?.[1];
				const parts = content.trim().split(/\s+/);
				const destination = parts.at(-1) ?? '';
				if (fromFlag !== undefined) {
					for (const source of parts.slice(0, -1)) stageCopies.push({from: fromFlag, source, destination});
				}
				break;
			}
		}
	}
	const contextCopies = stages.flatMap((stage) =>
		stage.instructions
			.filter(
				(instruction) =>
					(instruction.getKeyword() === 'COPY' || instruction.getKeyword() === 'ADD') &&
					!/--from=/.test(instruction.getTextContent()),
			)
			.map((instruction) => {
				const parts = (instruction.getArgumentsContent() ?? '').trim().split(/\s+/);
				return {sources: parts.slice(0, -1), destination: parts.at(-1) ?? ''};
			}),
	);
	return {
		text,
		stages,
		env,
		workdir,
		user,
		entrypoint,
		cmd,
		execForm,
		healthcheck,
		contextCopies,
		stageCopies,
	};
}

function jsonArray(content: string): string[] | undefined {
	try {
		const parsed: unknown = JSON.parse(content);
		return Array.isArray(parsed) && parsed.every((part) => typeof part === 'string') ? parsed : undefined;
	} catch {
		return undefined;
	}
}
