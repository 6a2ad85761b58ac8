/**
 * OpenID Connect login for service accounts (Octopus 2023.4.8077 / 2024.1.1889 on): a CI job's ID
 * token (a JWT whose `aud` is the service account ID) is exchanged, RFC 8693, for an Octopus
 * access token that is then sent as `Authorization: Bearer` (docs/ARCHITECTURE.md §3).
 *
 * 1. GET {server}/.well-known/openid-configuration and read `token_endpoint` (never a guessed path:
 *    the exact endpoint a real server names is not documented);
 * 2. POST it {grant_type, audience, subject_token_type, subject_token} as JSON, as Octopus's own
 *    clients do;
 * 3. read {access_token, token_type, issued_token_type, expires_in}; `expires_in` is a number on
 *    the wire as far as the Go and .NET clients show, but the GitHub Action's tests send a string,
 *    so both are read.
 * Refusals come in the spec's `{error, error_description}` or, from older servers, Octopus's
 * `{ErrorMessage, Errors}`; which versions send which, and the HTTP status, are UNCONFIRMED, so any
 * 4xx with either body is read as a refusal.
 *
 * The ID token and the access token never go into a message: the debug lines name only method,
 * URL and status, and the client redacts both.
 */
import {authError, CliError, ExitCode, usageError} from '../text/errors.js'
import type {ClientOptions, OctopusClient} from './client.js'
import {anyBody} from './response-shapes.js'

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'

/** The first releases with OIDC login, on the two lines that got it (OctopusDeploy/Issues#8558). */
export const OIDC_MIN_VERSIONS = '2023.4.8077 or 2024.1.1889'

/** The client statuses read as an answer rather than thrown: a refusal says why in its body. */
const CLIENT_ERRORS = Array.from({length: 100}, (_, i) => 400 + i)

export interface OidcAccessToken {
  accessToken: string
  /** Milliseconds since the epoch. */
  expiresAt: number
}

export interface IdTokenClaims {
  aud: string[]
  exp?: number
  iss?: string
  sub?: string
}

export type CreateClient = (options: ClientOptions) => OctopusClient

export interface ExchangeRequest {
  server: string
  serviceAccountId: string
  idToken: string
  /** Milliseconds since the epoch (the run's clock). */
  now: number
  createClient: CreateClient
  client: Omit<ClientOptions, 'server' | 'apiKey' | 'accessToken'>
}

/** Whether an Octopus version has OIDC login: 2023.4.8077+, 2024.1.1889+, any later line. */
export function versionHasOidc(version: string): boolean | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version)
  if (!match) return undefined
  const [year, minor, build] = match.slice(1).map(Number)
  const line = year * 100 + minor
  if (line > 202401) return true
  if (line === 202401) return build >= 1889
  if (line === 202304) return build >= 8077
  return false
}

/** The claims of a JWT, read without verifying it (the server verifies); undefined when it is no JWT. */
export function readIdTokenClaims(jwt: string): IdTokenClaims | undefined {
  const parts = jwt.split('.')
  if (parts.length !== 3) return undefined
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>
    if (!payload || typeof payload !== 'object') return undefined
    const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : []
    return {aud, exp: typeof payload.exp === 'number' ? payload.exp : undefined, iss: typeof payload.iss === 'string' ? payload.iss : undefined, sub: typeof payload.sub === 'string' ? payload.sub : undefined}
  } catch {
    return undefined
  }
}

/**
 * The checks Octopus makes that need no key, made before anything is sent, so that the two most
 * common mistakes get a message that says exactly what to change: the audience (it must be the
 * service account ID) and the expiry (CI ID tokens live minutes).
 */
