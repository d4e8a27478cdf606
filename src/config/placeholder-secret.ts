/**
 * The secrets .env.example shipped as placeholders before it shipped them empty
 * (`INFLUX_TOKEN=change-me-to-a-long-random-token`, `INFLUXDB_ADMIN_PASSWORD=change-me-please`,
 * `GRAFANA_ADMIN_PASSWORD=change-me-please`). A `.env` copied then still holds them, and compose
 * starts with them (its `${VAR:?…}` refuses only empty values): the database's token would be one
 * anyone can read in the project's history. Only these exact values: other made-up tokens are fine
 * where the server ignores the token (VictoriaMetrics).
 */
const PLACEHOLDER_SECRETS: ReadonlySet<string> = new Set([
	'change-me-to-a-long-random-token',
	'change-me-please',
]);

/** Whether a secret (token or password) is still one of the placeholders of an older .env.example. */
export function isPlaceholderSecret(value: string): boolean {
	return PLACEHOLDER_SECRETS.has(value.trim());
}

/**
 * What to do about a placeholder secret: for the token, a random one (where InfluxDB was set up with
 * the placeholder, a new token made in InfluxDB: it keeps the one it was created with, and so do
 * Grafana and InfluxDB their admin passwords), and the passwords of the same old .env as well; for a
 * password, the database user's real one.
 */
export function placeholderSecretAdvice(name: 'token' | 'password'): string {
	return name === 'token'
		? "put a random token in .env (README, Docker); an InfluxDB already set up with the placeholder keeps it: create a new token in its UI for .env and delete the old one. Change passwords still change-me-please in InfluxDB's and Grafana's UI and in .env too"
		: "replace it with the database user's password";
}
