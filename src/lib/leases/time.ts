/** Pure parsing of the time flags of the `leases` commands: --interval, --since, --until, --duration. */
import {usageError} from '../errors.js'
import {groupDigits} from '../../text/number.js'

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

/** Node timers hold at most 2^31-1 ms: a longer wait overflows and fires at once (TimeoutOverflowWarning). */
export const MAX_TIMER_SECONDS = 2_147_483

export interface SecondsRange {
  /** Smallest allowed value (inclusive); default: anything above 0. */
  min?: number
  /** Largest allowed value (inclusive); default MAX_TIMER_SECONDS. */
  max?: number
}

/**
 * A positive number of seconds (fractions allowed, e.g. 0.2) within `range`, else exit 2 naming
 * the flag and the range: every such flag ends in a timer, which must not overflow.
 */
export function parsePositiveSeconds(flag: string, value: string, range: SecondsRange = {}): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw usageError(`--${flag} must be a positive number of seconds (e.g. 2 or 0.5), not '${value}'.`)
  }
  const max = range.max ?? MAX_TIMER_SECONDS
  if ((range.min !== undefined && n < range.min) || n > max) {
    throw usageError(`--${flag} must be from ${range.min ?? 'above 0'} to ${groupDigits(max)} seconds, not '${value}'.`)
  }
  return n
}

/** `leases tail --interval`: at least 0.1 s (faster only floods the server), at most an hour. */
export const INTERVAL_RANGE: SecondsRange = {min: 0.1, max: 3600}

/** A whole number from 1 to 2^53-1, else exit 2. */
export function parsePositiveInteger(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1) throw usageError(`--${flag} must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, not '${value}'.`)
  return n
}

/** How far back a duration may reach: a century is beyond any Octopus history and well inside what a date can hold. */
export const MAX_LOOKBACK_DAYS = 36_500

/**
 * A point in time: a duration back from `now` (`24h`, `7d`) or a date/date-time (`2026-03-01`,
 * `2026-03-01T12:00:00Z`; a date alone is midnight UTC). Unparsable → exit 2.
 */
export function parsePointInTime(flag: string, value: string, now: number): number {
  const ago = parseDurationMs(value)
  if (ago !== undefined) {
    if (!(ago <= MAX_LOOKBACK_DAYS * 86_400_000)) {
      throw usageError(`--${flag} '${value}' is too far back: a duration may be at most ${MAX_LOOKBACK_DAYS}d (100 years); or give a date (e.g. 2026-03-01).`)
    }
    return now - ago
  }
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
