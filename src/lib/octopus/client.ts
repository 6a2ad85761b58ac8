import {readFileSync} from 'node:fs'
import type {AxiosInstance, AxiosResponse} from 'axios'
import {CliError, ExitCode, redact, usageError, notFoundError} from '../errors.js'
import {pathOf, toApiError, OctopusApiError} from './api-error.js'
import {shouldRetry} from './retry.js'
import {anyBody, anyJson, collectionOf, formatBytes, jsonObject, rootDocument, shapeProblem, spaceHome, spaceList, type ResponseShape} from './response-shapes.js'
import {expandTemplate, type TemplateParams} from './uri-template.js'
import type {Links, ResourceCollection, RootDocument, SpaceResource} from './types.js'
import {closeMatches} from '../../text/fuzzy.js'
import {MAX_TIMER_SECONDS} from '../../text/duration.js'
import {groupDigits} from '../../text/number.js'

export interface ClientOptions {
  /** Server root URL, e.g. https://octopus.example.com or http://127.0.0.1:8065 */
  server: string
  apiKey?: string
  accessToken?: string
  timeoutSeconds?: number
  caCertFile?: string
  /** Receives one line per request when --debug is on; secrets are already redacted. */
  debug?: (line: string) => void
  userAgent?: string
  maxRetries?: number
  sleep?: (ms: number) => Promise<void>
  /** Cap on one response body in bytes (default 256 MiB; the CLI takes it from OCTOWORKERS_MAX_RESPONSE_MB). */
  maxResponseBytes?: number
}

export interface RequestOptions {
  query?: TemplateParams
  body?: unknown
  /** Statuses returned as a response instead of thrown (e.g. 404 when probing an optional route). */
  allowStatus?: number[]
  /** The shape a 2xx body must have (src/lib/octopus/response-shapes.ts); default: a JSON object for a GET, any JSON otherwise. */
  expect?: ResponseShape
}

export interface RawResponse<T> {
  status: number
  data: T
}

const DEFAULT_TIMEOUT_SECONDS = 30

/** Validates a server URL given by a user; throws exit 2 for anything that is not http(s) with a host. */
export function normalizeServerUrl(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw usageError(`'${input}' is not a valid server URL.`, {hint: 'Give the Octopus Server root, e.g. https://octopus.example.com'})
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    throw usageError(`'${input}' is not a valid server URL: it must start with https:// or http:// and name a host.`)
  }
  // Users paste portal URLs; the API root is the server root.
  let path = url.pathname.replace(/\/+$/, '')
  path = path.replace(/\/app(#.*)?$/, '').replace(/\/api$/, '')
  return `${url.protocol}//${url.host}${path}`
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '')
  return h === 'localhost' || h === '::1' || /^127\./.test(h)
}

/**
 * The Octopus REST client: no oclif, no terminal. It starts from the `/api` root document and
 * follows its `Links` templates, so it works on servers with only `/api/Spaces-N/...` routes.
 */
export class OctopusClient {
  /** Number of HTTP requests made (for `npm run bench` and request-count tests). */
  requestCount = 0
  readonly server: string
  private rootDoc?: RootDocument
  private http?: AxiosInstance
  private spacesCache?: SpaceResource[]
  /** Whether this server has answered any request: a refused connection before that is not worth retrying. */
  private answered = false
  private readonly maxResponseBytes: number

  constructor(private readonly options: ClientOptions) {
    this.server = normalizeServerUrl(options.server)
    // The timer that enforces it overflows past MAX_TIMER_SECONDS and would fire at once.
    if (options.timeoutSeconds !== undefined && !(options.timeoutSeconds > 0 && options.timeoutSeconds <= MAX_TIMER_SECONDS)) {
      throw usageError(`The request timeout must be above 0 and at most ${groupDigits(MAX_TIMER_SECONDS)} seconds, not ${options.timeoutSeconds}.`)
    }
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_MB * MB
    if (options.caCertFile) {
      try {
        readFileSync(options.caCertFile)
      } catch {
        throw usageError(`--ca-cert: cannot read '${options.caCertFile}'.`, {hint: 'Give the path of a PEM file with the CA certificate(s) to trust.'})
      }
    }
  }

