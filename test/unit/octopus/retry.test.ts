import {describe, expect, it} from 'vitest'
import {MAX_RETRY_DELAY_MS, parseRetryAfter, shouldRetry} from '../../../src/octopus/retry.js'

describe('shouldRetry', () => {
  it.each(['GET', 'PUT', 'DELETE'])('retries idempotent %s on 429/502/503/504 and network errors', (method) => {
    for (const status of [429, 502, 503, 504]) expect(shouldRetry({method, attempt: 1, maxRetries: 3, status}).retry).toBe(true)
    for (const networkCode of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']) expect(shouldRetry({method, attempt: 1, maxRetries: 3, networkCode}).retry).toBe(true)
  })

  it('never retries a POST', () => {
    expect(shouldRetry({method: 'POST', attempt: 1, maxRetries: 3, status: 503}).retry).toBe(false)
    expect(shouldRetry({method: 'POST', attempt: 1, maxRetries: 3, networkCode: 'ECONNRESET'}).retry).toBe(false)
  })

  it.each([400, 401, 403, 404, 409, 500])('does not retry status %i', (status) => {
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, status}).retry).toBe(false)
  })

  it('does not retry our own timeout (ECONNABORTED) or unknown network errors', () => {
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, networkCode: 'ECONNABORTED'}).retry).toBe(false)
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, networkCode: 'CERT_HAS_EXPIRED'}).retry).toBe(false)
  })

  it('stops after maxRetries', () => {
    expect(shouldRetry({method: 'GET', attempt: 3, maxRetries: 3, status: 503}).retry).toBe(true)
    expect(shouldRetry({method: 'GET', attempt: 4, maxRetries: 3, status: 503}).retry).toBe(false)
  })

  it('backs off exponentially', () => {
    const delays = [1, 2, 3, 4].map((attempt) => shouldRetry({method: 'GET', attempt, maxRetries: 9, status: 503}).delayMs)
    expect(delays).toEqual([250, 500, 1000, 2000])
  })

  it('honours Retry-After in seconds and as a date, capped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, status: 429, retryAfterHeader: '3', now}).delayMs).toBe(3000)
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, status: 429, retryAfterHeader: 'Thu, 01 Jan 2026 00:00:05 GMT', now}).delayMs).toBe(5000)
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, status: 429, retryAfterHeader: '3600', now}).delayMs).toBe(MAX_RETRY_DELAY_MS)
  })

  it('parses Retry-After', () => {
    expect(parseRetryAfter(undefined, 0)).toBeUndefined()
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
    expect(parseRetryAfter('0', 0)).toBe(0)
  })
})

describe('shouldRetry: refusals and the time left', () => {
  it('a refused connection to a server that has not answered yet is not retried; after an answer it is', () => {
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, networkCode: 'ECONNREFUSED', serverHasAnswered: false}).retry).toBe(false)
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, networkCode: 'ECONNREFUSED', serverHasAnswered: true}).retry).toBe(true)
  })

  it('resets and 5xx are still retried before any answer', () => {
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, networkCode: 'ECONNRESET', serverHasAnswered: false}).retry).toBe(true)
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, status: 503, serverHasAnswered: false}).retry).toBe(true)
  })

  it('a wait (Retry-After or backoff) that would outlast the time left is not made, and says how long it would have been', () => {
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, status: 503, retryAfterHeader: '30', timeLeftMs: 4000})).toEqual({retry: false, delayMs: 0, beyondDeadlineMs: 30_000})
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, status: 503, retryAfterHeader: '2', timeLeftMs: 4000})).toEqual({retry: true, delayMs: 2000})
    expect(shouldRetry({method: 'GET', attempt: 1, maxRetries: 3, networkCode: 'ECONNRESET', timeLeftMs: 100}).retry).toBe(false)
  })
})
