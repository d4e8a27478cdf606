import {describe, expect, it} from 'vitest';
import {parseConfig} from '../../../src/config/config-loader.ts';
import {influxTargetFromConfig} from '../../../src/daemon/influx-target-from-config.ts';

async function target(influx: string, env: NodeJS.ProcessEnv = {}) {
	const {config, secrets} = await parseConfig(
		`meters: [{id: a, port: /dev/x}]\ninfluxdb:\n${influx}`,
		'c.yaml',
		{env},
	);
	if (!config.influxdb) throw new Error('no influxdb');
	return influxTargetFromConfig(config.influxdb, secrets);
}

describe('influxTargetFromConfig', () => {
	it('builds a v2 target with the token', async () => {
		expect(
			await target('  url: http://db:8086\n  org: o\n  bucket: b\n  token_env: T\n', {T: 'tok'}),
		).toEqual({
			kind: 'v2',
			url: 'http://db:8086',
			org: 'o',
			bucket: 'b',
			token: 'tok',
		});
	});

	it('builds a 1.8 compatibility target with database, retention policy and credentials', async () => {
		expect(
			await target(
				'  url: http://db:8086\n  version: "1.8"\n  database: d\n  retention_policy: rp\n  username: u\n  password: p\n',
			),
		).toEqual({
			kind: 'v1-compat',
			url: 'http://db:8086',
			database: 'd',
			retentionPolicy: 'rp',
			username: 'u',
			password: 'p',
		});
	});

	it('builds a legacy 1.x target', async () => {
		expect(await target('  url: http://db:8086\n  version: "1"\n  database: d\n')).toEqual({
			kind: 'v1',
			url: 'http://db:8086',
			database: 'd',
		});
	});
});
