import {type EventEmitter, once} from 'node:events';
import {createRequire} from 'node:module';

/** One value as smartmeter-obis reports it: a number when it parsed one, else the text; `''` for no unit. */
export interface SmartmeterObisValue {
	readonly value: number | string;
	readonly unit: string;
}

/** What smartmeter-obis 4 made of one readout, keyed by its `idToString()` (e.g. `1-1:1.8.1`, `97.97`). */
export interface SmartmeterObisReadout {
	readonly values: ReadonlyMap<string, readonly SmartmeterObisValue[]>;
	/** From process() to the data callback, ms. */
	readonly elapsedMs: number;
	/** Errors it reported along the way (it reports unparsable data sets and carries on). */
	readonly errors: readonly Error[];
}

export interface SmartmeterObisReadOptions {
	/** Give up after this long, ms. Default 20 000. */
	readonly timeoutMs?: number;
}

interface Measurement {
	readonly values: readonly {value: number | string; unit?: string}[];
	idToString(): string;
}

interface Transport {
	/** Its SerialPort (serialport 12), null once stopped. */
	serialComm: (EventEmitter & {readonly isOpen: boolean; readonly closing?: boolean}) | null | undefined;
	process(): void;
	stop(callback?: () => void): void;
}

interface SmartmeterObisModule {
	init(
		options: Record<string, unknown>,
		store: (error: Error | null, data: Record<string, Measurement> | null) => void,
	): Transport;
	ObisMeasurement: new (address: string) => Measurement;
}

const require = createRequire(import.meta.url);
const smartmeterObis = require('smartmeter-obis') as SmartmeterObisModule;

/** smartmeter-obis's own OBIS normalisation, so our addresses can be matched to its keys. */
export function smartmeterObisKey(address: string): string | undefined {
	try {
		return new smartmeterObis.ObisMeasurement(address).idToString();
	} catch {
		return undefined;
	}
}

/**
 * One D0 readout with smartmeter-obis 4.0.0 (its own serialport 12 and native binding): D0Protocol
 * over SerialRequestResponseTransport, 300 Bd 7E1 sign-on, a single request (requestInterval -1 ends
 * after one message, 0 would sign on again at once). Resolves once its port is closed again.
 */
export async function readWithSmartmeterObis(
	path: string,
	options: SmartmeterObisReadOptions = {},
): Promise<SmartmeterObisReadout> {
	const timeoutMs = options.timeoutMs ?? 20_000;
	const errors: Error[] = [];
	let startedAt = 0;
	let settle: ((outcome: {data: Record<string, Measurement>; elapsedMs: number} | Error) => void) | undefined;
	const outcome = new Promise<{data: Record<string, Measurement>; elapsedMs: number} | Error>((resolve) => {
		settle = resolve;
	});
	const transport = smartmeterObis.init(
		{
			protocol: 'D0Protocol',
			transport: 'SerialRequestResponseTransport',
			transportSerialPort: path,
			transportSerialBaudrate: 300,
			transportSerialDataBits: 7,
			transportSerialParity: 'even',
			transportSerialStopBits: 1,
			requestInterval: -1,
			debug: 0,
			logger: () => undefined,
		},
		(error, data) => {
			if (error) errors.push(error);
			else if (data) settle?.({data, elapsedMs: performance.now() - startedAt});
		},
	);
	const timer = setTimeout(
		() =>
			settle?.(
				new Error(
					`smartmeter-obis: no readout within ${timeoutMs} ms${errors.length > 0 ? `: ${errors.map((error) => error.message).join('; ')}` : ''}`,
				),
			),
		timeoutMs,
	);
	startedAt = performance.now();
	transport.process();
	const result = await outcome;
	clearTimeout(timer);
	await stopped(transport);
	if (result instanceof Error) throw result;
	const values = new Map<string, SmartmeterObisValue[]>();
	for (const [key, measurement] of Object.entries(result.data)) {
		values.set(
			key,
			measurement.values.map((entry) => ({value: entry.value, unit: entry.unit ?? ''})),
		);
	}
	return {values, elapsedMs: result.elapsedMs, errors};
}

/**
 * After one message it closes its port and, with requestInterval -1, stops itself; stop() anyway (a
 * failed or timed-out run), and wait for the port's 'close' so no descriptor outlives the readout.
 */
async function stopped(transport: Transport): Promise<void> {
	const port = transport.serialComm;
	const closed =
		port && (port.isOpen || port.closing)
			? Promise.race([once(port, 'close'), new Promise((resolve) => setTimeout(resolve, 5000))])
			: Promise.resolve();
	await new Promise<void>((resolve) => transport.stop(resolve));
	await closed;
}
