/**
 * The history lines (points with a `billing` tag) a backfill to stdout already printed in this run, per
 * meter, so each goes out once: a meter sends its whole billing history with every readout, and a
 * year's log replayed without this prints each history point once per telegram (8,760 times for an
 * hourly log). A line is a whole line-protocol line (series, value, time): a corrected value is
 * another line and is printed. In memory only: stdout has no memory across runs (the InfluxDB path
 * has its ledger, HistoryLedger). Memory grows with the distinct history points printed, what the
 * output holds anyway.
 */
export class PrintedHistory {
	readonly #printed = new Map<string, Set<string>>();

	/** Of one readout's history lines of `meter`, the indexes of those not printed yet (now taken as printed). */
	select(meter: string, lines: readonly string[]): number[] {
		let printed = this.#printed.get(meter);
		if (printed === undefined) {
			printed = new Set();
			this.#printed.set(meter, printed);
		}
		const chosen: number[] = [];
		for (let index = 0; index < lines.length; index++) {
			const line = lines[index] as string;
			if (printed.has(line)) continue;
			printed.add(line);
			chosen.push(index);
		}
		return chosen;
	}
}
