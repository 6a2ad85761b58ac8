import {describe, expect, it} from 'vitest'
import {abortableSleep} from '../../../src/text/sleep.js'

describe('abortableSleep', () => {
  it('resolves when the time is up, or as soon as the signal aborts, or at once when it already has', async () => {
    const order: string[] = []
    const controller = new AbortController()
    const long = abortableSleep(60_000, controller.signal).then(() => order.push('aborted'))
    await abortableSleep(5).then(() => order.push('timed'))
    controller.abort()
    await long
    await abortableSleep(60_000, controller.signal).then(() => order.push('already aborted'))
    expect(order).toEqual(['timed', 'aborted', 'already aborted'])
  })
})
