/** Pure retry policy (docs/ARCHITECTURE.md §4): only idempotent requests, only transient failures. */

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
const RETRYABLE_STATUS = new Set([429, 502, 503, 504])
const RETRYABLE_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET'])

export interface RetryInput {
  method: string
  attempt: number // 1 = the first try has failed
  maxRetries: number
  status?: number
  networkCode?: string
  retryAfterHeader?: string | null
  now?: number
}

export interface RetryDecision {
  retry: boolean
  delayMs: number
}

export const MAX_RETRY_DELAY_MS = 30_000

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase())
}

export function shouldRetry(input: RetryInput): RetryDecision {
  const no = {retry: false, delayMs: 0}
  if (!isIdempotent(input.method) || input.attempt > input.maxRetries) return no
  const transient =
    (input.status !== undefined && RETRYABLE_STATUS.has(input.status)) ||
    (input.status === undefined && input.networkCode !== undefined && RETRYABLE_NETWORK.has(input.networkCode))
  if (!transient) return no
  const fromHeader = parseRetryAfter(input.retryAfterHeader, input.now ?? Date.now())
  const backoff = Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** (input.attempt - 1))
  return {retry: true, delayMs: Math.min(MAX_RETRY_DELAY_MS, fromHeader ?? backoff)}
}

/** `Retry-After` is either delta-seconds or an HTTP date. Returns milliseconds, or undefined. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined
  const trimmed = header.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}
