import {scanFrames} from '../iec62056/frame-scanner.ts';
import {type ProfileOptions, resolveProfileOptions, type SimulatorProfile} from './simulator-profile.ts';

/** A capture the simulator cannot serve: no identification, or no complete data message. */
export class UnusableCaptureError extends Error {
	readonly place: string;

	constructor(place: string, reason: string) {
		super(`${place}: ${reason}`);
		this.name = 'UnusableCaptureError';
		this.place = place;
	}
}

export interface CapturedTelegramOptions extends ProfileOptions {
	/** Where the bytes came from, for messages and the profile's name. Default `capture`. */
	readonly place?: string;
	/** Push rate for a captured push telegram, Bd. Default 9600 (Easymeter, EMH, eBZ). */
	readonly pushBaudRate?: number;
}

/**
 * Serves a captured readout (a fixture's `input.bin`) byte for byte: its identification and its
 * data message exactly as recorded, wrong BCC and all. A push telegram (no STX) makes a push meter.
 * The values do not change with time.
 */
export function createCapturedTelegramProfile(
	bytes: Uint8Array,
	options: CapturedTelegramOptions = {},
): SimulatorProfile {
	const {pushIntervalMs} = resolveProfileOptions(options);
	const place = options.place ?? 'capture';
	const pushBaudRate = options.pushBaudRate ?? 9600;
	if (!Number.isInteger(pushBaudRate) || pushBaudRate < 300) {
		throw new TypeError(
			`pushBaudRate must be an integer rate of at least 300, received ${String(pushBaudRate)}`,
		);
	}
	const frames = scanFrames(bytes);
	const data = frames.find((frame) => frame.kind === 'data-block');
	if (data === undefined) {
		throw new UnusableCaptureError(
			place,
			'no complete data message (STX … ETX BCC, or a push telegram ending in "!")',
		);
	}
	if (data.framing === 'push') {
		const identification = data.bytes.toString('latin1', 0, data.bytes.indexOf(0x0a) + 1);
		const message = data.bytes.subarray(identification.length);
		return {
			name: `telegram:${place}`,
			description: `captured push telegram from ${place}`,
			identification: identification.replace(/[\r\n]+$/, ''),
			push: {baudRate: pushBaudRate, intervalMs: pushIntervalMs},
			dataMessage: () => Buffer.from(message),
		};
	}
	const identification = frames.find((frame) => frame.kind === 'identification');
	if (identification === undefined) {
		throw new UnusableCaptureError(place, 'no identification line ("/XXX5…") before the data message');
	}
	return {
		name: `telegram:${place}`,
		description: `captured readout from ${place}`,
		identification: identification.bytes.toString('latin1').replace(/[\r\n]+$/, ''),
		dataMessage: () => Buffer.from(data.bytes),
	};
}
