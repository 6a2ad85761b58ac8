import {describe, expect, it, vi} from 'vitest'
import {formatDuration, parseDurationMs, parsePointInTime, parsePositiveSeconds, parseWindow} from '../../../src/lib/leases/time.js'
import {CliError} from '../../../src/lib/errors.js'

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

describe('durations', () => {
  it('parses units', () => {
    expect(parseDurationMs('24h')).toBe(86_400_000)
    expect(parseDurationMs('7d')).toBe(7 * 86_400_000)
    expect(parseDurationMs('90m')).toBe(5_400_000)
    expect(parseDurationMs('1.5h')).toBe(5_400_000)
    expect(parseDurationMs('2 weeks')).toBe(14 * 86_400_000)
    expect(parseDurationMs('soon')).toBeUndefined()
    expect(parseDurationMs('7')).toBeUndefined()
  })

  it('formats compactly', () => {
    expect(formatDuration(850)).toBe('850ms')
    expect(formatDuration(12_000)).toBe('12s')
    expect(formatDuration(185_000)).toBe('3m 05s')
    expect(formatDuration(3_720_000)).toBe('1h 02m')
  })
})

describe('--interval', () => {
  it('accepts positive seconds including fractions', () => {
    expect(parsePositiveSeconds('interval', '2')).toBe(2)
    expect(parsePositiveSeconds('interval', '0.2')).toBe(0.2)
  })

  it('rejects 0, negatives and junk with exit 2', () => {
    for (const bad of ['0', '-1', 'abc', '', 'Infinity']) expect(usageErrorOf(() => parsePositiveSeconds('interval', bad)).message).toMatch(/--interval must be a positive number/)
  })
})

describe('--since/--until', () => {
  it('reads durations back from now and dates', () => {
    expect(parsePointInTime('since', '24h', now)).toBe(now - 86_400_000)
    expect(parsePointInTime('since', '2026-03-01', now)).toBe(Date.parse('2026-03-01T00:00:00Z'))
    expect(parsePointInTime('since', '2026-03-01T06:30:00Z', now)).toBe(Date.parse('2026-03-01T06:30:00Z'))
    expect(parsePointInTime('since', '2026-03-01 06:30:00+02:00', now)).toBe(Date.parse('2026-03-01T04:30:00Z'))
  })

  it('defaults to the last 24 hours', () => {
    expect(parseWindow(undefined, undefined, now)).toEqual({since: now - 86_400_000, until: now})
  })

  it('rejects unparsable values, a future --since, and --until before --since', () => {
    expect(usageErrorOf(() => parseWindow('yesterday-ish', undefined, now)).message).toMatch(/not a duration/)
    expect(usageErrorOf(() => parseWindow('2026-13-45', undefined, now)).message).toMatch(/not a duration/)
    expect(usageErrorOf(() => parseWindow('2030-01-01', undefined, now)).message).toMatch(/in the future/)
    expect(usageErrorOf(() => parseWindow('2026-03-05', '2026-03-01', now)).message).toMatch(/must be after --since/)
    expect(usageErrorOf(() => parseWindow('1h', '2h', now)).message).toMatch(/must be after --since/)
  })
})

describe('monotonicWallClock', () => {
  it('follows the monotonic clock from the wall time at creation, so it never steps back when the wall clock does', async () => {
    const {monotonicWallClock} = await import('../../../src/lib/leases/time.js')
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
