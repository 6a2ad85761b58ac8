/**
 * The one duration grammar of every duration flag, and the one way a duration is printed.
 *
 * Grammar: one or more `<number><unit>` parts, largest unit first, each unit at most once, spaces
 * between parts allowed: `90s`, `30m`, `1h30m`, `1h 30m`, `7d`, `1d12h`, `2w`, `1.5h`, `250ms`.
 * Units: w (week), d (day), h (hour), m (minute), s (second), ms; their words too (`2 weeks`,
 * `3 days`, `90 min`). A bare number (`120`, `0.5`) is a number of seconds where the flag allows
 * it (what scripts pass to a timeout, a wait or an interval); where a bare number could mean
 * anything (`--since 7`: days? hours?) the flag refuses it.
 */

const UNIT_MS = {w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1} as const
type Unit = keyof typeof UNIT_MS

/** Largest first: the order parts must come in. */
const UNIT_ORDER: readonly Unit[] = ['w', 'd', 'h', 'm', 's', 'ms']

const UNIT_WORDS: Record<string, Unit> = {
  w: 'w', wk: 'w', wks: 'w', week: 'w', weeks: 'w',
  d: 'd', day: 'd', days: 'd',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  ms: 'ms', msec: 'ms', msecs: 'ms', millisecond: 'ms', milliseconds: 'ms',
}

/**
 * Node timers hold at most 2^31-1 ms; a longer delay overflows and fires at once (with a
 * TimeoutOverflowWarning). Every flag that ends in a timer stays within this many seconds.
 */
export const MAX_TIMER_SECONDS = 2_147_483
export const MAX_TIMER_MS = MAX_TIMER_SECONDS * 1000

/** The examples every duration message shows, so that each flag teaches the same grammar. */
export const DURATION_EXAMPLES = '90s, 30m, 1h30m, 7d or 2w'

/** Why a text is not a duration: a sentence fragment that follows "<flag> '<text>' is ...". */
export class DurationSyntaxError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'DurationSyntaxError'
  }
}

export interface DurationGrammar {
  /** A bare number is that many seconds (true) or is refused for want of a unit (false). */
  bareSeconds: boolean
}

/**
 * Milliseconds of a duration in the grammar above. Throws DurationSyntaxError naming what is wrong
 * (no unit, an unknown unit, parts out of order...). Zero is a duration; ranges are the caller's.
 */
export function parseDuration(text: string, grammar: DurationGrammar): number {
  const input = text.trim().toLowerCase()
  if (input === '') throw new DurationSyntaxError(`is empty; give a duration such as ${DURATION_EXAMPLES}`)
  if (/^\d+(?:\.\d+)?$/.test(input)) {
    if (grammar.bareSeconds) return Number(input) * 1000
    throw new DurationSyntaxError(`has no unit; give a duration such as ${DURATION_EXAMPLES}`)
  }
  // Spaces between parts, not any whitespace: a newline in a value is a mistake, not a separator.
  const part = /(\d+(?:\.\d+)?) *([a-z]+) */y
  let total = 0
  let lastRank = -1
  let at = 0
  while (at < input.length) {
    part.lastIndex = at
    const m = part.exec(input)
    if (!m) throw new DurationSyntaxError(`is not a duration; give one such as ${DURATION_EXAMPLES}${grammar.bareSeconds ? ' (a bare number is seconds)' : ''}`)
    const unit = UNIT_WORDS[m[2]]
    if (unit === undefined) throw new DurationSyntaxError(`has an unknown unit '${m[2]}'; the units are w, d, h, m, s and ms (e.g. ${DURATION_EXAMPLES})`)
    const rank = UNIT_ORDER.indexOf(unit)
    if (rank <= lastRank) throw new DurationSyntaxError(`gives its units out of order or twice; write the largest first, each once (e.g. 1h30m, 1d12h)`)
    lastRank = rank
    total += Number(m[1]) * UNIT_MS[unit]
    at = part.lastIndex
  }
  return total
}

/**
 * A duration as every output prints it: the two largest units, compact, in the grammar the flags
 * take (so a printed duration can be pasted back): `850ms`, `12s`, `3m 05s`, `1h 02m`, `2d 03h`.
 * The second unit is zero-padded so durations line up in a column.
 */
export function formatDuration(ms: number): string {
  // Nothing is `0s`, in the unit of the durations it is listed beside (`1m 00s`), not `0ms`.
  if (Math.round(ms) <= 0) return '0s'
  if (ms < 1000) return `${Math.round(ms)}ms`
  const totalSeconds = Math.round(ms / 1000)
  const d = Math.floor(totalSeconds / 86_400)
  const h = Math.floor((totalSeconds % 86_400) / 3600)
  const m = Math.floor((totalSeconds % 3600) / 60)
  const s = totalSeconds % 60
  const pad = (n: number) => String(n).padStart(2, '0')
  if (d > 0) return `${d}d ${pad(h)}h`
  if (h > 0) return `${h}h ${pad(m)}m`
  if (m > 0) return `${m}m ${pad(s)}s`
  return `${s}s`
}
