import type {SoakResult} from './soak-run.ts';

/** The soak's counts, one per line, as `npm run soak` prints them and docs/benchmarks.md quotes them. */
export function soakReport(result: SoakResult): string {
	const {check} = result;
	const faulty = [...check.faultyByKind].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none';
	const applied = [...result.faultsApplied].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none';
	const final = result.finalReadouts.map((readout) => `${readout.mode}/${readout.baudRate}`).join(', ');
	const metric = result.finalRateMetric
		? `${result.finalRateMetric.baudRate} Bd (mode ${result.finalRateMetric.mode})`
		: 'none';
	const list = (label: string, items: readonly string[], limit = 10) =>
		items.length === 0
			? []
			: [
					`  ${label}:`,
					...items.slice(0, limit).map((item) => `    ${item}`),
					...(items.length > limit ? [`    … ${items.length - limit} more`] : []),
				];
	return [
		`fault soak, seed ${result.seed}, ${(result.durationMs / 60_000).toFixed(1)} min`,
		`  telegrams sent: ${result.telegramsSent} (intact ${check.intact}, faulty ${result.telegramsSent - check.intact}: ${faulty})`,
		`  faults applied: ${applied}; meter hang-ups ${result.hangUps}`,
		`  readouts logged ok: ${result.readouts.ok}; failures warned: ${result.readouts.failed}; fell back within a readout: ${result.readouts.fellBack}`,
		`  owed (intact, read): ${check.owed}; stored whole: ${check.storedOwed}; missing: ${check.missing.length}`,
		`  in flight at a kill: ${check.inFlightAtKill}, of which stored: ${check.inFlightStored}`,
		`  push telegrams not listened to: ${check.notListened} (stored anyway: ${check.notListenedStored}); push readouts failed: ${result.pushReadoutsFailed}`,
		`  intact mode C telegrams never read (no kill): ${check.unread.length}; stored in part: ${check.partial.length}`,
		`  points in the database: ${check.storedPoints}; faulty values: ${check.faultyValues.length}; unknown values: ${check.unknownValues.length}; wrong times: ${check.wrongTimes.length}; wrong series: ${check.wrongSeries.length}; duplicates/extra: ${check.duplicates.length}`,
		`  kills (-9): ${result.kills}; influxd restarts: ${result.influxdRestarts}; plan changes: ${result.planChanges.length}`,
		`  final rate: last readouts ${final || 'none'}; readout_baud_rate ${metric}`,
		...list('missing', check.missing),
		...list('never read', check.unread),
		...list('stored in part', check.partial),
		...list('faulty values', check.faultyValues),
		...list('unknown values', check.unknownValues),
		...list('wrong times', check.wrongTimes),
		...list('wrong series', check.wrongSeries),
		...list('duplicates', check.duplicates),
		...list('reads matching no telegram', check.unmatchedReads),
		...list('plan changes', result.planChanges),
		...list('collector errors', result.collectorErrors),
		...list('meter notes', result.meterNotes, 40),
	].join('\n');
}

/** Whether the soak held every promise (what the test asserts one by one). */
export function soakPassed(result: SoakResult, announcedRate: number): boolean {
	const {check} = result;
	return (
		check.missing.length === 0 &&
		check.unread.length === 0 &&
		check.partial.length === 0 &&
		check.faultyValues.length === 0 &&
		check.unknownValues.length === 0 &&
		check.wrongTimes.length === 0 &&
		check.wrongSeries.length === 0 &&
		check.duplicates.length === 0 &&
		result.pushReadoutsFailed === 0 &&
		result.collectorErrors.length === 0 &&
		result.finalReadouts.length > 0 &&
		result.finalReadouts.every((readout) => readout.mode === 'C' && readout.baudRate === announcedRate) &&
		result.finalRateMetric?.baudRate === announcedRate &&
		result.planChanges.length === 0
	);
}
