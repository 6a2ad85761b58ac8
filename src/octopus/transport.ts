import type {AxiosInstance, AxiosResponse} from 'axios'
import {CliError, ExitCode, usageError} from '../text/errors.js'
import {pathOf} from './errors.js'
import {formatBytes} from './response-shapes.js'

/**
 * How an access token from an OIDC exchange is replaced before it expires: Octopus issues no
 * refresh token, so a new exchange (a fresh ID token from the CI, or the same one while it lasts)
 * is the only way, as Octopus's .NET client does shortly before expiry. A run that outlives the
 * token (a long drain, `leases tail`, `metrics serve`) then keeps working.
 */
export interface AccessTokenRenewal {
  /** When the access token the transport starts with expires (ms since the epoch). */
  expiresAt: number
  /** A new exchange: the next access token and its expiry. */
  renew: () => Promise<{accessToken: string; expiresAt: number}>
  /** The run's clock (ms since the epoch). */
  now: () => number
}

/**
 * A token is replaced this long before it expires, or halfway through its life if that is sooner:
 * the server's expiry is in whole seconds and by its own clock, so a token can lapse a little
 * before the time the CLI worked out from `expires_in`.
 */
const RENEW_BEFORE_MS = 60_000

/** What the transport needs to speak to one server; secrets stay inside it. */
export interface TransportOptions {
  server: string
  apiKey?: string
  accessToken?: string
  /** Replaces `accessToken` before it expires, and once after a 401 to a token that may have expired sooner than the CLI reckoned. */
  renewal?: AccessTokenRenewal
  /** PEM text of CA certificate(s) to trust besides the system roots. */
  caPem?: string
  userAgent?: string
  /** Cap on one response body in bytes (default DEFAULT_MAX_RESPONSE_MB). */
  maxResponseBytes?: number
  /** One line per attempt; the caller redacts it. */
  debug: (line: string) => void
}

export interface ExchangeResponse {
  status: number
  statusText: string
  headers: Record<string, unknown>
  /** The body, whole; empty when a sink took it. */
  bytes: Buffer
  /** The sink that took the body as it arrived, when the caller gave one for this response. */
  sink?: BodySink
}

/** Takes a body chunk by chunk as it arrives, instead of its being read whole into one buffer. */
export interface BodySink {
  write(chunk: Buffer): void
}

/** Chooses, once a response's status and headers are in, whether a sink takes its body. */
export type SinkFor = (status: number, headers: Record<string, unknown>) => BodySink | undefined

export interface Exchange {
  response?: ExchangeResponse
  error?: Error & {code?: string}
  timedOut?: boolean
  /** Which access token the attempt sent (0 the first, one more for each renewal): `renewAfterRejection` takes it. */
  credential: number
}

/** Default cap on one response body; `OCTOWORKERS_MAX_RESPONSE_MB` overrides it. */
export const DEFAULT_MAX_RESPONSE_MB = 256

const MB = 1024 * 1024

/** `OCTOWORKERS_MAX_RESPONSE_MB`: a whole number of mebibytes (2^20 bytes) from 1 to 4096, else exit 2. */
export function maxResponseBytesFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const text = env.OCTOWORKERS_MAX_RESPONSE_MB
  if (text === undefined || text === '') return DEFAULT_MAX_RESPONSE_MB * MB
  const n = Number(text)
  if (!/^\s*\d+\s*$/.test(text) || n < 1 || n > 4096) {
    throw usageError(`OCTOWORKERS_MAX_RESPONSE_MB must be a whole number of mebibytes from 1 to 4096 (MiB; default ${DEFAULT_MAX_RESPONSE_MB}), not '${text}'.`)
  }
  return n * MB
}

/**
 * One server's HTTP: axios (loaded on first use) over our agents (TLS verified, CA file, proxy),
 * each exchange bounded by a deadline over the whole body and by the size cap.
 */
