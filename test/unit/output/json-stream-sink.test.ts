import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {JsonStreamSink} from '../../../src/output/json-stream-sink.ts';
import type {Point} from '../../../src/readings/point.ts';

const point = (value: number): Point => ({
	measurement: 'meter',
	tags: {meter: '50871031', obis: '1.6.1', unit: 'kW'},
	fields: {value},
	time: new Date('2016-05-04T11:45:00Z'),
});

function collect(stream: PassThrough): () => string {
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString('utf8');
	});
	return () => text;
}

describe('JsonStreamSink', () => {
	it('prints one JSON object per line: measurement, tags, fields and ISO time', async () => {
		const stream = new PassThrough();
		const output = collect(stream);
		await new JsonStreamSink(stream).write([point(24.31)]);
		expect(output()).toBe(
			'{"measurement":"meter","tags":{"meter":"50871031","obis":"1.6.1","unit":"kW"},' +
				'"fields":{"value":24.31},"time":"2016-05-04T11:45:00.000Z"}\n',
		);
	});

	it('prints every point of a write on its own line, in order', async () => {
		const stream = new PassThrough();
		const output = collect(stream);
		await new JsonStreamSink(stream).write([point(1), point(2), point(3)]);
		const lines = output().split('\n');
		expect(lines.pop()).toBe('');
		expect(lines.map((line) => (JSON.parse(line) as {fields: {value: number}}).fields.value)).toEqual([
			1, 2, 3,
		]);
	});

	it('keeps a text with quotes and a newline on one line, readable back', async () => {
		const stream = new PassThrough();
		const output = collect(stream);
		const text: Point = {...point(0), fields: {text: 'a "quoted"\nline'}};
		await new JsonStreamSink(stream).write([text]);
		expect(output().split('\n')).toHaveLength(2);
		expect((JSON.parse(output()) as {fields: unknown}).fields).toEqual({text: 'a "quoted"\nline'});
	});

	it('prints nothing for an empty write', async () => {
		const stream = new PassThrough();
		const output = collect(stream);
		await new JsonStreamSink(stream).write([]);
		expect(output()).toBe('');
	});

	it('resolves a write only once the stream took the text', async () => {
		const stream = new PassThrough({highWaterMark: 16});
		let written = false;
		const writing = new JsonStreamSink(stream).write([point(1)]).then(() => {
			written = true;
		});
		await new Promise((resolve) => setImmediate(resolve));
		expect(written).toBe(false);
		stream.resume();
		await writing;
		expect(written).toBe(true);
	});

	it('has nothing pending: flush answers true and close does not end the stream', async () => {
		const stream = new PassThrough();
		const sink = new JsonStreamSink(stream);
		expect(await sink.flush()).toBe(true);
		await sink.close();
		expect(stream.writableEnded).toBe(false);
	});
});
