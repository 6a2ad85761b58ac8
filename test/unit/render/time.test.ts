import {describe, expect, it} from 'vitest'
import {jsonTime, terminalTime} from '../../../src/views/time.js'

describe('terminalTime: one human style, UTC to the second', () => {
  it.each([
    ['an ISO string in UTC', '2026-12-01T07:39:04.123Z', '2026-12-01 07:39:04Z'],
    ['an Octopus time with an offset and seven fractional digits', '2026-12-01T08:39:04.1234567+01:00', '2026-12-01 07:39:04Z'],
    ['an offset without a colon', '2026-12-01T02:09:04-0530', '2026-12-01 07:39:04Z'],
    ['a time with no offset (read as UTC, not local time)', '2026-12-01T07:39:04', '2026-12-01 07:39:04Z'],
    ['its own output', '2026-12-01 07:39:04Z', '2026-12-01 07:39:04Z'],
    ['a date alone', '2026-12-01', '2026-12-01 00:00:00Z'],
  ])('%s', (_, input, expected) => {
    expect(terminalTime(input)).toBe(expected)
  })

  it('takes a Date and epoch milliseconds, and never rounds up a second', () => {
    expect(terminalTime(new Date(Date.UTC(2026, 11, 1, 7, 39, 4, 999)))).toBe('2026-12-01 07:39:04Z')
    expect(terminalTime(Date.UTC(2026, 11, 1, 7, 39, 4))).toBe('2026-12-01 07:39:04Z')
  })

  it('shows a value that is not a time as it is, and nothing for none', () => {
    expect(terminalTime('soon')).toBe('soon')
    expect(terminalTime('12')).toBe('12')
    expect(terminalTime('2026-13-45T99:99:99Z')).toBe('2026-13-45T99:99:99Z')
    expect(terminalTime(null)).toBe('')
    expect(terminalTime(undefined)).toBe('')
    expect(terminalTime('')).toBe('')
  })
})

describe('jsonTime: full ISO 8601 in UTC', () => {
  it('keeps milliseconds and writes Z', () => {
    expect(jsonTime('2026-12-01T08:39:04.1234567+01:00')).toBe('2026-12-01T07:39:04.123Z')
    expect(jsonTime(new Date(Date.UTC(2026, 11, 1, 7, 39, 4)))).toBe('2026-12-01T07:39:04.000Z')
  })

  it('null for none, the value itself for something that is not a time', () => {
    expect(jsonTime(null)).toBeNull()
    expect(jsonTime(undefined)).toBeNull()
    expect(jsonTime('soon')).toBe('soon')
  })
})