  /** Creates a client and reads the root document (one request). */
  static async connect(options: ClientOptions): Promise<OctopusClient> {
    const client = new OctopusClient(options)
    await client.loadRoot()
    return client
  }

  get root(): RootDocument {
    if (!this.rootDoc) throw new Error('root document not loaded: call connect() first')
    return this.rootDoc
  }

  get version(): string {
    return this.root.Version
  }

  /** Absolute URL for a server-relative link such as `/api/Spaces-1/workers`. */
  resolve(link: string): string {
    if (/^https?:\/\//.test(link)) return link
    const base = new URL(this.server + '/')
    const prefix = base.pathname.replace(/\/$/, '')
    // Links are app-relative (`~/api/...` or `/api/...`); servers under a virtual directory may or may not include it.
    const path = link.replace(/^~/, '')
    const withPrefix = prefix && !path.startsWith(prefix + '/') ? prefix + path : path
    return `${base.protocol}//${base.host}${withPrefix}`
  }

  /** Expands a root-document link by name. Throws if the server does not offer it. */
  link(name: string, params: TemplateParams = {}): string {
    return expandLink(this.root.Links, name, params, this.version)
  }

  hasLink(name: string): boolean {
    return Boolean(this.root.Links[name])
  }

  async loadRoot(): Promise<RootDocument> {
    let response: RawResponse<unknown>
    try {
      response = await this.request<unknown>('GET', '/api', {allowStatus: [404], expect: anyBody})
    } catch (error) {
      // A 4xx other than 401/403 means this URL is not an Octopus API; a 5xx is a server that is down or failing.
      if (error instanceof OctopusApiError && error.status < 500 && error.status !== 401 && error.status !== 403) {
        throw notOctopus(this.server, `HTTP ${error.status} at /api`)
      }
      throw error
    }
    if (response.status === 404) throw notOctopus(this.server, 'HTTP 404 at /api')
    const problem = shapeProblem(rootDocument, response.data)
    if (problem) {
      const got = typeof response.data === 'string' ? 'a page that is not JSON' : problem
      throw notOctopus(this.server, `/api answered with ${got}, not an Octopus root document`)
    }
    this.rootDoc = response.data as RootDocument
    return this.rootDoc
  }

  /** GET whose body must have `shape` (else one clear line naming what came back, exit 1). */
  async get<T>(url: string, shape: ResponseShape<T>, query?: TemplateParams): Promise<T> {
    return (await this.request<T>('GET', url, {query, expect: shape})).data
  }

  async post<T>(url: string, body: unknown): Promise<T> {
    return (await this.request<T>('POST', url, {body})).data
  }

  async put<T>(url: string, body: unknown): Promise<T> {
    return (await this.request<T>('PUT', url, {body})).data
  }

  async delete<T = unknown>(url: string): Promise<T> {
    return (await this.request<T>('DELETE', url)).data
  }

  /** Reads every page of a paged collection, following `Page.Next` (one request per page). */
  async getAllPages<T>(url: string, item: ResponseShape<T>): Promise<T[]> {
    const items: T[] = []
    let next: string | undefined = url
    const seen = new Set<string>()
    const shape = collectionOf(item)
    while (next && !seen.has(next)) {
      seen.add(next)
      const page: ResourceCollection<T> = await this.get(next, shape)
      // A loop, not push(...items): spreading a huge page overflows the stack.
      for (const it of page.Items) items.push(it)
      const nextLink: string | undefined = page.Links?.['Page.Next']
      if (!nextLink || page.Items.length === 0 || items.length >= (page.TotalResults ?? Infinity)) break
      next = nextLink
    }
    return items
  }

  /** All spaces (one request, cached for the life of the client). */
  async listSpaces(): Promise<SpaceResource[]> {
    if (!this.spacesCache) {
      // Spaces exist on every supported version (2019.7's root links them): the route stands in for a root that lists only some links.
      const url = this.hasLink('Spaces') ? this.link('Spaces', {id: 'all'}) : '/api/spaces/all'
      this.spacesCache = await this.get(url, spaceList)
    }
    return this.spacesCache
  }

  /**
   * Resolves a space by name or ID (case-insensitive), or the server's default space when none is
   * given, and loads that space's own links. Unknown names are exit 4 and list the spaces.
   */
  async resolveSpace(nameOrId?: string): Promise<SpaceContext> {
    const spaces = await this.listSpaces()
    let space: SpaceResource | undefined
    if (!nameOrId) {
      space = spaces.find((s) => s.IsDefault) ?? spaces[0]
      if (!space) throw new CliError('The server has no spaces.', ExitCode.NotFound)
    } else {
      const wanted = nameOrId.trim().toLowerCase()
      const byId = spaces.filter((s) => s.Id.toLowerCase() === wanted)
      const byName = spaces.filter((s) => s.Name.toLowerCase() === wanted || (s.Slug ?? '').toLowerCase() === wanted)
      const matches = byId.length > 0 ? byId : byName
      if (matches.length === 0) {
        const names = spaces.map((s) => s.Name)
        const close = closeMatches(nameOrId, names)
        throw notFoundError(`Space '${nameOrId}' not found. ${close.length ? `Did you mean: ${close.join(', ')}? ` : ''}Spaces: ${names.join(', ') || '(none)'}.`, {
          details: {candidates: names},
        })
      }
      space = matches[0]
    }
    return this.spaceContext(space)
  }

  /** Loads a space's links from its SpaceHome document (one request). */
  async spaceContext(space: SpaceResource): Promise<SpaceContext> {
    const url = this.hasLink('SpaceHome') ? this.link('SpaceHome', {spaceId: space.Id}) : `/api/${space.Id}`
    const home = await this.get(url, spaceHome)
    return new SpaceContext(this, space, home.Links ?? {})
  }

  /**
   * One logical request: attempts, retry waits and read-backs all share one deadline of
   * `--timeout` seconds, headers to last byte (docs/ARCHITECTURE.md §4). A 2xx body is checked
   * against `options.expect` (else a JSON object for a GET, any JSON otherwise); its size is capped.
   */
  async request<T>(method: string, url: string, options: RequestOptions = {}): Promise<RawResponse<T>> {
    const target = this.resolve(options.query ? appendQuery(url, options.query) : url)
    const maxRetries = this.options.maxRetries ?? 3
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
    const deadline = performance.now() + this.timeoutMs
    const upper = method.toUpperCase()
    /** Set once an attempt of this PUT/DELETE failed on the network: the server may have applied it. */
    let responseLost = false
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.exchange(method, target, options.body, deadline)
      const status = outcome.response?.status
      if (outcome.response) {
        const okStatus = (status! >= 200 && status! < 300) || (options.allowStatus ?? []).includes(status!)
        if (okStatus) {
          const data = this.checkShape(method, target, outcome.response, status! >= 200 && status! < 300 ? options.expect ?? (upper === 'GET' ? jsonObject : anyJson) : anyBody)
          return {status: status!, data: data as T}
        }
        // A retried DELETE that finds nothing, after a lost response: the first attempt deleted it.
        if (upper === 'DELETE' && status === 404 && responseLost) {
          this.debug(`DELETE ${target}: 404 after a lost response, so the earlier attempt deleted it`)
          return {status: 204, data: undefined as T}
        }
      } else if (outcome.timedOut) {
        throw timeoutFailure(this.server, method, target, this.timeoutMs / 1000, responseLost || (upper !== 'GET' && upper !== 'HEAD'))
      } else if (upper === 'DELETE' || upper === 'PUT') {
        responseLost = true
        const truth = await this.readBack(upper, target, options.body, deadline)
        if (truth) return truth as RawResponse<T>
      }

      const networkCode = outcome.error?.code
      if (!outcome.response && !this.answered && (networkCode === 'ECONNRESET' || networkCode?.startsWith('HPE_')) && this.server.startsWith('http:')) {
        // A reset before any answer, on plain http: a TLS server says nothing else to a plain request.
        if (await speaksTls(this.server)) throw protocolMismatch(this.server, 'http')
      }
      const decision = shouldRetry({
        method,
        attempt,
        maxRetries,
        status,
        networkCode,
        retryAfterHeader: outcome.response?.headers?.['retry-after'] as string | undefined,
        serverHasAnswered: this.answered,
        timeLeftMs: deadline - performance.now(),
      })
      if (decision.retry) {
        this.debug(`retrying ${method} ${target} in ${decision.delayMs} ms (attempt ${attempt + 1} of ${maxRetries + 1})`)
        await sleep(decision.delayMs)
        continue
      }
      if (outcome.response) {
        throw toApiError({
          status: outcome.response.status,
          statusText: outcome.response.statusText,
          method,
          url: target,
          body: this.parseErrorBody(outcome.response),
          hint: decision.beyondDeadlineMs === undefined ? undefined
            : `The server asked to wait ${Math.ceil(decision.beyondDeadlineMs / 1000)}s before retrying, more than is left of the ${this.timeoutMs / 1000}s --timeout; try again later or raise --timeout.`,
        })
      }
      throw networkFailure(this.server, outcome.error, responseLost)
    }
  }

