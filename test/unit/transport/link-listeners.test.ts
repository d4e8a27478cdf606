import {describe, expect, it} from 'vitest';
import {LinkError} from '../../../src/transport/link-errors.ts';
import {LinkListeners} from '../../../src/transport/link-listeners.ts';

describe('LinkListeners', () => {
	it('delivers data to every listener until it unsubscribes', () => {
		const listeners = new LinkListeners();
		const seen: string[] = [];
		const stop = listeners.onData((chunk) => seen.push(`a:${chunk.toString()}`));
		listeners.onData((chunk) => seen.push(`b:${chunk.toString()}`));
		listeners.emitData(Buffer.from('1'));
		stop();
		listeners.emitData(Buffer.from('2'));
		expect(seen).toEqual(['a:1', 'b:1', 'b:2']);
	});

	it('delivers the close reason', () => {
		const listeners = new LinkListeners();
		const reasons: (LinkError | undefined)[] = [];
		listeners.onClose((error) => reasons.push(error));
		const error = new LinkError('/dev/ttyUSB0', 'disconnected');
		listeners.emitClose(error);
		listeners.emitClose(undefined);
		expect(reasons).toEqual([error, undefined]);
	});
});
