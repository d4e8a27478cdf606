import type {MeterConfig} from '../config/config-schema.ts';
import type {ReadoutOptions} from './readout-options.ts';

/**
 * What a user sets about a readout, in config.yaml's words (durations in ms, as the schema gives them).
 * `dlms-logger read` maps its flags onto the same shape, so config and CLI build options in one place.
 */
export type ReadoutSettings = Pick<
	MeterConfig,
	'mode' | 'address' | 'baud_max' | 'ignore_bcc' | 'wake_up' | 'push' | 'timeouts'
>;

/** What the caller adds for one readout: the query character, the plan to start with, the abort signal. */
export interface ReadoutContext {
	readonly queryChar?: string | undefined;
	readonly remembered?: ReadoutOptions['remembered'];
	readonly signal?: AbortSignal | undefined;
}

/** The session's options from a meter's settings; unset settings keep the session's defaults. */
export function readoutOptionsFrom(settings: ReadoutSettings, context: ReadoutContext = {}): ReadoutOptions {
	const timeouts = settings.timeouts ?? {};
	const push = settings.push;
	return {
		mode: settings.mode,
		ignoreBlockCheck: settings.ignore_bcc,
		wakeUp: settings.wake_up,
		...(settings.address === undefined ? {} : {address: settings.address}),
		...(settings.baud_max === undefined ? {} : {baudMax: settings.baud_max}),
		...(push === undefined
			? {}
			: {
					pushSettings: {
						baudRate: push.baud,
						dataBits: push.data_bits,
						// 8 data bits come without parity (8N1, most DSMR meters); 7 with even parity (7E1).
						parity: push.data_bits === 8 ? 'none' : 'even',
						stopBits: 1,
					},
				}),
		...(timeouts.identification === undefined ? {} : {identificationTimeoutMs: timeouts.identification}),
		...(timeouts.data === undefined ? {} : {dataTimeoutMs: timeouts.data}),
		...(timeouts.inter_character === undefined ? {} : {interCharacterTimeoutMs: timeouts.inter_character}),
		...(timeouts.total === undefined ? {} : {totalTimeoutMs: timeouts.total}),
		...(timeouts.switch_guard === undefined ? {} : {switchGuardMs: timeouts.switch_guard}),
		...(timeouts.settle === undefined ? {} : {settleMs: timeouts.settle}),
		...(context.queryChar === undefined ? {} : {queryChar: context.queryChar}),
		...(context.remembered === undefined ? {} : {remembered: context.remembered}),
		...(context.signal === undefined ? {} : {signal: context.signal}),
	};
}
