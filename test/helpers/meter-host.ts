import type {Frame} from '../../src/iec62056/frame.ts';
import {FrameScanner} from '../../src/iec62056/frame-scanner.ts';
import type {Link} from '../../src/transport/link.ts';

/** The host end of a conversation with the simulator: every byte it got, and the frames they make. */
export interface HostListener {
	readonly frames: Frame[];
	/** Every byte received so far. */
	bytes(): Buffer;
	/** Frames of one kind. */
	ofKind<K extends Frame['kind']>(kind: K): Extract<Frame, {kind: K}>[];
	/** The input is over: adds what the framer held back (a truncated block becomes an error frame). */
	end(): void;
}

export function listenAsHost(link: Link): HostListener {
	const scanner = new FrameScanner();
	const frames: Frame[] = [];
	const chunks: Buffer[] = [];
	link.onData((chunk) => {
		chunks.push(chunk);
		frames.push(...scanner.push(chunk));
	});
	return {
		frames,
		bytes: () => Buffer.concat(chunks),
		ofKind: <K extends Frame['kind']>(kind: K) =>
			frames.filter((frame): frame is Extract<Frame, {kind: K}> => frame.kind === kind),
		end: () => {
			frames.push(...scanner.end());
		},
	};
}