export function checkIdToken(idToken: string, serviceAccountId: string, now: number): IdTokenClaims {
  const claims = readIdTokenClaims(idToken)
  if (!claims) throw usageError('The ID token is not a JWT (three base64url parts separated by dots).', {code: 'id-token-malformed'})
  if (!claims.aud.includes(serviceAccountId)) {
    const got = claims.aud.length === 0 ? 'no audience' : `audience ${claims.aud.map((a) => `'${a}'`).join(', ')}`
    throw authError(`The ID token has ${got}, not the service account ID '${serviceAccountId}'.`, {
      code: 'oidc-wrong-audience',
      hint: `Ask the CI for a token with audience ${serviceAccountId} (GitHub Actions: octoworkers requests it so when OCTOPUS_SERVICE_ACCOUNT_ID is set; GitLab: \`id_tokens: OCTOPUS_ID_TOKEN: aud: ${serviceAccountId}\`).`,
    })
  }
  if (claims.exp !== undefined && claims.exp * 1000 <= now) {
    throw authError(`The ID token expired at ${new Date(claims.exp * 1000).toISOString()}; CI ID tokens live minutes, so exchange one as soon as the job gets it.`, {
      code: 'oidc-id-token-expired',
      hint: 'Get a fresh ID token from the CI job and log in again with it.',
    })
  }
  return claims
}

/** Discovers the token endpoint and exchanges the ID token for an access token (exit 3 on any refusal). */
export async function exchangeIdToken(req: ExchangeRequest): Promise<OidcAccessToken> {
  checkIdToken(req.idToken, req.serviceAccountId, req.now)
  const client = req.createClient({...req.client, server: req.server})
  const endpoint = await discoverTokenEndpoint(client)
  const response = await client.request<unknown>('POST', endpoint, {
    body: {grant_type: TOKEN_EXCHANGE_GRANT, audience: req.serviceAccountId, subject_token_type: JWT_TOKEN_TYPE, subject_token: req.idToken},
    allowStatus: CLIENT_ERRORS,
    expect: anyBody,
  })
  return readExchangeAnswer(client.server, endpoint, response.status, response.data, req.now)
}

/**
 * The exchange's answer: the access token and when it expires, or why it was refused, in
 * whichever of Octopus's two error formats (exit 3 either way).
 */
export function readExchangeAnswer(server: string, endpoint: string, status: number, data: unknown, now: number): OidcAccessToken {
  if (status >= 400) throw exchangeRefused(server, status, data)
  const body = data && typeof data === 'object' ? data as Record<string, unknown> : undefined
  const accessToken = body?.access_token
  const expiresIn = typeof body?.expires_in === 'string' && body.expires_in.trim() !== '' ? Number(body.expires_in) : body?.expires_in
  if (typeof accessToken !== 'string' || accessToken === '' || /\s/.test(accessToken) || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new CliError(`The token exchange at ${endpoint} answered HTTP ${status} without an access_token and a positive expires_in.`, ExitCode.Auth, {code: 'oidc-bad-exchange-response'})
  }
  return {accessToken, expiresAt: now + expiresIn * 1000}
}

