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
  /**
   * Whether the server has answered any request of this client. A refused connection to a
   * server that never answered is a wrong URL or a server that is down: fail at once. After an
   * answer, a refusal is a restart in progress, worth riding out.
   */
  serverHasAnswered?: boolean
  /** What is left of the request timeout; a wait that would outlast it is not made. */
  timeLeftMs?: number
}

export interface RetryDecision {
  retry: boolean
  delayMs: number
  /** Set when a retry was due but its wait (e.g. Retry-After) exceeds the time left: that wait, in ms. */
  beyondDeadlineMs?: number
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
  if (input.status === undefined && input.networkCode === 'ECONNREFUSED' && input.serverHasAnswered === false) return no
  const fromHeader = parseRetryAfter(input.retryAfterHeader, input.now ?? Date.now())
  const backoff = Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** (input.attempt - 1))
  const delayMs = Math.min(MAX_RETRY_DELAY_MS, fromHeader ?? backoff)
  // Waiting is only worth it if time remains for the retry itself after the wait.
  if (input.timeLeftMs !== undefined && delayMs >= input.timeLeftMs) return {...no, beyondDeadlineMs: delayMs}
  return {retry: true, delayMs}
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
