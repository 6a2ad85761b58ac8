import type {IncomingMessage, ServerResponse} from 'node:http'
import {HttpError, decodePathSegment, errorBody, parseJson, readBody, routeNotFound, sendJsonText, sendText} from './http.js'
import type {PresentedJson} from './present.js'
import {defaultSpaceId} from './model/spaces.js'
import type {SandboxContext} from './server-context.js'
import type {FaultInjector} from './faults.js'
import {acceptedQuery, type QueryKey, type VersionProfile} from './profiles.js'
import type {SandboxOidc} from './oidc.js'

/** `spaceHome` is `GET /api/Spaces-N` itself; `root` is outside `/api` (`/.well-known/...`). */
export type Scope = 'space' | 'global' | 'sandbox' | 'spaceHome' | 'root'

/** Who a request is made as: the API key, the read-only key, or an access token from the OIDC exchange. */
export type Principal = 'admin' | 'reader' | 'oidc'

/** What a handler returns: a value to serialise, JSON text already presented for the version (present.ts), or plain text. */
export type Reply =
  | {status?: number; json: unknown}
  | {status?: number; jsonText: PresentedJson}
  | {status?: number; text: string}

export interface Request {
  ctx: SandboxContext
  method: string
  params: Record<string, string>
  query: URLSearchParams
  /** The space the route addresses (the default space for legacy `/api/...` routes). */
  spaceId: string
  /** False for legacy `/api/...` routes (e.g. `/api/tasks` spans all spaces). */
  explicitSpace: boolean
  /** The parsed JSON body (400 when missing or malformed); only for handlers that need one. */
  body(): unknown
  rawBody: string
  /** The request's Content-Type, without parameters, lower case. */
  contentType: string
  /** The URL the client reached the sandbox at (scheme, host and port), for absolute links. */
  origin: string
  readOnlyKey: boolean
  principal: Principal
}

export interface Route {
  method: string
  /** Path after the scope prefix, e.g. `workers/{id}/connection`. */
  path: string
  scope: Scope
  handler: (req: Request) => Reply | Promise<Reply>
  /** Only for some emulated versions (e.g. `workertaskleases` exists from 2024.2). */
  when?: (profile: VersionProfile) => boolean
  /**
   * The version's query template for this route: parameters it does not list are dropped before
   * the handler sees them, as a real server of that version ignores them. Without it, all pass.
   */
  query?: QueryKey
  /** Needs no credential (OIDC discovery and the token exchange). */
  anonymous?: boolean
}

export interface Exchange {
  method: string
  /** Swagger-style path template, e.g. `/{baseSpaceId}/workers/{id}` (relative to `/api`). */
  route: string
  requestBody: unknown
  status: number
  responseBody: unknown
}

export interface RouterOptions {
  ctx: SandboxContext
  routes: Route[]
  apiKey: string
  readOnlyApiKey: string
  faults: FaultInjector
  oidc: SandboxOidc
  onExchange?: (exchange: Exchange) => void
}

interface CompiledRoute extends Route {
  segments: string[]
}

interface Match {
  route: CompiledRoute
  params: Record<string, string>
  spaceId?: string
  /** Whether the route was addressed with an explicit space (`/api/Spaces-1/...`). */
  explicitSpace: boolean
}

const SPACE_ID = /^Spaces-\d+$/i

/** Dispatches `/api/...` requests: auth, route forms per emulated version, faults, errors. */
export class Router {
  private readonly routes: CompiledRoute[]

