// CSV cells for the downloads the portal makes (the server's own CSV does
// the same in press.CSVText).

/**
 * One CSV field: quoted when it holds a quote, comma or line break. Text
 * that a spreadsheet would run as a formula (starting with =, +, - or @,
 * or with a tab or carriage return, which may hide one) gets a leading
 * apostrophe, as OWASP's "CSV injection" advice says; numbers are written
 * as they are, so a rank change of -2 stays a number.
 */
export function csvField(v) {
  let s = v == null ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** Rows of fields as CSV text with a byte order mark (so spreadsheets read UTF-8), lines ending in CRLF. */
export function csvText(rows) {
  return '\ufeff' + rows.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}
