import {PassThrough, Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {LineProtocolStreamSink} from '../../../src/output/line-protocol-stream-sink.ts';
import type {Point} from '../../../src/readings/point.ts';

const point = (value: number, obis = '1.8.1'): Point => ({
	measurement: 'meter',
	tags: {meter: '50871031', obis, unit: 'kWh'},
	fields: {value},
	// 2016-05-04T12:00:00Z plus `value` seconds.
	time: new Date(Date.UTC(2016, 4, 4, 12, 0, value)),
});

function collect(stream: PassThrough): () => string {
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString('utf8');
	});
	return () => text;
}

describe('LineProtocolStreamSink', () => {
	it('prints each point as one line of line protocol with a seconds timestamp', async () => {
		const stream = new PassThrough();
		const output = collect(stream);
		await new LineProtocolStreamSink(stream).write([point(1), point(2, '1.8.2')]);
		expect(output()).toBe(
			'meter,meter=50871031,obis=1.8.1,unit=kWh value=1 1462363201\n' +
				'meter,meter=50871031,obis=1.8.2,unit=kWh value=2 1462363202\n',
		);
	});

	it('keeps the order of successive writes', async () => {
		const stream = new PassThrough();
		const output = collect(stream);
		const sink = new LineProtocolStreamSink(stream);
		await sink.write([point(1)]);
		await sink.write([point(2)]);
		await sink.write([point(3)]);
		expect(output().match(/value=\d+/g)).toEqual(['value=1', 'value=2', 'value=3']);
	});

	it('prints a text field quoted', async () => {
		const stream = new PassThrough();
		const output = collect(stream);
		const text: Point = {...point(0, 'F.F'), tags: {meter: 'm', obis: 'F.F'}, fields: {text: '00000000'}};
		await new LineProtocolStreamSink(stream).write([text]);
		expect(output()).toBe('meter,meter=m,obis=F.F text="00000000" 1462363200\n');
	});

	it('prints nothing for an empty write', async () => {
		const stream = new PassThrough();
		const output = collect(stream);
		await new LineProtocolStreamSink(stream).write([]);
		expect(output()).toBe('');
	});

	it('resolves a write only once the stream took the text', async () => {
		const stream = new PassThrough({highWaterMark: 16});
		let written = false;
		const writing = new LineProtocolStreamSink(stream).write([point(1), point(2)]).then(() => {
			written = true;
		});
		// Nobody reads yet: the PassThrough holds the text and does not call back.
		await new Promise((resolve) => setImmediate(resolve));
		expect(written).toBe(false);
		stream.resume();
		await writing;
		expect(written).toBe(true);
	});

	it('rejects a write the stream fails', async () => {
		const stream = new Writable({
			write(_chunk, _encoding, callback) {
				callback(new Error('EPIPE'));
			},
		});
		// The stream also emits 'error'; the caller owning the stream listens for it.
		stream.on('error', () => undefined);
		await expect(new LineProtocolStreamSink(stream).write([point(1)])).rejects.toThrow('EPIPE');
	});

	it('has nothing pending: flush answers true and close does not end the stream', async () => {
		const stream = new PassThrough();
		const sink = new LineProtocolStreamSink(stream);
		expect(await sink.flush()).toBe(true);
		await sink.close();
		expect(stream.writableEnded).toBe(false);
	});
});
