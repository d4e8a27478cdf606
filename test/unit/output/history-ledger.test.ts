import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {HISTORY_LEDGER_FILE, HistoryLedger} from '../../../src/output/history-ledger.ts';

let directory: string;
beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'dlms-ledger-'));
});
afterEach(async () => {
	await rm(directory, {recursive: true, force: true});
});

const line = (period: number, value: number) =>
	`meter,billing=1,meter=m1,obis=1.8.1,unit=kWh value=${value} ${1_700_000_000 + period * 86_400}`;

describe('HistoryLedger', () => {
	it('chooses new history, then nothing while it is pending, then nothing once acknowledged', async () => {
		const ledger = await HistoryLedger.open({directory});
		const lines = [line(1, 10), line(2, 20)];
		expect(ledger.select('m1', lines)).toEqual([0, 1]);
		expect(ledger.select('m1', lines)).toEqual([]);
		ledger.acknowledge(lines);
		expect(ledger.size).toBe(2);
		expect(ledger.select('m1', lines)).toEqual([]);
		await ledger.close();
	});

	it('records acknowledged history from lines in one buffer (acknowledgeText), live lines beside it ignored', async () => {
		const ledger = await HistoryLedger.open({directory});
		const history = [line(1, 10), line(2, 20), line(3, 30)];
		expect(ledger.select('m1', history)).toEqual([0, 1, 2]);
		const live = 'meter,meter=m1,obis=1.8.1,unit=kWh value=99 1700000000';
		ledger.acknowledgeText(Buffer.from(`${history[0]}\n${live}\n${history[1]}\n${live}\n`));
		expect(ledger.size).toBe(2);
		// The third is still pending: neither chosen again nor recorded.
		expect(ledger.select('m1', history)).toEqual([]);
		ledger.acknowledgeText(Buffer.from(`${history[2]}\n`));
		expect(ledger.size).toBe(3);
		await ledger.close();
	});

	it('records history it never chose (replayed from a previous run) under the meter its tag names', async () => {
		const ledger = await HistoryLedger.open({directory});
		const other = 'meter,billing=2,meter=house\\ 2,obis=1.8.0 value=5 1700000000';
		const textField = 'meter,meter=m1,obis=0.0.9 text="billing=1" 1700000000';
		ledger.acknowledgeText(Buffer.from(`${line(1, 10)}\n${other}\n${textField}\n`));
		expect(ledger.size).toBe(2);
		expect(ledger.select('m1', [line(1, 10), line(2, 20)])).toEqual([1]);
		expect(ledger.select('house 2', [other])).toEqual([]);
		await ledger.close();
	});

	it('chooses a changed value and a new period again', async () => {
		const ledger = await HistoryLedger.open({directory});
		ledger.select('m1', [line(1, 10), line(2, 20)]);
		ledger.acknowledge([line(1, 10), line(2, 20)]);
		expect(ledger.select('m1', [line(1, 11), line(2, 20), line(3, 30)])).toEqual([0, 2]);
		await ledger.close();
	});

	it('forgets periods the meter no longer sends, so the ledger stays one readout long per meter', async () => {
		const ledger = await HistoryLedger.open({directory});
		ledger.select('m1', [line(1, 10), line(2, 20)]);
		ledger.acknowledge([line(1, 10), line(2, 20)]);
		ledger.select('m1', [line(2, 20), line(3, 30)]);
		ledger.acknowledge([line(3, 30)]);
		expect(ledger.size).toBe(2);
		expect(ledger.select('m1', [line(1, 10)])).toEqual([0]);
		await ledger.close();
	});

	it('read only (a dry run): answers as the file says, and never writes it, not even when periods roll off', async () => {
		const writer = await HistoryLedger.open({directory, saveDelayMs: 0});
		writer.select('m1', [line(1, 10), line(2, 20)]);
		writer.acknowledge([line(1, 10), line(2, 20)]);
		await writer.close();
		const file = join(directory, HISTORY_LEDGER_FILE);
		const before = await readFile(file, 'utf8');
		const reader = await HistoryLedger.open({directory, saveDelayMs: 0, readOnly: true});
		expect(reader.select('m1', [line(2, 20), line(3, 30)])).toEqual([1]);
		reader.acknowledge([line(3, 30)]);
		await new Promise((resolve) => setTimeout(resolve, 5));
		await reader.close();
		expect(await readFile(file, 'utf8')).toBe(before);
	});

	it('keeps meters apart', async () => {
		const ledger = await HistoryLedger.open({directory});
		ledger.select('m1', [line(1, 10)]);
		ledger.acknowledge([line(1, 10)]);
		const other = line(1, 10).replace('meter=m1', 'meter=m2');
		expect(ledger.select('m2', [other])).toEqual([0]);
		expect(ledger.select('m1', [line(1, 10)])).toEqual([]);
		await ledger.close();
	});

	it('does not record lines that were never acknowledged, and keeps what was across a reopen', async () => {
		const first = await HistoryLedger.open({directory});
		first.select('m1', [line(1, 10), line(2, 20)]);
		first.acknowledge([line(1, 10)]);
		await first.close();
		const again = await HistoryLedger.open({directory});
		expect(again.select('m1', [line(1, 10), line(2, 20)])).toEqual([1]);
		await again.close();
	});

	it('starts afresh with a warning when the file is damaged', async () => {
		await writeFile(join(directory, HISTORY_LEDGER_FILE), '{"version":1,"meters":{"m1":[');
		const warnings: string[] = [];
		const ledger = await HistoryLedger.open({directory, onWarning: (message) => warnings.push(message)});
		expect(warnings).toEqual([expect.stringMatching(/history-ledger\.json: unreadable, started afresh/)]);
		expect(ledger.select('m1', [line(1, 10)])).toEqual([0]);
		ledger.acknowledge([line(1, 10)]);
		await ledger.close();
		const saved = JSON.parse(await readFile(join(directory, HISTORY_LEDGER_FILE), 'utf8'));
		expect(saved.meters.m1).toHaveLength(1);
	});

	it('refuses a bad option with a TypeError naming it', async () => {
		await expect(HistoryLedger.open({directory, saveDelayMs: -1})).rejects.toThrow(/saveDelayMs/);
		await expect(HistoryLedger.open({directory: ''})).rejects.toThrow(/directory/);
	});
});
