import {readFileSync} from 'node:fs'
import type {AxiosInstance, AxiosResponse} from 'axios'
import {CliError, ExitCode, redact, usageError, notFoundError} from '../errors.js'
import {toApiError, OctopusApiError} from './api-error.js'
import {shouldRetry} from './retry.js'
import {expandTemplate, type TemplateParams} from './uri-template.js'
import type {Links, ResourceCollection, RootDocument, SpaceResource} from './types.js'
import {closeMatches} from './names.js'

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
}

export interface RequestOptions {
  query?: TemplateParams
  body?: unknown
  /** Statuses returned as a response instead of thrown (e.g. 404 when probing an optional route). */
  allowStatus?: number[]
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

  constructor(private readonly options: ClientOptions) {
    this.server = normalizeServerUrl(options.server)
    if (options.timeoutSeconds !== undefined && !(options.timeoutSeconds > 0)) {
      throw usageError(`--timeout must be a positive number of seconds, not ${options.timeoutSeconds}.`)
    }
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
      response = await this.request<unknown>('GET', '/api', {allowStatus: [404]})
    } catch (error) {
      // A 4xx other than 401/403 means this URL is not an Octopus API; a 5xx is a server that is down or failing.
      if (error instanceof OctopusApiError && error.status < 500 && error.status !== 401 && error.status !== 403) {
        throw notOctopus(this.server, `HTTP ${error.status} at /api`)
      }
      throw error
    }
    const doc = response.data as RootDocument | undefined
    if (response.status === 404 || !doc || typeof doc !== 'object' || !doc.Links || typeof doc.Version !== 'string') {
      throw notOctopus(this.server, response.status === 404 ? 'HTTP 404 at /api' : '/api did not return an Octopus root document')
    }
    this.rootDoc = doc
    return doc
  }

  async get<T>(url: string, query?: TemplateParams): Promise<T> {
    return (await this.request<T>('GET', url, {query})).data
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
  async getAllPages<T>(url: string): Promise<T[]> {
    const items: T[] = []
    let next: string | undefined = url
    const seen = new Set<string>()
    while (next && !seen.has(next)) {
      seen.add(next)
      const page: ResourceCollection<T> = await this.get<ResourceCollection<T>>(next)
      items.push(...(page.Items ?? []))
      const nextLink: string | undefined = page.Links?.['Page.Next']
      if (!nextLink || (page.Items ?? []).length === 0 || items.length >= (page.TotalResults ?? Infinity)) break
      next = nextLink
    }
    return items
  }

  /** All spaces (one request, cached for the life of the client). */
  async listSpaces(): Promise<SpaceResource[]> {
    if (!this.spacesCache) {
      const url = this.hasLink('Spaces') ? this.link('Spaces', {id: 'all'}) : '/api/spaces/all'
      this.spacesCache = await this.get<SpaceResource[]>(url)
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
    const home = await this.get<{Links: Links}>(url)
    return new SpaceContext(this, space, home.Links ?? {})
  }

  async request<T>(method: string, url: string, options: RequestOptions = {}): Promise<RawResponse<T>> {
    const http = await this.httpClient()
    const target = this.resolve(options.query ? appendQuery(url, options.query) : url)
    const maxRetries = this.options.maxRetries ?? 3
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
    for (let attempt = 1; ; attempt++) {
      const started = performance.now()
      this.requestCount++
      let response: AxiosResponse | undefined
      let networkError: (Error & {code?: string}) | undefined
      try {
        response = await http.request({method, url: target, data: options.body === undefined ? undefined : options.body})
      } catch (error) {
        networkError = error as Error & {code?: string}
      }
      const ms = Math.round(performance.now() - started)
      if (response) this.debug(`${method} ${target} -> ${response.status} (${ms} ms)`)
      else this.debug(`${method} ${target} -> ${networkError?.code ?? 'network error'} (${ms} ms)`)

      const status = response?.status
      const okStatus = status !== undefined && ((status >= 200 && status < 300) || (options.allowStatus ?? []).includes(status))
      if (okStatus) return {status: status!, data: response!.data as T}

      const decision = shouldRetry({
        method,
        attempt,
        maxRetries,
        status,
        networkCode: networkError?.code,
        retryAfterHeader: response?.headers?.['retry-after'] as string | undefined,
      })
      if (decision.retry) {
        this.debug(`retrying ${method} ${target} in ${decision.delayMs} ms (attempt ${attempt + 1} of ${maxRetries + 1})`)
        await sleep(decision.delayMs)
        continue
      }
      if (response) {
        throw toApiError({status: response.status, statusText: response.statusText, method, url: target, body: response.data})
      }
      throw networkFailure(this.server, networkError, this.options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS)
    }
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
    const {httpAgent, httpsAgent} = agents.createAgents(this.server, this.options.caCertFile)
    this.http = axios.create({
      headers,
      timeout: (this.options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      // Proxies are handled by our agents (HTTPS_PROXY/NO_PROXY); axios's own proxy support breaks https via CONNECT.
      proxy: false,
      httpAgent,
      httpsAgent,
      validateStatus: () => true,
      maxRedirects: 5,
      // A redirect to another host or to plain http must not carry the key (Authorization is already dropped).
      sensitiveHeaders: ['X-Octopus-ApiKey'],
      responseType: 'json',
      transitional: {silentJSONParsing: true, forcedJSONParsing: true},
    })
    return this.http
  }
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

function networkFailure(server: string, error: (Error & {code?: string}) | undefined, timeoutSeconds: number): CliError {
  const code = error?.code ?? ''
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    return new CliError(`Timed out after ${timeoutSeconds}s waiting for ${server}.`, ExitCode.Failure, {hint: 'Raise --timeout, or check the network path to the server.', code: 'timeout'})
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(`Cannot resolve the host of ${server}.`, ExitCode.Failure, {hint: 'Check the server URL and your DNS.', code: 'network'})
  }
  if (code === 'ECONNREFUSED') {
    return new CliError(`Connection refused by ${server}.`, ExitCode.Failure, {hint: 'Is the server running, and is the port right?', code: 'network'})
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new CliError(`TLS verification failed for ${server}: ${error?.message ?? code}.`, ExitCode.Failure, {
      hint: 'If the server uses a private CA, pass --ca-cert FILE or set NODE_EXTRA_CA_CERTS. Verification is never switched off.',
      code: 'tls',
    })
  }
  return new CliError(`Cannot reach ${server}: ${error?.message ?? 'network error'}.`, ExitCode.Failure, {code: 'network'})
}

export {OctopusApiError}
