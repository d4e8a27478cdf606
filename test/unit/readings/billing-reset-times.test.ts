import {describe, expect, it} from 'vitest';
import type {DataSet} from '../../../src/iec62056/data-set.ts';
import {billingResetTimes, counterPeriods} from '../../../src/readings/billing-reset-times.ts';
import {dataSetsOf} from '../../helpers/data-block-lines.ts';
import {fixtureTelegram} from '../../helpers/fixture-telegram.ts';

function fixture(name: string): DataSet[] {
	return fixtureTelegram(name).dataSets;
}

const MIDNIGHT = {hour: 0, minute: 0, second: 0};

describe('billingResetTimes', () => {
	describe('stamps per period', () => {
		it('takes each period reset from its full 0.1.2*NN stamp', () => {
			const resets = billingResetTimes(fixture('iskra-mt174-c'));
			expect([...resets.keys()].sort()).toEqual(['*01', '*02', '*03', '*15']);
			expect(resets.get('*01')).toMatchObject({year: 2017, month: 3, day: 1, ...MIDNIGHT});
			expect(resets.get('*15')).toMatchObject({year: 2016, month: 1, day: 1, ...MIDNIGHT});
		});

		it('keeps the season digit of a 13-digit reset stamp', () => {
			const resets = billingResetTimes(fixture('aux-sx330-c'));
			expect(resets.get('*6')).toMatchObject({year: 2025, month: 6, day: 1, ...MIDNIGHT, season: 'summer'});
			expect(resets.get('*7')).toMatchObject({year: 2025, month: 5, day: 1, ...MIDNIGHT, season: 'summer'});
		});

		it('keys periods by NN exactly as written', () => {
			const resets = billingResetTimes(dataSetsOf('0.1.2*04(1604010000)', '0.1.2*101(1605010000)'));
			expect([...resets.keys()].sort()).toEqual(['*04', '*101']);
		});

		it('joins a 0.1.3*NN date with the 0.1.2*NN time of day', () => {
			const resets = billingResetTimes(dataSetsOf('0.1.3*04(160401)', '0.1.2*04(1215)'));
			expect(resets.get('*04')).toMatchObject({
				year: 2016,
				month: 4,
				day: 1,
				hour: 12,
				minute: 15,
				second: 0,
			});
		});

		it('takes a 0.1.3*NN date without a time of day as midnight', () => {
			const resets = billingResetTimes(dataSetsOf('0.1.3*04(160401)'));
			expect(resets.get('*04')).toMatchObject({year: 2016, month: 4, day: 1, ...MIDNIGHT});
		});

		it('gives no reset for a period that has only a time of day', () => {
			expect(billingResetTimes(dataSetsOf('0.1.2*04(1215)')).has('*04')).toBe(false);
		});

		it('gives no reset for an all-zero full stamp', () => {
			expect(billingResetTimes(dataSetsOf('0.1.2*03(0000000000)')).has('*03')).toBe(false);
		});

		it('gives no reset for an all-zero date even with a time of day', () => {
			expect(billingResetTimes(dataSetsOf('0.1.3*03(000000)', '0.1.2*03(0000)')).has('*03')).toBe(false);
		});

		it('ignores registers other than 0.1.x', () => {
			const resets = billingResetTimes(dataSetsOf('1.6.1*03(26.14*kW)(1510221000)', '0.9.2*03(160511)'));
			expect(resets.size).toBe(0);
		});
	});

	describe('the current counter 0.1.0', () => {
		it('names the period of the unstarred 0.1.3 date and 0.1.2 time', () => {
			const resets = billingResetTimes(dataSetsOf('1-1:0.1.0(09)', '1-1:0.1.2(0000)', '1-1:0.1.3(160501)'));
			expect(resets.get('*09')).toMatchObject({year: 2016, month: 5, day: 1, ...MIDNIGHT});
		});

		it('matches a counter written without padding to a padded period suffix', () => {
			const resets = billingResetTimes(dataSetsOf('0.1.0(1)', '0.1.3(160501)'));
			expect(resets.get('*01')).toMatchObject({year: 2016, month: 5, day: 1});
			expect(resets.get('*1')).toMatchObject({year: 2016, month: 5, day: 1});
		});

		it('takes 0.1.0*255 as the current counter', () => {
			const resets = billingResetTimes(dataSetsOf('1-0:0.1.0*255(05)', '1-0:0.1.2*255(1604010000)'));
			expect(resets.get('*05')).toMatchObject({year: 2016, month: 4, day: 1, ...MIDNIGHT});
		});

		it('places no unstarred reset when the readout has no counter', () => {
			expect(billingResetTimes(dataSetsOf('0.1.2(0000)', '0.1.3(160501)')).size).toBe(0);
		});

		it('places no reset for the smarthomeNG dlms plugin verbose readout, which sends a counter but no reset stamp', () => {
			expect(billingResetTimes(fixture('landisgyr-zmd120-c-verbose')).size).toBe(0);
		});

		it('ignores a counter that is not a whole number', () => {
			expect(billingResetTimes(dataSetsOf('0.1.0(A9)', '0.1.3(160501)')).size).toBe(0);
		});

		it('prefers a period own 0.1.2*NN stamp to the one derived from the counter', () => {
			const resets = billingResetTimes(
				dataSetsOf('0.1.0(09)', '0.1.2*09(1604010000)', '0.1.2(0000)', '0.1.3(160501)'),
			);
			expect(resets.get('*09')).toMatchObject({year: 2016, month: 4, day: 1});
		});
	});

	describe('the second billing scheme', () => {
		it('never lets a 0.1.2&NN stamp replace the reset of *NN', () => {
			const resets = billingResetTimes(
				dataSetsOf('0.1.0(07)', '0.1.2*07(1601010000)', '0.1.2&07(1602010000)'),
			);
			expect(resets.get('*07')).toMatchObject({year: 2016, month: 1, day: 1});
		});

		it('keeps the 0.1.2&NN stamp for the &NN history of its own scheme', () => {
			const resets = billingResetTimes(dataSetsOf('0.1.2*07(1601010000)', '0.1.2&07(1602010000)'));
			expect(resets.get('&07')).toMatchObject({year: 2016, month: 2, day: 1});
		});
	});
});

describe('counterPeriods', () => {
	it('names the period in the width written and in 1, 2 and 3 digits', () => {
		expect(new Set(counterPeriods('05', 5))).toEqual(new Set(['*5', '*05', '*005']));
		expect(new Set(counterPeriods('1', 1))).toEqual(new Set(['*1', '*01', '*001']));
		expect(counterPeriods('0012', 12)).toContain('*0012');
		expect(new Set(counterPeriods('117', 117))).toEqual(new Set(['*117']));
	});
});