  /**
   * After a PUT or DELETE whose answer was lost, reads the resource back and reports what is
   * true: a 404 after a DELETE is "deleted"; a PUT whose read-back holds every field that was
   * sent is "updated". Undefined when the read-back cannot tell (then the write is retried).
   */
  private async readBack(method: 'PUT' | 'DELETE', target: string, sent: unknown, deadline: number): Promise<RawResponse<unknown> | undefined> {
    const outcome = await this.exchange('GET', target, undefined, deadline)
    const status = outcome.response?.status
    if (status === undefined) return undefined
    if (method === 'DELETE') {
      if (status === 404) {
        this.debug(`DELETE ${target}: the response was lost; read back 404, so it is deleted`)
        return {status: 204, data: undefined}
      }
      return undefined
    }
    if (status < 200 || status >= 300) return undefined
    let got: unknown
    try {
      got = this.checkShape('GET', target, outcome.response!, anyJson)
    } catch {
      return undefined
    }
    if (!holdsSent(sent, got)) return undefined
    this.debug(`PUT ${target}: the response was lost; the read-back equals what was sent, so it is updated`)
    return {status: 200, data: got}
  }

  /** One HTTP attempt, its body read whole within the deadline and the size cap. Never throws for network trouble. */
  private async exchange(method: string, target: string, body: unknown, deadline: number): Promise<Exchange> {
    const http = await this.httpClient()
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
      const response = await http.request({method, url: target, data: body === undefined ? undefined : body, responseType: 'stream', signal: controller.signal})
      this.answered = true
      stream = response.data
      const bytes = await readCapped(response, this.maxResponseBytes, () => timedOut)
      const ms = Math.round(performance.now() - started)
      this.debug(`${method} ${target} -> ${response.status} (${ms} ms)`)
      return {response: {status: response.status, statusText: response.statusText, headers: response.headers as Record<string, unknown>, bytes}}
    } catch (error) {
      if (error instanceof CliError) throw error
      const err = error as Error & {code?: string}
      const ms = Math.round(performance.now() - started)
      this.debug(`${method} ${target} -> ${timedOut ? 'timeout' : err.code ?? 'network error'} (${ms} ms)`)
      return {error: err, timedOut}
    } finally {
      clearTimeout(timer)
    }
  }

  /** Decodes a 2xx body and checks it has the shape the caller needs; a mismatch is one line naming server, URL and what came back. */
  private checkShape(method: string, target: string, response: ExchangeResponse, shape: ResponseShape): unknown {
    const contentType = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
    const decoded = decodeBody(response.bytes, contentType)
    const size = formatBytes(response.bytes.length)
    let got: string | undefined
    if (decoded.kind === 'malformed') got = `malformed JSON (${contentType || 'no content type'}, ${size})`
    else if (decoded.kind === 'text' && !shape.anyBody) got = `${contentType || 'a body with no content type'}, ${size}`
    else if (decoded.kind === 'empty' && shape.schema) got = 'an empty body'
    else {
      const problem = decoded.kind === 'json' ? shapeProblem(shape, decoded.value) : undefined
      if (problem) got = `${problem} (${size})`
    }
    if (got !== undefined) {
      const looksLikeAPage = decoded.kind === 'text' && /html/.test(contentType)
      throw new CliError(`Unexpected answer from ${this.server}: ${method} ${pathOf(target)} got ${got}, not ${shape.what}; is this the Octopus Server's root URL?`, ExitCode.Failure, {
        hint: looksLikeAPage ? 'An HTML page usually means a proxy, a login page or a URL that is not the API; check --server.' : undefined,
        code: 'bad-response',
        details: {url: target, contentType: contentType || null, bytes: response.bytes.length},
      })
    }
    return decoded.kind === 'json' || decoded.kind === 'text' ? decoded.value : undefined
  }

  /** An error body as Octopus's JSON when it is JSON, else nothing (the status text is used). */
  private parseErrorBody(response: ExchangeResponse): unknown {
    const decoded = decodeBody(response.bytes, String(response.headers['content-type'] ?? '').toLowerCase())
    return decoded.kind === 'json' ? decoded.value : undefined
  }

  private get timeoutMs(): number {
    return (this.options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000
  }

  private debug(line: string): void {
    if (this.options.debug) this.options.debug(redact(line, [this.options.apiKey, this.options.accessToken]))
  }

  private async httpClient(): Promise<AxiosInstance> {
    if (this.http) return this.http
    const [{default: axios}, agents] = await Promise.all([import('axios'), import('./agents.js')])
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent ?? 'octoworkers',
    }
    if (this.options.apiKey) headers['X-Octopus-ApiKey'] = this.options.apiKey
    else if (this.options.accessToken) headers.Authorization = `Bearer ${this.options.accessToken}`
    const {httpAgent, httpsAgent} = await agents.createAgents(this.server, this.options.caCertFile)
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

interface ExchangeResponse {
  status: number
  statusText: string
  headers: Record<string, unknown>
  bytes: Buffer
}

interface Exchange {
  response?: ExchangeResponse
  error?: Error & {code?: string}
  timedOut?: boolean
}

/** Default cap on one response body; `OCTOWORKERS_MAX_RESPONSE_MB` overrides it. */
export const DEFAULT_MAX_RESPONSE_MB = 256

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

const MB = 1024 * 1024

/** Reads a response stream into one buffer, aborting as soon as it passes `limit` bytes. */
async function readCapped(response: AxiosResponse, limit: number, timedOut: () => boolean): Promise<Buffer> {
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
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof CliError) throw error
    if (timedOut()) throw Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'})
    throw error
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)
}

