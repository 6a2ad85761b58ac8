import {describe, expect, it} from 'vitest'
import {countAvailable, isAvailable, unavailableReason} from '../../../src/domain/availability.js'

describe('isAvailable (the one health model)', () => {
  it.each([
    [{IsDisabled: false, HealthStatus: 'Healthy'}, true],
    [{IsDisabled: false, HealthStatus: 'HasWarnings'}, true],
    [{IsDisabled: false, HealthStatus: 'Unhealthy'}, false],
    [{IsDisabled: false, HealthStatus: 'Unavailable'}, false],
    [{IsDisabled: false, HealthStatus: 'Unknown'}, false],
    [{IsDisabled: true, HealthStatus: 'Healthy'}, false],
    [{IsDisabled: true, HealthStatus: 'HasWarnings'}, false],
    [{HealthStatus: 'Healthy'}, true],
    [{IsDisabled: false}, false],
  ])('%j -> %s', (worker, expected) => {
    expect(isAvailable(worker)).toBe(expected)
  })

  it('says why a worker is not available, disabled first', () => {
    expect(unavailableReason({IsDisabled: true, HealthStatus: 'Unhealthy'})).toBe('disabled')
    expect(unavailableReason({IsDisabled: false, HealthStatus: 'Unavailable'})).toBe('Unavailable')
    expect(unavailableReason({IsDisabled: false, HealthStatus: 'Healthy'})).toBeUndefined()
  })

  it('counts', () => {
    expect(countAvailable([{HealthStatus: 'Healthy'}, {HealthStatus: 'HasWarnings'}, {HealthStatus: 'Unknown'}, {IsDisabled: true, HealthStatus: 'Healthy'}])).toBe(2)
  })
})
