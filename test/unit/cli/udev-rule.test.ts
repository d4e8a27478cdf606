import {readFile} from 'node:fs/promises';
import {describe, expect, it} from 'vitest';
import {UDEV_GROUP, UDEV_MODE, udevRule} from '../../../src/cli/udev-rule.ts';

const root = new URL('../../../', import.meta.url);
const example = udevRule({vendorId: '10c4', productId: 'ea60', serialNumber: '0092C9FE', name: 'dlms0'});

async function text(path: string): Promise<string> {
	return readFile(new URL(path, root), 'utf8');
}

describe('udevRule', () => {
	it('matches the head by ids and serial and gives mode 0660, group dialout and the fixed name', () => {
		expect(example).toBe(
			'SUBSYSTEM=="tty", ATTRS{idVendor}=="10c4", ATTRS{idProduct}=="ea60", ATTRS{serial}=="0092C9FE", MODE="0660", GROUP="dialout", SYMLINK+="dlms0", ENV{ID_MM_DEVICE_IGNORE}="1"',
		);
	});

	it('leaves the serial out when the head reports none', () => {
		expect(udevRule({vendorId: '0403', productId: '6001', name: 'dlms1'})).not.toContain('serial');
	});

	it('is the rule of deploy/11-dlms.rules, line for line', async () => {
		const rules = (await text('deploy/11-dlms.rules')).split('\n').filter((line) => /^[A-Z]/.test(line));
		expect(rules).toEqual([example]);
	});

	it('is the rule docs/reading.md shows', async () => {
		expect(await text('docs/reading.md')).toContain(`echo '${example}'`);
	});

	it('is the only mode and group the docs give a rule', async () => {
		for (const path of ['README.md', 'docs/reading.md', 'deploy/11-dlms.rules']) {
			const body = await text(path);
			for (const [, mode] of body.matchAll(/MODE="(\d+)"/g))
				expect(`${path}: ${mode}`).toBe(`${path}: ${UDEV_MODE}`);
			for (const [, group] of body.matchAll(/GROUP="([^"]+)"/g))
				expect(`${path}: ${group}`).toBe(`${path}: ${UDEV_GROUP}`);
		}
	});
});
