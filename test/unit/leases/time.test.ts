import {describe, expect, it, vi} from 'vitest'
import {parsePointInTime, parseWindow} from '../../../src/text/points-in-time.js'
import {CliError} from '../../../src/text/errors.js'

const now = Date.parse('2026-03-10T12:00:00Z')

function usageErrorOf(fn: () => unknown): CliError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    expect((error as CliError).exitCode).toBe(2)
    return error as CliError
  }
  throw new Error('expected a usage error')
}

describe('--since/--until', () => {
  it('reads durations back from now and dates', () => {
    expect(parsePointInTime('since', '24h', now)).toBe(now - 86_400_000)
    expect(parsePointInTime('since', '7d', now)).toBe(now - 7 * 86_400_000)
    expect(parsePointInTime('since', '2 weeks', now)).toBe(now - 14 * 86_400_000)
    // The grammar every duration flag takes: combinations too.
    expect(parsePointInTime('since', '1h30m', now)).toBe(now - 5_400_000)
    expect(parsePointInTime('since', '1d12h', now)).toBe(now - 36 * 3_600_000)
    expect(parsePointInTime('since', '2026-03-01', now)).toBe(Date.parse('2026-03-01T00:00:00Z'))
    expect(parsePointInTime('since', '2026-03-01T06:30:00Z', now)).toBe(Date.parse('2026-03-01T06:30:00Z'))
    expect(parsePointInTime('since', '2026-03-01 06:30:00+02:00', now)).toBe(Date.parse('2026-03-01T04:30:00Z'))
  })

  it('defaults to the last 24 hours', () => {
    expect(parseWindow(undefined, undefined, now)).toEqual({since: now - 86_400_000, until: now})
  })

  it('rejects unparsable values, a future --since, and --until before --since', () => {
    expect(usageErrorOf(() => parseWindow('yesterday-ish', undefined, now)).message).toMatch(/not a duration/)
    // A bare number is no point in time: days? hours?
    expect(usageErrorOf(() => parseWindow('7', undefined, now)).message).toBe("--since '7' is not a duration (e.g. 24h, 7d, 1h30m) or a date (e.g. 2026-03-01 or 2026-03-01T12:00:00Z).")
    expect(usageErrorOf(() => parseWindow('2026-13-45', undefined, now)).message).toMatch(/not a duration/)
    expect(usageErrorOf(() => parseWindow('2030-01-01', undefined, now)).message).toMatch(/in the future/)
    expect(usageErrorOf(() => parseWindow('2026-03-05', '2026-03-01', now)).message).toMatch(/must be after --since/)
    expect(usageErrorOf(() => parseWindow('1h', '2h', now)).message).toMatch(/must be after --since/)
  })
})

describe('monotonicWallClock', () => {
  it('follows the monotonic clock from the wall time at creation, so it never steps back when the wall clock does', async () => {
    const {monotonicWallClock} = await import('../../../src/text/points-in-time.js')
    let mono = 1_000
    let wall = Date.UTC(2026, 0, 1)
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => wall)
    try {
      const clock = monotonicWallClock(undefined, () => mono)
      expect(clock()).toBe(Date.UTC(2026, 0, 1))
      // The wall clock is corrected 250 ms back while 100 ms pass.
      wall -= 250
      mono += 100
      expect(clock()).toBe(Date.UTC(2026, 0, 1) + 100)
    } finally {
      spy.mockRestore()
    }
  })
})