  constructor(private readonly options: RouterOptions) {
    // Literal segments win over parameters (`workers/all` before `workers/{id}`).
    const shape = (r: CompiledRoute) => r.segments.map((s) => (s.startsWith('{') ? '1' : '0')).join('')
    this.routes = options.routes
      .map((r) => ({...r, segments: r.path.split('/').filter(Boolean)}))
      .sort((a, b) => shape(a).localeCompare(shape(b)))
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', 'http://sandbox')
    let rawBody = ''
    let match: Match | undefined
    let status = 500
    let responseText = ''
    try {
      if (method !== 'GET' && method !== 'HEAD') rawBody = await readBody(req)
      const path = url.pathname.replace(/\/+$/, '') || '/'
      const isRoot = path.toLowerCase() === '/api'
      let resolved: Match | 'wrong-method' | undefined
      let unreadablePath: unknown
      try {
        resolved = isRoot ? (method === 'GET' || method === 'HEAD' ? this.match('GET', [], 'global') : 'wrong-method') : this.resolve(method, path)
      } catch (error) {
        unreadablePath = error
      }
      // Only reading the root document (and the OIDC routes) is open to all: anything else needs a credential first.
      // Paths outside /api are no API's (an older server has no /.well-known/openid-configuration: 404, whoever asks).
      const outsideApi = !/^\/api(\/|$)/i.test(path)
      const open = (isRoot && (method === 'GET' || method === 'HEAD')) || outsideApi || (typeof resolved === 'object' && resolved.route.anonymous === true)
      const principal = await this.authenticate(req, url, open)
      if (unreadablePath) throw unreadablePath
      const readOnlyKey = principal === 'reader'
      if (resolved === 'wrong-method') throw new HttpError(405, `The method ${method} is not allowed on ${url.pathname}.`)
      if (!resolved) throw routeNotFound(url.pathname)
      match = resolved
      if (readOnlyKey && method !== 'GET' && method !== 'HEAD') {
        throw new HttpError(403, 'You do not have permission to perform this action. This API key is read-only (sandbox read-only key).')
      }
      if (match.route.scope !== 'sandbox') {
        const fault = this.options.faults.check(method, url.pathname)
        if (fault) throw new HttpError(fault.Status, `Injected fault (sandbox): ${method} ${url.pathname} failed with ${fault.Status}.`)
      }
      const ctx = this.options.ctx
      const spaceId = match.spaceId ?? this.defaultSpaceId()
      let parsed: unknown
      let parsedOnce = false
      const request: Request = {
        ctx,
        method,
        params: match.params,
        query: match.route.query ? acceptedQuery(ctx.profile, match.route.query, url.searchParams, ctx.queryNames) : url.searchParams,
        spaceId,
        explicitSpace: match.explicitSpace,
        rawBody,
        contentType: String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase(),
        origin: `http://${req.headers.host ?? 'localhost'}`,
        readOnlyKey,
        principal,
        body: () => {
          if (!parsedOnce) {
            parsed = parseJson(rawBody)
            parsedOnce = true
          }
          return parsed
        },
      }
      if (match.route.scope === 'space' && match.explicitSpace && !ctx.store.getDoc('Space', spaceId)) {
        throw new HttpError(404, `The space with ID '${spaceId}' could not be found.`)
      }
      const reply = await match.route.handler(request)
      status = reply.status ?? 200
      if ('text' in reply) {
        responseText = reply.text
        sendText(res, status, reply.text)
      } else {
        responseText = 'jsonText' in reply ? reply.jsonText : ctx.present.value(reply.json)
        sendJsonText(res, status, responseText)
      }
    } catch (error) {
      const httpError = error instanceof HttpError ? error : new HttpError(500, `Internal sandbox error: ${(error as Error).message}`)
      status = httpError.status
      responseText = errorBody(httpError)
      if (!res.headersSent) sendJsonText(res, status, responseText)
      else res.destroy()
    }
    this.report(method, match, rawBody, status, responseText)
  }

  private report(method: string, match: Match | undefined, rawBody: string, status: number, responseText: string): void {
    const onExchange = this.options.onExchange
    if (!onExchange || !match || match.route.scope === 'sandbox') return
    const route = this.swaggerRoute(match)
    let requestBody: unknown
    let responseBody: unknown
    try {
      requestBody = rawBody ? JSON.parse(rawBody) : undefined
    } catch {
      requestBody = rawBody
    }
    try {
      responseBody = JSON.parse(responseText)
    } catch {
      responseBody = responseText
    }
    onExchange({method, route, requestBody, status, responseBody})
  }

  private swaggerRoute(match: Match): string {
    const tail = match.route.segments.length ? '/' + match.route.segments.join('/') : '/'
    if (match.route.scope === 'space' && match.explicitSpace) return `/{baseSpaceId}${tail === '/' ? '' : tail}`
    return tail
  }