export class Transport {
  /** Number of HTTP requests made (for `npm run bench` and request-count tests). */
  requestCount = 0
  /** Whether this server has answered any request: a refused connection before that is not worth retrying. */
  answered = false
  private http?: AxiosInstance
  private accessToken?: string
  private credential = 0
  private tokenLife?: {obtainedAt: number; expiresAt: number}
  private renewing?: Promise<void>

  constructor(private readonly options: TransportOptions) {
    this.accessToken = options.accessToken
    if (options.renewal) this.tokenLife = {obtainedAt: options.renewal.now(), expiresAt: options.renewal.expiresAt}
  }

  /** One HTTP attempt, its body read whole within the deadline and the size cap. Never throws for network trouble. */
  async exchange(method: string, target: string, body: unknown, deadline: number, sinkFor?: SinkFor): Promise<Exchange> {
    const http = await this.httpClient()
    await this.renewIfDue()
    const credential = this.credential
    const started = performance.now()
    const left = Math.max(1, Math.floor(deadline - started))
    this.requestCount++
    const controller = new AbortController()
    let timedOut = false
    let stream: NodeJS.ReadableStream & {destroy(error?: Error): void} | undefined
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
      stream?.destroy(Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'}))
    }, left)
    try {
      const headers = !this.options.apiKey && this.accessToken ? {Authorization: `Bearer ${this.accessToken}`} : undefined
      const response = await http.request({method, url: target, data: body === undefined ? undefined : body, headers, responseType: 'stream', signal: controller.signal})
      this.answered = true
      stream = response.data
      const responseHeaders = response.headers as Record<string, unknown>
      const sink = sinkFor?.(response.status, responseHeaders)
      const bytes = await readCapped(response, this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_MB * MB, () => timedOut, sink)
      const ms = Math.round(performance.now() - started)
      this.options.debug(`${method} ${target} -> ${response.status} (${ms} ms)`)
      return {response: {status: response.status, statusText: response.statusText, headers: responseHeaders, bytes, sink}, credential}
    } catch (error) {
      if (error instanceof CliError) throw error
      const err = error as Error & {code?: string}
      const ms = Math.round(performance.now() - started)
      this.options.debug(`${method} ${target} -> ${timedOut ? 'timeout' : err.code ?? 'network error'} (${ms} ms)`)
      return {error: err, timedOut, credential}
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * After a 401 to the attempt that sent `credential`: whether the request is worth sending again
   * with a renewed token (renewed now, or by another request meanwhile). False without renewal.
   */
  async renewAfterRejection(credential: number): Promise<boolean> {
    if (!this.options.renewal) return false
    if (credential === this.credential) await this.renew()
    return true
  }

  private async renewIfDue(): Promise<void> {
    const life = this.tokenLife
    if (!life || !this.options.renewal) return
    const margin = Math.min(RENEW_BEFORE_MS, (life.expiresAt - life.obtainedAt) / 2)
    if (this.options.renewal.now() < life.expiresAt - margin) return
    await this.renew()
  }

  /** One renewal at a time: requests that find the token due meanwhile wait for the same one. */
  private renew(): Promise<void> {
    const renewal = this.options.renewal!
    this.renewing ??= (async () => {
      try {
        const obtainedAt = renewal.now()
        const next = await renewal.renew()
        this.accessToken = next.accessToken
        this.tokenLife = {obtainedAt, expiresAt: next.expiresAt}
        this.credential++
        this.options.debug(`renewed the access token (a new OIDC exchange); it expires ${new Date(next.expiresAt).toISOString()}`)
      } finally {
        this.renewing = undefined
      }
    })()
    return this.renewing
  }

  private async httpClient(): Promise<AxiosInstance> {
    if (this.http) return this.http
    const [{default: axios}, agents] = await Promise.all([loadAxios(), import('./agents.js')])
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent ?? 'octoworkers',
    }
    // The access token, which a renewal replaces, goes with each request instead.
    if (this.options.apiKey) headers['X-Octopus-ApiKey'] = this.options.apiKey
    const {httpAgent, httpsAgent} = await agents.createAgents(this.options.server, this.options.caPem)
    this.http = axios.create({
      headers,
      // The deadline is ours (a timer over the whole exchange): axios's is a socket idle timeout, which a dripping body never trips.
      timeout: 0,
      // Proxies are handled by our agents (HTTPS_PROXY/NO_PROXY); axios's own proxy support breaks https via CONNECT.
      proxy: false,
      httpAgent,
      httpsAgent,
      validateStatus: () => true,
      maxRedirects: 5,
      // A redirect to another host or to plain http must not carry the key (Authorization is already dropped).
      sensitiveHeaders: ['X-Octopus-ApiKey'],
      // Read as a stream so that the size cap and the deadline apply while the body arrives, not after.
      responseType: 'stream',
    })
    return this.http
  }
}

