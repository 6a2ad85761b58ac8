/** Pure parsing of the time flags of the `leases` commands: --interval, --since, --until, --duration. */
import {usageError} from '../errors.js'

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
}

/** `24h`, `7d`, `90m`, `1.5h`, `2w` → milliseconds; undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text)
  if (!m) return undefined
  const unit = UNIT_MS[m[2].toLowerCase()]
  if (unit === undefined) return undefined
  return Number(m[1]) * unit
}

/** A positive number of seconds (fractions allowed, e.g. 0.2), else exit 2 naming the flag. */
export function parsePositiveSeconds(flag: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw usageError(`--${flag} must be a positive number of seconds (e.g. 2 or 0.5), not '${value}'.`)
  }
  return n
}

/** A whole number ≥ 1, else exit 2. */
export function parsePositiveInteger(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw usageError(`--${flag} must be a whole number of 1 or more, not '${value}'.`)
  return n
}

/**
 * A point in time: a duration back from `now` (`24h`, `7d`) or a date/date-time (`2026-03-01`,
 * `2026-03-01T12:00:00Z`; a date alone is midnight UTC). Unparsable → exit 2.
 */
export function parsePointInTime(flag: string, value: string, now: number): number {
  const ago = parseDurationMs(value)
  if (ago !== undefined) return now - ago
  const trimmed = value.trim()
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(trimmed)) {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(trimmed)
    const t = Date.parse(dateOnly ? `${trimmed}T00:00:00Z` : trimmed.replace(' ', 'T'))
    if (Number.isFinite(t)) return t
  }
  throw usageError(`--${flag} '${value}' is not a duration (e.g. 24h, 7d, 90m) or a date (e.g. 2026-03-01 or 2026-03-01T12:00:00Z).`)
}

export interface ReportWindow {
  since: number
  until: number
}

/** --since (default 24h) and --until (default now): since not in the future, until after since. */
export function parseWindow(sinceFlag: string | undefined, untilFlag: string | undefined, now: number): ReportWindow {
  const since = parsePointInTime('since', sinceFlag ?? '24h', now)
  if (since > now) throw usageError(`--since ${sinceFlag} is in the future (${new Date(since).toISOString()}); give a past date or a duration such as 24h.`)
  const until = untilFlag === undefined ? now : parsePointInTime('until', untilFlag, now)
  if (until <= since) {
    throw usageError(`--until (${new Date(until).toISOString()}) must be after --since (${new Date(since).toISOString()}).`)
  }
  return {since, until}
}

/** `1h 02m`, `3m 05s`, `12s`, `850ms`: compact and human. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const totalSeconds = Math.round(ms / 1000)
  const h = Math.floor(totalSeconds / 3600)
  const m = Math.floor((totalSeconds % 3600) / 60)
  const s = totalSeconds % 60
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`
  return `${s}s`
}

/**
 * Wall-clock milliseconds that never go backwards: the wall time at creation plus the monotonic
 * time elapsed since (performance.now). Date.now() can step back (NTP, VM clock corrections); a
 * stream stamped from it could print a Released before an earlier event's time.
 */
export function monotonicWallClock(startWallMs = Date.now(), monotonicMs: () => number = () => performance.now()): () => number {
  const startMonotonic = monotonicMs()
  return () => startWallMs + (monotonicMs() - startMonotonic)
}