type Decoded = {kind: 'json'; value: unknown} | {kind: 'text'; value: string} | {kind: 'empty'} | {kind: 'malformed'}

/** JSON when the server says so, or when a typeless/text body parses as JSON; text otherwise. */
function decodeBody(bytes: Buffer, contentType: string): Decoded {
  if (bytes.length === 0) return {kind: 'empty'}
  const text = bytes.toString('utf8')
  const saysJson = /[/+]json\b/.test(contentType)
  // Sniffing is for servers that mislabel JSON.
  if (saysJson || /^\s*[[{"]/.test(text)) {
    try {
      return {kind: 'json', value: JSON.parse(text)}
    } catch {
      if (saysJson) return {kind: 'malformed'}
    }
  }
  return {kind: 'text', value: text}
}

/** Whether a read-back holds every field a PUT sent (the server may add fields, e.g. Links, LastModifiedOn). */
export function holdsSent(sent: unknown, got: unknown): boolean {
  if (Array.isArray(sent)) return Array.isArray(got) && got.length === sent.length && sent.every((v, i) => holdsSent(v, got[i]))
  if (sent && typeof sent === 'object') {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return false
    return Object.entries(sent).every(([k, v]) => k === 'Links' || k === 'LastModifiedOn' || k === 'LastModifiedBy' || v === undefined || holdsSent(v, (got as Record<string, unknown>)[k]))
  }
  return sent === got
}

/** Whether something at the server's host and port completes a TLS handshake (no request, no key is sent). */
async function speaksTls(server: string): Promise<boolean> {
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


/** A space and its own links (from `/api/{spaceId}`), for space-scoped requests. */
export class SpaceContext {
  constructor(
    readonly client: OctopusClient,
    readonly space: SpaceResource,
    readonly links: Links,
  ) {}

  get spaceId(): string {
    return this.space.Id
  }

  /** Expands a space link by name (falls back to the root document's link when the space home lacks it). */
  link(name: string, params: TemplateParams = {}): string {
    if (this.links[name]) return expandLink(this.links, name, params, this.client.version)
    return this.client.link(name, params)
  }

  hasLink(name: string): boolean {
    return Boolean(this.links[name]) || this.client.hasLink(name)
  }

  /** Space-scoped path for a route that has no link (e.g. `workertaskleases` on newer servers). */
  path(suffix: string): string {
    return `/api/${this.space.Id}/${suffix.replace(/^\//, '')}`
  }

  /** Link to the web portal page of a resource in this space. */
  webUrl(fragment: string): string {
    return `${this.client.server}/app#/${this.space.Id}/${fragment.replace(/^\//, '')}`
  }
}

function expandLink(links: Links, name: string, params: TemplateParams, version: string): string {
  const template = links[name]
  if (!template) {
    throw new CliError(`The server (Octopus ${version}) does not offer '${name}'.`, ExitCode.Failure, {
      hint: 'This Octopus Server version may be too old for this command.',
    })
  }
  return expandTemplate(template, params)
}

function appendQuery(url: string, query: TemplateParams): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      if (value.length) search.set(key, value.join(','))
    } else search.set(key, String(value))
  }
  const qs = search.toString()
  if (!qs) return url
  return url + (url.includes('?') ? '&' : '?') + qs
}

function notOctopus(server: string, why: string): CliError {
  return usageError(`${server} does not look like an Octopus Server (${why}).`, {
    hint: 'Check that the URL is the Octopus Server root, e.g. https://octopus.example.com, not a page under it.',
    code: 'not-octopus',
  })
}

/** What a lost answer means for a change: the user must know it may have happened. */
const MAY_HAVE_APPLIED = ' The change may or may not have been applied; check before retrying.'

function timeoutFailure(server: string, method: string, target: string, timeoutSeconds: number, write: boolean): CliError {
  return new CliError(`Timed out after ${timeoutSeconds}s waiting for ${server} (${method} ${pathOf(target)}).${write ? MAY_HAVE_APPLIED : ''}`, ExitCode.Failure, {
    hint: 'Raise --timeout, or check the network path to the server.',
    code: 'timeout',
  })
}

/** TLS spoken to a plain-HTTP port, or the reverse: say which scheme to use, not OpenSSL's words. */
function protocolMismatch(server: string, scheme: 'http' | 'https'): CliError {
  const other = scheme === 'https' ? server.replace(/^https:/, 'http:') : server.replace(/^http:/, 'https:')
  const message = scheme === 'https'
    ? `The server at ${server} is not speaking TLS; did you mean ${other}?`
    : `The server at ${server} is speaking TLS; did you mean ${other}?`
  return new CliError(message, ExitCode.Failure, {hint: 'Use the scheme the server listens with (--server or OCTOPUS_URL).', code: 'tls-mismatch'})
}

/** OpenSSL's words for a ClientHello answered by something that is not TLS (e.g. `HTTP/1.1 400`). */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|record layer failure|ERR_SSL_WRONG_VERSION_NUMBER|ERR_SSL_PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/i

function networkFailure(server: string, error: (Error & {code?: string}) | undefined, writeLost: boolean): CliError {
  const code = error?.code ?? ''
  const lost = writeLost ? MAY_HAVE_APPLIED : ''
  if (server.startsWith('https:') && (NOT_TLS.test(code) || NOT_TLS.test(error?.message ?? ''))) {
    return protocolMismatch(server, 'https')
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(`Cannot resolve the host of ${server}.`, ExitCode.Failure, {hint: 'Check the server URL and your DNS.', code: 'network'})
  }
  if (code === 'ECONNREFUSED') {
    return new CliError(`Connection refused by ${server}.${lost}`, ExitCode.Failure, {hint: 'Is the server running, and is the port right?', code: 'network'})
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new CliError(`TLS verification failed for ${server}: ${error?.message ?? code}.`, ExitCode.Failure, {
      hint: 'If the server uses a private CA, pass --ca-cert FILE or set NODE_EXTRA_CA_CERTS. Verification is never switched off.',
      code: 'tls',
    })
  }
  return new CliError(`Cannot reach ${server}: ${error?.message ?? 'network error'}.${lost}`, ExitCode.Failure, {code: 'network'})
}

export {OctopusApiError}
