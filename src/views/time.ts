/**
 * The one way a point in time is shown. On the terminal: UTC to the second, `2026-12-01 07:39:04Z`
 * (sortable, unambiguous, short enough for a table column). In JSON: full ISO 8601 in UTC with
 * milliseconds, `2026-12-01T07:39:04.123Z`, as `Date.prototype.toISOString` writes it.
 *
 * Inputs are what servers and our own code hold: a Date, epoch milliseconds, or an ISO 8601 string
 * with any offset (`2026-12-01T08:39:04.1234567+01:00` from Octopus). A string that is not a time
 * is returned unchanged (made terminal-safe by the table or message it goes into), so a server's odd
 * value is shown rather than replaced by "Invalid Date"; null and undefined read as empty.
 */
export type TimeInput = Date | number | string | null | undefined

export function terminalTime(value: TimeInput): string {
  const date = toDate(value)
  if (!date) return value === null || value === undefined ? '' : String(value)
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`
}

export function jsonTime(value: TimeInput): string | null {
  const date = toDate(value)
  if (!date) return value === null || value === undefined ? null : String(value)
  return date.toISOString()
}

/** Only ISO 8601 strings are read as times: V8 would also read `12` or `May 5` as some date. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

function toDate(value: TimeInput): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined
  if (typeof value === 'string' && !ISO_DATE.test(value.trim())) return undefined
  const date = value instanceof Date ? value : new Date(typeof value === 'string' ? normalizeIso(value) : value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/**
 * Into the one form JavaScript's parser is specified for: a `T` between date and time, at most
 * three fractional digits (.NET writes seven: `.1234567`), an offset as `+hh:mm`, and `Z` when a
 * time has no offset (read as UTC, as the server's clock is, not as this machine's local time).
 */
function normalizeIso(text: string): string {
  const iso = text.trim().replace(' ', 'T').replace(/(T\d{2}:\d{2}:\d{2}\.\d{3})\d+/, '$1')
  if (/T[^Z+-]*$/.test(iso)) return `${iso}Z`
  return iso.replace(/(T.*[+-]\d{2})(\d{2})$/, '$1:$2')
}
