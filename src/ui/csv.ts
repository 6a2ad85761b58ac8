/** CSV fields for the reports that print CSV (`leases report`, `pool usage`). */

/**
 * One RFC 4180 field: quoted when it holds a quote, comma, CR or LF (so a newline in a name stays
 * inside its field). A text starting with = + - @ TAB or CR would run as a formula when the CSV
 * is opened in a spreadsheet (CSV injection, OWASP): such text, which can only be a server's name,
 * is prefixed with an apostrophe. Numbers are never prefixed.
 */
export function csvField(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
