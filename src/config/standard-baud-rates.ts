/**
 * The data rates of IEC 62056-21's baud-rate characters (mode C `0`–`6`, §6.3.14 item 12), Bd: what
 * `baud_max` and `read --baud-max` take. Apart from the schema, so a command can use it without zod.
 */
export const STANDARD_BAUD_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200] as const;
