import type {Dashboard} from '@grafana/schema';
import {energyDashboard} from './energy-dashboard.ts';
import {meterHealthDashboard} from './meter-health-dashboard.ts';
import {peakDemandDashboard} from './peak-demand-dashboard.ts';

export interface DashboardOptions {
	/** IANA zone of day and week boundaries, the `$tz` default. Default `Europe/Berlin`. */
	readonly timeZone?: string;
}

export const DEFAULT_DASHBOARD_OPTIONS: Required<DashboardOptions> = {timeZone: 'Europe/Berlin'};

/** The default prices, per kWh, in no particular currency: users set theirs in the dashboard. */
export const DEFAULT_PRICES = {t1: '0.30', t2: '0.22', feedIn: '0.08'} as const;

export interface DashboardFile {
	/** File name under grafana/dashboards/. */
	readonly name: string;
	readonly dashboard: Dashboard;
}

/** Every provisioned dashboard, with the file it is written to. */
export function dashboardFiles(options: DashboardOptions = {}): DashboardFile[] {
	const {timeZone} = {...DEFAULT_DASHBOARD_OPTIONS, ...options};
	return [
		{name: 'energy.json', dashboard: energyDashboard({timeZone, prices: DEFAULT_PRICES})},
		{name: 'peak-demand.json', dashboard: peakDemandDashboard()},
		{name: 'meter-health.json', dashboard: meterHealthDashboard()},
	];
}

/** The file's text: two-space JSON and a final newline, as committed. */
export function dashboardJson(dashboard: Dashboard): string {
	return `${JSON.stringify(dashboard, null, 2)}\n`;
}
