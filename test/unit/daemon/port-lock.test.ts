import {describe, expect, it} from 'vitest';
import {PortLock} from '../../../src/daemon/port-lock.ts';

describe('PortLock', () => {
	it('runs work on one port one after another, in order', async () => {
		const lock = new PortLock({quietGapMs: 0});
		const order: string[] = [];
		const step = (name: string, ms: number) =>
			lock.run('/dev/ttyUSB0', async () => {
				order.push(`${name} start`);
				await new Promise((resolve) => setTimeout(resolve, ms));
				order.push(`${name} end`);
			});
		await Promise.all([step('a', 20), step('b', 1), step('c', 1)]);
		expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
	});

	it('lets different ports run at the same time', async () => {
		const lock = new PortLock({quietGapMs: 0});
		const order: string[] = [];
		await Promise.all([
			lock.run('a', async () => {
				order.push('a start');
				await new Promise((resolve) => setTimeout(resolve, 20));
				order.push('a end');
			}),
			lock.run('b', async () => {
				order.push('b start');
			}),
		]);
		expect(order.indexOf('b start')).toBeLessThan(order.indexOf('a end'));
	});

	it('keeps the port quiet for the gap between two conversations', async () => {
		const lock = new PortLock({quietGapMs: 50});
		let firstEnd = 0;
		let secondStart = 0;
		await Promise.all([
			lock.run('p', async () => {
				firstEnd = Date.now();
			}),
			lock.run('p', async () => {
				secondStart = Date.now();
			}),
		]);
		expect(secondStart - firstEnd).toBeGreaterThanOrEqual(49);
	});

	it('refuses a negative gap, naming the option', () => {
		expect(() => new PortLock({quietGapMs: -1})).toThrow(/quietGapMs/);
	});

	it('releases the port when the work fails', async () => {
		const lock = new PortLock({quietGapMs: 0});
		await expect(lock.run('p', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		await expect(lock.run('p', async () => 'next')).resolves.toBe('next');
	});
});
