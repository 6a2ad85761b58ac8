/** Pure parsing of the points in time of the `leases` commands: --since, --until. */
import {usageError} from './errors.js'
import {parseDuration} from './duration.js'

/** A duration back from now, or undefined when the text is not one (then it may be a date). */
function durationAgo(text: string): number | undefined {
  try {
    // A bare number is no point in time: `--since 7` could mean days or hours.
    return parseDuration(text, {bareSeconds: false})
  } catch {
    return undefined
  }
}

/** How far back a duration may reach: a century is beyond any Octopus history and well inside what a date can hold. */
export const MAX_LOOKBACK_DAYS = 36_500

/**
 * A point in time: a duration back from `now` (`24h`, `7d`) or a date/date-time (`2026-03-01`,
 * `2026-03-01T12:00:00Z`; a date alone is midnight UTC). Unparsable → exit 2.
 */
export function parsePointInTime(flag: string, value: string, now: number): number {
  const ago = durationAgo(value)
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
  throw usageError(`--${flag} '${value}' is not a duration (e.g. 24h, 7d, 1h30m) or a date (e.g. 2026-03-01 or 2026-03-01T12:00:00Z).`)
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

/**
 * Wall-clock milliseconds that never go backwards: the wall time at creation plus the monotonic
 * time elapsed since (performance.now). Date.now() can step back (NTP, VM clock corrections); a
 * stream stamped from it could print a Released before an earlier event's time.
 */
export function monotonicWallClock(startWallMs = Date.now(), monotonicMs: () => number = () => performance.now()): () => number {
  const startMonotonic = monotonicMs()
  return () => startWallMs + (monotonicMs() - startMonotonic)
}
