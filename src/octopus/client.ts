import {readFileSync} from 'node:fs'
import {CliError, ExitCode, redact, usageError, notFoundError} from '../text/errors.js'
import {caFileUnreadable} from './errors.js'
import {expandLink, readRootDocument} from './links.js'
import {appendQuery, sendRequest, type RawResponse, type RequestOptions, type RequestPolicy} from './request.js'
import {collectionOf, spaceHome, spaceList, type ResponseShape} from './response-shapes.js'
import {normalizeServerUrl, resolveAgainstServer} from './server-url.js'
import {Transport, type AccessTokenRenewal} from './transport.js'
import type {TemplateParams} from './uri-template.js'
import type {Links, ResourceCollection, RootDocument, SpaceResource} from './types.js'
import {closeMatches} from '../text/fuzzy.js'
import {MAX_TIMER_SECONDS} from '../text/duration.js'
import {groupDigits} from '../text/number.js'

export interface ClientOptions {
  /** Server root URL, e.g. https://octopus.example.com or http://127.0.0.1:8065 */
  server: string
  apiKey?: string
  accessToken?: string
  /** How `accessToken`, from an OIDC exchange, is replaced before it expires (transport.ts). */
  accessTokenRenewal?: AccessTokenRenewal
  timeoutSeconds?: number
  caCertFile?: string
  /** Receives one line per request; secrets are already redacted. */
  debug?: (line: string) => void
  userAgent?: string
  maxRetries?: number
  sleep?: (ms: number) => Promise<void>
  /** Cap on one response body in bytes (default 256 MiB; the CLI takes it from OCTOWORKERS_MAX_RESPONSE_MB). */
  maxResponseBytes?: number
}

const DEFAULT_TIMEOUT_SECONDS = 30

/**
 * The Octopus REST client: no oclif, no terminal. It starts from the `/api` root document and
 * follows its `Links` templates, so it works on servers with only `/api/Spaces-N/...` routes.
 * The HTTP itself is the transport's (transport.ts), the retry and read-back policy the
 * request's (request.ts); this class holds a server's root document and spaces.
 */
export class OctopusClient {
  readonly server: string
  private rootDoc?: RootDocument
  private spacesCache?: SpaceResource[]
  private readonly transport: Transport
  private readonly policy: RequestPolicy
  /** Every credential this client has sent: redacted from its debug lines. */
  private readonly secrets: string[]

  constructor(private readonly options: ClientOptions) {
    this.server = normalizeServerUrl(options.server)
    // The timer that enforces it overflows past MAX_TIMER_SECONDS and would fire at once.
    if (options.timeoutSeconds !== undefined && !(options.timeoutSeconds > 0 && options.timeoutSeconds <= MAX_TIMER_SECONDS)) {
      throw usageError(`The request timeout must be above 0 and at most ${groupDigits(MAX_TIMER_SECONDS)} seconds, not ${options.timeoutSeconds}.`)
    }
    // Read once, here, so that a file that cannot be read is a usage error before any request.
    let caPem: string | undefined
    if (options.caCertFile) {
      try {
        caPem = readFileSync(options.caCertFile, 'utf8')
      } catch {
        throw caFileUnreadable(options.caCertFile)
      }
    }
    const debug = (line: string) => this.debug(line)
    this.secrets = [options.apiKey, options.accessToken].filter((s): s is string => Boolean(s))
    const renewal = options.accessTokenRenewal
    this.transport = new Transport({
      server: this.server,
      apiKey: options.apiKey,
      accessToken: options.accessToken,
      renewal: renewal && {
        ...renewal,
        renew: async () => {
          const next = await renewal.renew()
          this.secrets.push(next.accessToken)
          return next
        },
      },
      caPem,
      userAgent: options.userAgent,
      maxResponseBytes: options.maxResponseBytes,
      debug,
    })
    this.policy = {
      transport: this.transport,
      server: this.server,
      timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      maxRetries: options.maxRetries ?? 3,
      sleep: options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
      debug,
    }
  }

  /** Creates a client and reads the root document (one request). */
  static async connect(options: ClientOptions): Promise<OctopusClient> {
    const client = new OctopusClient(options)
    await client.loadRoot()
    return client
  }

  /** Number of HTTP requests made (for `npm run bench` and request-count tests). */
  get requestCount(): number {
    return this.transport.requestCount
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
    return resolveAgainstServer(this.server, link)
  }

  /** Expands a root-document link by name. Throws if the server does not offer it. */
  link(name: string, params: TemplateParams = {}): string {
    return expandLink(this.root.Links, name, params, this.version)
  }

  hasLink(name: string): boolean {
    return Boolean(this.root.Links[name])
  }

  async loadRoot(): Promise<RootDocument> {
    this.rootDoc = await readRootDocument(this.server, (method, url, options) => this.request<unknown>(method, url, options))
    return this.rootDoc
  }

  /** GET whose body must have `shape` (else one clear line naming what came back, exit 1). */
  async get<T>(url: string, shape: ResponseShape<T>, query?: TemplateParams): Promise<T> {
    return (await this.request<T>('GET', url, {query, expect: shape})).data
  }

  /**
   * GET of a list whose items are read as they arrive (list-reader.ts): each checked against the
   * list shape's item, then reduced by `keep` (undefined leaves it out), so that only what the
   * caller keeps of a large list is ever held at once.
   */
  async getList<T, R>(url: string, shape: ResponseShape<T[]>, keep: (item: T) => R | undefined): Promise<R[]> {
    return (await this.request<R[]>('GET', url, {expect: shape, keep: keep as (item: never) => unknown})).data
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

  /**
   * Reads every page of a paged collection, following `Page.Next` (one request per page). With
   * `keep`, a large page's items are read as they arrive and each reduced by it (list-reader.ts).
   */
  async getAllPages<T>(url: string, item: ResponseShape<T>, keep?: (item: T) => T | undefined): Promise<T[]> {
    const items: T[] = []
    let next: string | undefined = url
    const seen = new Set<string>()
    const shape = collectionOf(item)
    while (next && !seen.has(next)) {
      seen.add(next)
      const page: ResourceCollection<T> = (await this.request<ResourceCollection<T>>('GET', next, {expect: shape, keep: keep as ((item: never) => unknown) | undefined})).data
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
   * One logical request (request.ts): retried when transient, read back after a lost PUT or
   * DELETE, all within one deadline; a 2xx body is checked against `options.expect`.
   */
  async request<T>(method: string, url: string, options: RequestOptions = {}): Promise<RawResponse<T>> {
    const target = this.resolve(options.query ? appendQuery(url, options.query) : url)
    return sendRequest<T>(this.policy, method, target, options)
  }

  private debug(line: string): void {
    if (this.options.debug) this.options.debug(redact(line, this.secrets))
  }
}

/**
 * A space and its own links (from `/api/{spaceId}`), for space-scoped requests. It lives beside
 * the client because each holds the other: the client makes it, and it requests through the client.
 */
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
