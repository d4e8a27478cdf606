import type {DataSourceRef} from '@grafana/schema';

/**
 * The uid of the provisioned InfluxDB data source (grafana/provisioning/datasources/influxdb.yaml).
 * Every panel and variable names it, so provisioned dashboards need no `__inputs` import step, which
 * file provisioning cannot resolve (grafana/grafana#10786).
 */
export const INFLUX_DATASOURCE_UID = 'dlms-logger-influxdb';

export const INFLUX_DATASOURCE: DataSourceRef = {type: 'influxdb', uid: INFLUX_DATASOURCE_UID};