/**
 * The globals axios reads as it loads, to see whether a fetch API is there. On Node, reading
 * FormData, Request or Response loads undici, Node's fetch implementation: tens of milliseconds and
 * several MiB of every command that talks to a server. The CLI needs none of it: everything goes
 * through axios's Node http adapter, and it never sends a form.
 */
const FETCH_API_GLOBALS = ['fetch', 'FormData', 'Request', 'Response'] as const

let axiosLoading: Promise<typeof import('axios')> | undefined

/**
 * Loads axios with the fetch API out of its sight, so that its probe finds none and leaves undici
 * unloaded; the globals are put back as they were as soon as it has loaded. Once per process:
 * overlapping loads would put back what another load had hidden.
 */
export function loadAxios(): Promise<typeof import('axios')> {
  axiosLoading ??= (async () => {
    const saved = FETCH_API_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const).filter(([, found]) => found?.configurable)
    for (const [name] of saved) Object.defineProperty(globalThis, name, {value: undefined, configurable: true, writable: true})
    try {
      return await import('axios')
    } finally {
      for (const [name, descriptor] of saved) Object.defineProperty(globalThis, name, descriptor!)
    }
  })()
  return axiosLoading
}

/** Reads a response stream into one buffer (or into `sink`), aborting as soon as it passes `limit` bytes. */
async function readCapped(response: AxiosResponse, limit: number, timedOut: () => boolean, sink?: BodySink): Promise<Buffer> {
  const stream = response.data as NodeJS.ReadableStream & {destroy(error?: Error): void}
  const request = `${response.config.method?.toUpperCase()} ${pathOf(response.config.url ?? '')}`
  const tooBig = (what: string) =>
    new CliError(`The response to ${request} ${what} the ${limit % MB === 0 ? `${limit / MB} MiB` : formatBytes(limit)} limit on a response's size; it was not read further.`, ExitCode.Failure, {
      hint: `Set OCTOWORKERS_MAX_RESPONSE_MB to raise the limit (default ${DEFAULT_MAX_RESPONSE_MB}) if the estate really is that large.`,
      code: 'response-too-large',
      details: {limitBytes: limit},
    })
  const declared = Number(response.headers['content-length'])
  // A compressed body only grows when decoded, so a declared length over the cap is already too big.
  if (Number.isFinite(declared) && declared > limit) {
    stream.destroy()
    throw tooBig(`is ${formatBytes(declared)}, over`)
  }
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > limit) {
        chunks.length = 0
        stream.destroy()
        throw tooBig('passed')
      }
      if (sink) sink.write(chunk)
      else chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    if (timedOut()) throw Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'})
    throw error
  }
  if (sink) return Buffer.alloc(0)
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)
}

/** Whether something at the server's host and port completes a TLS handshake (no request, no key is sent). */
export async function speaksTls(server: string): Promise<boolean> {
  const {connect} = await import('node:tls')
  const url = new URL(server)
  return new Promise((resolve) => {
    const socket = connect({host: url.hostname, port: Number(url.port || 80), servername: isIP(url.hostname) ? undefined : url.hostname, rejectUnauthorized: false})
    const done = (yes: boolean) => {
      socket.destroy()
      resolve(yes)
    }
    socket.setTimeout(2000, () => done(false))
    socket.once('secureConnect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function isIP(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}
