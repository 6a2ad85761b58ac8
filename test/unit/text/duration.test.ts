import {describe, expect, it} from 'vitest'
import {DurationSyntaxError, MAX_TIMER_MS, formatDuration, parseDuration} from '../../../src/text/duration.js'

const SECONDS = {bareSeconds: true}
const UNIT_REQUIRED = {bareSeconds: false}

describe('parseDuration: the one grammar of every duration flag', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['7d', 7 * 86_400_000],
    ['1d12h', 36 * 3_600_000],
    ['2w', 14 * 86_400_000],
    ['1w2d3h4m5s', (((7 + 2) * 24 + 3) * 60 + 4) * 60_000 + 5000],
    ['250ms', 250],
    ['1s500ms', 1500],
    ['1.5h', 5_400_000],
    ['0.1s', 100],
    ['2 weeks', 14 * 86_400_000],
    ['3 days', 3 * 86_400_000],
    ['90 min', 5_400_000],
    ['10 seconds', 10_000],
    [' 2M ', 120_000],
    ['01h05m', 3_900_000],
    ['0s', 0],
  ])('%j = %d ms', (text, ms) => {
    expect(parseDuration(text, SECONDS)).toBe(ms)
    expect(parseDuration(text, UNIT_REQUIRED)).toBe(ms)
  })

  it('prints what it parses: formatDuration\'s output reads back as the value it rounds to', () => {
    for (const ms of [850, 12_000, 185_000, 3_720_000, 2 * 86_400_000 + 3 * 3_600_000]) expect(parseDuration(formatDuration(ms), UNIT_REQUIRED)).toBe(ms)
  })

  it('a bare number is seconds where the flag allows it (what scripts pass to a timeout or a wait)', () => {
    expect(parseDuration('120', SECONDS)).toBe(120_000)
    expect(parseDuration('0.5', SECONDS)).toBe(500)
  })

  it('a bare number is refused where it could mean anything', () => {
    expect(() => parseDuration('7', UNIT_REQUIRED)).toThrow(new DurationSyntaxError('has no unit; give a duration such as 90s, 30m, 1h30m, 7d or 2w'))
  })

  it.each([
    ['', 'is empty; give a duration such as 90s, 30m, 1h30m, 7d or 2w'],
    ['   ', 'is empty; give a duration such as 90s, 30m, 1h30m, 7d or 2w'],
    ['soon', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['-5s', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['-5', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['1e3', "has an unknown unit 'e'; the units are w, d, h, m, s and ms (e.g. 90s, 30m, 1h30m, 7d or 2w)"],
    ['0x10', "has an unknown unit 'x'; the units are w, d, h, m, s and ms (e.g. 90s, 30m, 1h30m, 7d or 2w)"],
    ['Infinity', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['10x', "has an unknown unit 'x'; the units are w, d, h, m, s and ms (e.g. 90s, 30m, 1h30m, 7d or 2w)"],
    ['2y', "has an unknown unit 'y'; the units are w, d, h, m, s and ms (e.g. 90s, 30m, 1h30m, 7d or 2w)"],
    ['m', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['1h30', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['30m1h', 'gives its units out of order or twice; write the largest first, each once (e.g. 1h30m, 1d12h)'],
    ['1h1h', 'gives its units out of order or twice; write the largest first, each once (e.g. 1h30m, 1d12h)'],
    ['1h,30m', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['.5h', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['5.h', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
    ['1h\n30m', 'is not a duration; give one such as 90s, 30m, 1h30m, 7d or 2w (a bare number is seconds)'],
  ])('%j is refused: %s', (text, reason) => {
    let error: unknown
    try {
      parseDuration(text, SECONDS)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(DurationSyntaxError)
    expect((error as Error).message).toBe(reason)
    expect((error as Error).message).not.toContain('\n')
  })
})

describe('formatDuration: the one way a duration is printed', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [850, '850ms'],
    [12_000, '12s'],
    [12_400, '12s'],
    [185_000, '3m 05s'],
    [3_600_000, '1h 00m'],
    [3_720_000, '1h 02m'],
    [86_400_000, '1d 00h'],
    [2 * 86_400_000 + 3 * 3_600_000 + 59_000, '2d 03h'],
    [MAX_TIMER_MS, '24d 20h'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
