/** The IEC 62056-21 control characters (7-bit ASCII), as byte values. */
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ACK = 0x06;
export const NAK = 0x15;
export const LF = 0x0a;
export const CR = 0x0d;
export const NUL = 0x00;
/** `/`: starts every request and identification message. */
export const SLASH = 0x2f;
/** `!`: ends a request and the data block. */
export const BANG = 0x21;
/** `\`: introduces an enhanced identification character after the baud character. */
export const BACKSLASH = 0x5c;
/** DEL, sent as idle noise by some meters and IR heads (Itron ACE3000). */
export const DEL = 0x7f;