/** `{server}/.well-known/openid-configuration`'s `token_endpoint`; why there is none, when there is none. */
async function discoverTokenEndpoint(client: OctopusClient): Promise<string> {
  const url = `${client.server}/.well-known/openid-configuration`
  const response = await client.request<unknown>('GET', url, {allowStatus: CLIENT_ERRORS, expect: anyBody})
  const endpoint = (response.data as {token_endpoint?: unknown} | undefined)?.token_endpoint
  if (response.status < 300 && typeof endpoint === 'string' && /^https?:\/\//i.test(endpoint)) return endpoint
  const answered = response.status >= 300 ? `HTTP ${response.status}` : typeof response.data === 'object' && response.data ? 'a document without a token_endpoint URL' : 'no JSON document'
  throw await noOidcAt(client, url, answered)
}

/** Discovery failed: is this an Octopus Server at all, and if so, is it too old for OIDC? */
async function noOidcAt(client: OctopusClient, url: string, answered: string): Promise<CliError> {
  const root = await client.request<unknown>('GET', '/api', {allowStatus: CLIENT_ERRORS, expect: anyBody}).catch(() => undefined)
  const doc = root && root.status < 300 ? root.data as {Application?: unknown; Version?: unknown} | undefined : undefined
  const version = typeof doc?.Version === 'string' ? doc.Version : undefined
  if (!version || (doc?.Application !== undefined && doc.Application !== 'Octopus Deploy')) {
    return authError(`${client.server} is not an Octopus Server: ${url} answered ${answered}, and /api is no Octopus root document.`, {
      code: 'oidc-not-octopus',
      hint: 'Check the server URL: it is the Octopus Server\'s root, e.g. https://my.octopus.app.',
    })
  }
  if (versionHasOidc(version) === false) {
    return authError(`Octopus Server ${version} at ${client.server} has no OpenID Connect login: it needs ${OIDC_MIN_VERSIONS} or later.`, {
      code: 'oidc-unsupported-version',
      hint: 'Upgrade the server, or use an API key (OCTOPUS_API_KEY, or `octoworkers login --api-key-stdin`).',
    })
  }
  return authError(`Octopus Server ${version} at ${client.server} gave no OpenID Connect configuration: ${url} answered ${answered}.`, {
    code: 'oidc-discovery-failed',
    hint: 'A proxy in front of the server may not pass /.well-known/ through; check the URL in a browser.',
  })
}

/** A refused exchange, in whichever of Octopus's two error formats it came. */
function exchangeRefused(server: string, status: number, body: unknown): CliError {
  const b = (body && typeof body === 'object' ? body : {}) as {error?: unknown; error_description?: unknown; ErrorMessage?: unknown; Errors?: unknown}
  let why: string
  if (typeof b.error === 'string') why = typeof b.error_description === 'string' && b.error_description ? `${b.error_description} (${b.error})` : b.error
  else if (Array.isArray(b.Errors) && b.Errors.some((e) => typeof e === 'string' && e)) why = b.Errors.filter((e) => typeof e === 'string' && e).join('; ')
  else if (typeof b.ErrorMessage === 'string' && b.ErrorMessage) why = b.ErrorMessage
  else why = 'no reason given'
  return authError(`${server} refused the ID token (HTTP ${status}): ${why.replace(/\s*\n\s*/g, ' ')}`, {
    code: 'oidc-exchange-refused',
    hint: 'The service account\'s OIDC identity must name the token\'s issuer and match its subject; check them in Octopus (Configuration > Users > the service account > OpenID Connect).',
  })
}

export interface GitHubIdTokenRequest {
  requestUrl: string
  requestToken: string
  audience: string
  createClient: CreateClient
  client: Omit<ClientOptions, 'server' | 'apiKey' | 'accessToken'>
}

/**
 * GitHub Actions' ID token for `audience`, as @actions/core's getIDToken asks for it:
 * `GET {ACTIONS_ID_TOKEN_REQUEST_URL}&audience=…` with `Bearer {ACTIONS_ID_TOKEN_REQUEST_TOKEN}`,
 * the JWT in the answer's `value` (the URL already carries a query string, hence `&`).
 */
export async function requestGitHubIdToken(req: GitHubIdTokenRequest): Promise<string> {
  let origin: string
  try {
    origin = new URL(req.requestUrl).origin
  } catch {
    throw authError('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL.', {code: 'github-id-token'})
  }
  const separator = req.requestUrl.includes('?') ? '&' : '?'
  const target = `${req.requestUrl}${separator}audience=${encodeURIComponent(req.audience)}`
  const client = req.createClient({...req.client, server: origin, accessToken: req.requestToken})
  const response = await client.request<unknown>('GET', target, {allowStatus: CLIENT_ERRORS, expect: anyBody})
  const value = (response.data as {value?: unknown} | undefined)?.value
  if (response.status >= 400 || typeof value !== 'string' || value === '') {
    throw authError(`GitHub Actions gave no ID token (HTTP ${response.status}${response.status < 400 ? ', no `value` in the answer' : ''}).`, {
      code: 'github-id-token',
      hint: 'Give the job `permissions: id-token: write` (and list the others it needs, e.g. `contents: read`).',
    })
  }
  return value
}