  /**
   * 401 without or with a wrong credential (an expired access token says so); returns who the
   * request is made as. The open routes need none, and take one only if it is valid.
   */
  private async authenticate(req: IncomingMessage, url: URL, open: boolean): Promise<Principal> {
    const header = req.headers['x-octopus-apikey']
    const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1]
    let queryKey: string | undefined
    for (const [k, v] of url.searchParams) if (k.toLowerCase() === 'apikey') queryKey = v
    const key = (Array.isArray(header) ? header[0] : header) ?? bearer ?? queryKey
    if (key === this.options.apiKey) return 'admin'
    if (key === this.options.readOnlyApiKey) return 'reader'
    if (open && key === undefined) return 'admin'
    if (key !== undefined && key === bearer) {
      const check = await this.options.oidc.checkAccessToken(key)
      if (check === 'valid') return 'oidc'
      // What a real server says for an expired access token is UNCONFIRMED (presumably 401).
      if (check === 'expired') throw new HttpError(401, 'The access token has expired. Exchange a new ID token for another one.')
    }
    throw new HttpError(401, key === undefined
      ? 'You must be logged in to perform this action. Please provide a valid API key in the X-Octopus-ApiKey header.'
      : 'The API key you provided was not valid. Please double-check your API key and try again.')
  }

  private defaultSpaceId(): string {
    return defaultSpaceId(this.options.ctx) ?? 'Spaces-1'
  }

  /** Maps a path onto a route: `/api/sandbox/...`, `/api/spaces/Spaces-N/...` (where the profile has it), `/api/Spaces-N/...`, `/api/...`. */
  private resolve(method: string, path: string): Match | 'wrong-method' | undefined {
    const segments = path.split('/').filter(Boolean).map(decodePathSegment)
    if (segments[0]?.toLowerCase() === '.well-known') return this.match(method, segments, 'root')
    if (segments[0]?.toLowerCase() !== 'api') return undefined
    const rest = segments.slice(1)
    if (rest[0]?.toLowerCase() === 'sandbox') return this.match(method, rest.slice(1), 'sandbox')
    if (rest[0]?.toLowerCase() === 'spaces' && rest[1] && SPACE_ID.test(rest[1]) && rest.length > 2 && this.options.ctx.profile.spacesRouteForm) {
      const m = this.match(method, rest.slice(2), 'space')
      if (m) return m === 'wrong-method' ? m : {...m, spaceId: canonicalSpaceId(rest[1]), explicitSpace: true}
    }
    if (rest[0] && SPACE_ID.test(rest[0])) {
      if (rest.length === 1) {
        const home = this.match('GET', [rest[0]], 'spaceHome')
        if (method !== 'GET') return 'wrong-method'
        return home && home !== 'wrong-method' ? {...home, params: {spaceId: canonicalSpaceId(rest[0])}} : undefined
      }
      const m = this.match(method, rest.slice(1), 'space')
      return m && m !== 'wrong-method' ? {...m, spaceId: canonicalSpaceId(rest[0]), explicitSpace: true} : m
    }
    const global = this.match(method, rest, 'global')
    if (global && global !== 'wrong-method') return global
    return this.match(method, rest, 'space') ?? global
  }

  private match(method: string, segments: string[], scope: Scope): Match | 'wrong-method' | undefined {
    let methodMismatch = false
    for (const route of this.routes) {
      if (route.scope !== scope || route.segments.length !== segments.length) continue
      if (route.when && !route.when(this.options.ctx.profile)) continue
      const params: Record<string, string> = {}
      let ok = true
      for (let i = 0; i < segments.length; i++) {
        const pattern = route.segments[i]
        if (pattern.startsWith('{')) params[pattern.slice(1, -1)] = segments[i]
        else if (pattern.toLowerCase() !== segments[i].toLowerCase()) {
          ok = false
          break
        }
      }
      if (!ok) continue
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        methodMismatch = true
        continue
      }
      return {route, params, explicitSpace: false}
    }
    return methodMismatch ? 'wrong-method' : undefined
  }
}

function canonicalSpaceId(raw: string): string {
  return `Spaces-${raw.split('-')[1]}`
}

export type {SandboxContext}
