import type {Point} from '../readings/point.ts';
import type {HistoryLedger} from './history-ledger.ts';
import {formatLineProtocol} from './line-protocol.ts';
import type {PointSink} from './point-sink.ts';
import type {LineSender} from './spooled-sink.ts';

export interface HistoryOnceSinkOptions {
	/** Where points go on (the spooled InfluxDB sink). */
	readonly sink: PointSink;
	readonly ledger: HistoryLedger;
	/** Told how many history points of a write were already stored (and so not handed on). */
	readonly onSkipped?: (meter: string, points: number) => void;
}

/**
 * Hands every point on, except billing history (tag `billing`) the server already acknowledged or
 * still has to answer for (see HistoryLedger). Each write is taken as one readout per meter: its
 * history replaces what the ledger holds of that meter.
 */
export class HistoryOnceSink implements PointSink {
	readonly #sink: PointSink;
	readonly #ledger: HistoryLedger;
	readonly #onSkipped: (meter: string, points: number) => void;

	constructor(options: HistoryOnceSinkOptions) {
		this.#sink = options.sink;
		this.#ledger = options.ledger;
		this.#onSkipped = options.onSkipped ?? (() => undefined);
	}

	write(points: readonly Point[]): Promise<void> {
		return this.#sink.write(this.filter(points));
	}

	/** The points of one readout that are to be written (history only when new or changed). */
	filter(points: readonly Point[]): Point[] {
		const history = new Map<string, number[]>();
		for (const [index, point] of points.entries()) {
			if (point.tags['billing'] === undefined) continue;
			const meter = point.tags['meter'] ?? '';
			const indexes = history.get(meter);
			if (indexes === undefined) history.set(meter, [index]);
			else indexes.push(index);
		}
		if (history.size === 0) return [...points];
		const dropped = new Set<number>();
		for (const [meter, indexes] of history) {
			const lines = indexes.map((index) => formatLineProtocol(points[index] as Point));
			const chosen = new Set(this.#ledger.select(meter, lines));
			for (const [position, index] of indexes.entries()) if (!chosen.has(position)) dropped.add(index);
			const skipped = indexes.length - chosen.size;
			if (skipped > 0) this.#onSkipped(meter, skipped);
		}
		return points.filter((_, index) => !dropped.has(index));
	}

	flush(): Promise<boolean> {
		return this.#sink.flush();
	}

	async close(): Promise<void> {
		try {
			await this.#sink.close();
		} finally {
			await this.#ledger.close();
		}
	}
}

/**
 * A sender that tells the ledger which lines are done: those the server took (2xx), after it took them,
 * and those the sink set aside in the dead-letter file (refused as bad data, kept there to be written
 * by hand once the cause is fixed; sending them with every readout would only repeat the refusal).
 */
export function acknowledgingSender(sender: LineSender, ledger: HistoryLedger): LineSender {
	const {sendText} = sender;
	return {
		description: sender.description,
		setAside(lines) {
			sender.setAside?.(lines);
			ledger.acknowledge(lines);
		},
		async send(lines) {
			await sender.send(lines);
			ledger.acknowledge(lines);
		},
		...(sendText === undefined
			? {}
			: {
					async sendText(text: Uint8Array) {
						await sendText.call(sender, text);
						ledger.acknowledgeText(text);
					},
				}),
	};
}
