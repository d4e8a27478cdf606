import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {loadConfiguration} from '../../../src/cli/config-source.ts';
import {configWarningLines} from '../../../src/cli/config-warning-lines.ts';

let cwd: string;
beforeEach(async () => {
	cwd = await mkdtemp(join(tmpdir(), 'dlms-warning-lines-'));
});
afterEach(async () => {
	await rm(cwd, {recursive: true, force: true});
});

describe('configWarningLines', () => {
	it('gives one line per warning, placed by YAML path and line, ports resolved from cwd', async () => {
		const file = join(cwd, 'config.yaml');
		await writeFile(
			file,
			'meters:\n  - id: a\n    port: ./ir-head\n    select: [1.8.1, 2.8.1, 1.8.1]\n  - id: b\n    port: simulator:zmd120\n',
		);
		const loaded = await loadConfiguration(file, {env: {}, cwd}, {embeddedFallback: false});
		expect(await configWarningLines(loaded, cwd)).toEqual([
			`${file}: warning: meters[0].select[2] (line 4): 1.8.1 is selected twice (also select[0]): keep one`,
			`${file}: warning: meters[0].port (line 3): ./ir-head does not exist now: is the reader plugged in? (\`dlms-logger ports\` lists the ports; run starts anyway and tries it again at the first readout time after a pause of one cycle, doubled after each failure up to 5 min, until it is there)`,
		]);
	});

	it('names the variable of an environment configuration, and gives none for a configuration without doubts', async () => {
		const env = {METER_PORT: 'simulator:zmd120', METER_ID: 'house', METER_SELECT: '1.8.1,1.8.1'};
		const loaded = await loadConfiguration(undefined, {env, cwd}, {embeddedFallback: false});
		expect(await configWarningLines(loaded, cwd)).toEqual([
			'environment variables: warning: METER_SELECT entry 2: 1.8.1 is selected twice (also select[0]): keep one',
		]);
		const plain = await loadConfiguration(
			undefined,
			{env: {METER_PORT: 'simulator:zmd120', METER_ID: 'house'}, cwd},
			{embeddedFallback: false},
		);
		expect(await configWarningLines(plain, cwd)).toEqual([]);
	});
});
