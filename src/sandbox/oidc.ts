/**
 * OpenID Connect for service accounts, as an Octopus Server (2023.4.8077 / 2024.1.1889 on) does it:
 * discovery at `/.well-known/openid-configuration`, the RFC 8693 token exchange at its
 * `token_endpoint`, and the access token it issues used as `Authorization: Bearer`.
 *
 * The sandbox has one service account with one OIDC identity: the issuer, its keys and the subject
 * pattern given at start. The exchange verifies the ID token as Octopus documents it must be
 * (signature against the issuer's keys, `iss` exactly, `aud` = the service account ID, `exp`, and
 * `sub` against the pattern with `*` and `?`). A real server finds the issuer's keys through the
 * issuer's own discovery document over HTTPS; the sandbox takes them as a file or a URL (plain
 * http allowed) so that tests need no certificate.
 *
 * The access token is a JWT signed PS256 by a key the sandbox keeps in its data file, as Octopus's
 * are, so a token survives a restart until it expires. The wording of error descriptions and the
 * status code of refusals (400) are the sandbox's own: a real server's are UNCONFIRMED.
 */
import {randomUUID} from 'node:crypto'
import type {CryptoKey, JSONWebKeySet, JWK, JWTVerifyGetKey, KeyObject} from 'jose'
import type {Store} from './store.js'

export interface OidcTrust {
  /** The `iss` the ID tokens must carry, exactly. */
  issuer: string
  /** The issuer's public keys. */
  jwks?: JSONWebKeySet
  /** Where to fetch the issuer's public keys instead. */
  jwksUrl?: string
  /** The identity's subject: `*` any run of characters, `?` one character, case-sensitive (default `*`). */
  subject?: string
}

export interface SandboxOidcOptions {
  trust?: OidcTrust
  /** Lifetime of an issued access token (default 3600 s, "short-lived (1 hour)" in Octopus's docs). */
  accessTokenLifetimeSeconds?: number
}

/** The one service account that the OIDC identity logs in as (what `/api/users/me` returns). */
export const OIDC_SERVICE_ACCOUNT_USER = {Id: 'Users-3', Username: 'ci-service-account', DisplayName: 'CI service account (OIDC)'}

export type AccessTokenCheck = 'valid' | 'expired' | 'invalid'

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
/** The `iss` of the sandbox's access tokens: not its URL, which may change from one start to the next. */
const ACCESS_TOKEN_ISSUER = 'octoworkers-sandbox'
const SIGNING_KEY_META = 'oidc-signing-key'
const SERVICE_ACCOUNT_META = 'oidc-service-account-id'

/** A refusal in the token-exchange spec's format (`error` is always `invalid_request`, per Octopus's docs). */
export interface ExchangeReply {
  status: number
  json: Record<string, unknown>
}

type Jose = typeof import('jose')

type SigningKey = {privateKey: KeyObject | CryptoKey; publicKey: KeyObject | CryptoKey; kid: string; publicJwk: JWK}

export class SandboxOidc {
  private signingKeyLoad: Promise<SigningKey> | undefined

  private constructor(
    private readonly jose: Jose,
    private readonly store: Store,
    readonly serviceAccountId: string,
    private readonly options: SandboxOidcOptions,
    private readonly issuerKeys: JWTVerifyGetKey | undefined,
  ) {}

  /**
   * Made or read when first needed, not when the sandbox starts: making an RSA key costs about
   * 0.1-0.25 s of CPU, and most sandboxes never sign or check a token.
   */
  private signingKey(): Promise<SigningKey> {
    this.signingKeyLoad ??= loadSigningKey(this.jose, this.store)
    return this.signingKeyLoad
  }

  static async open(store: Store, options: SandboxOidcOptions): Promise<SandboxOidc> {
    const jose = await import('jose')
    let serviceAccountId = store.getMeta(SERVICE_ACCOUNT_META)
    if (!serviceAccountId) {
      serviceAccountId = randomUUID()
      store.setMeta(SERVICE_ACCOUNT_META, serviceAccountId)
    }
    const trust = options.trust
    const issuerKeys = !trust ? undefined : trust.jwks ? jose.createLocalJWKSet(trust.jwks) : trust.jwksUrl ? jose.createRemoteJWKSet(new URL(trust.jwksUrl)) : undefined
    if (trust && !issuerKeys) throw new Error('an OIDC issuer needs its keys: a JWKS or a JWKS URL')
    return new SandboxOidc(jose, store, serviceAccountId, options, issuerKeys)
  }

  get lifetimeSeconds(): number {
    return this.options.accessTokenLifetimeSeconds ?? 3600
  }

  /** `GET /.well-known/openid-configuration`; `origin` is the URL the client reached the sandbox at. */
  discovery(origin: string): Record<string, unknown> {
    return {
      issuer: origin,
      token_endpoint: `${origin}/api/token/v1`,
      jwks_uri: `${origin}/api/.well-known/jwks`,
      grant_types_supported: [TOKEN_EXCHANGE_GRANT],
    }
  }

  /** `GET /api/.well-known/jwks`: the key the access tokens are signed with. */
  async jwks(): Promise<{keys: JWK[]}> {
    const signingKey = await this.signingKey()
    return {keys: [{...signingKey.publicJwk, kid: signingKey.kid, use: 'sig', alg: 'PS256'}]}
  }

  /** `POST {token_endpoint}`: the body as JSON or form fields (Octopus takes both). */
  async exchange(fields: Record<string, unknown>): Promise<ExchangeReply> {
    for (const name of ['grant_type', 'audience', 'subject_token_type', 'subject_token']) {
      const value = fields[name]
      if (typeof value !== 'string' || value === '') return refusal(`The ${name} field is required.`)
    }
    if (fields.grant_type !== TOKEN_EXCHANGE_GRANT) return refusal(`The grant_type must be ${TOKEN_EXCHANGE_GRANT}.`)
    if (fields.subject_token_type !== JWT_TOKEN_TYPE) return refusal(`The subject_token_type must be ${JWT_TOKEN_TYPE}.`)
    const audience = fields.audience as string
    const trust = this.options.trust
    if (audience !== this.serviceAccountId || !trust || !this.issuerKeys) return refusal(`No service account with ID '${audience}' has an OpenID Connect identity.`)
    let claims: Record<string, unknown>
    try {
      claims = this.jose.decodeJwt(fields.subject_token as string)
    } catch {
      return refusal('The subject_token is not a JWT.')
    }
    if (claims.iss !== trust.issuer) return refusal(`The issuer '${String(claims.iss)}' of the subject_token does not match the issuer of any OpenID Connect identity of the service account.`)
    try {
      await this.jose.jwtVerify(fields.subject_token as string, this.issuerKeys, {issuer: trust.issuer, audience: this.serviceAccountId, requiredClaims: ['exp']})
    } catch (error) {
      const e = error as Error & {code?: string; claim?: string}
      if (e.code === 'ERR_JWT_EXPIRED') return refusal('The subject_token has expired.')
      if (e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'aud') return refusal(`The audience of the subject_token does not match the service account ID '${this.serviceAccountId}'.`)
      if (e.code === 'ERR_JWKS_NO_MATCHING_KEY' || e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return refusal('The signature of the subject_token could not be verified with the keys of its issuer.')
      return refusal(`The subject_token could not be validated: ${e.message}`)
    }
    const subject = trust.subject ?? '*'
    if (typeof claims.sub !== 'string' || !subjectMatches(subject, claims.sub)) {
      return refusal(`The subject '${String(claims.sub)}' of the subject_token does not match the subject '${subject}' of the service account's OpenID Connect identity.`)
    }
    const signingKey = await this.signingKey()
    const accessToken = await new this.jose.SignJWT({})
      .setProtectedHeader({alg: 'PS256', kid: signingKey.kid, typ: 'JWT'})
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setSubject(this.serviceAccountId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.lifetimeSeconds)
      .sign(signingKey.privateKey)
    return {status: 200, json: {access_token: accessToken, token_type: 'Bearer', issued_token_type: ACCESS_TOKEN_TYPE, expires_in: this.lifetimeSeconds}}
  }

  /** Whether a bearer token is an access token this sandbox issued, and still valid. */
  async checkAccessToken(token: string): Promise<AccessTokenCheck> {
    if (token.split('.').length !== 3) return 'invalid'
    try {
      await this.jose.jwtVerify(token, (await this.signingKey()).publicKey, {issuer: ACCESS_TOKEN_ISSUER, subject: this.serviceAccountId, algorithms: ['PS256']})
      return 'valid'
    } catch (error) {
      return (error as {code?: string}).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid'
    }
  }
}

/** Octopus's subject wildcards (2024.1 on): `*` any run of characters, `?` exactly one; case-sensitive. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')
  return new RegExp(`^${source}$`, 's').test(subject)
}

function refusal(description: string): ExchangeReply {
  return {status: 400, json: {error: 'invalid_request', error_description: description}}
}

/** The sandbox's own signing key, kept in the data file so that its tokens outlive a restart. */
async function loadSigningKey(jose: Jose, store: Store): Promise<SigningKey> {
  const saved = store.getMeta(SIGNING_KEY_META)
  if (saved) {
    const {kid, privateJwk, publicJwk} = JSON.parse(saved) as {kid: string; privateJwk: JWK; publicJwk: JWK}
    return {kid, publicJwk, privateKey: await jose.importJWK(privateJwk, 'PS256') as KeyObject | CryptoKey, publicKey: await jose.importJWK(publicJwk, 'PS256') as KeyObject | CryptoKey}
  }
  const {privateKey, publicKey} = await jose.generateKeyPair('PS256', {extractable: true})
  const kid = randomUUID()
  const publicJwk = await jose.exportJWK(publicKey)
  store.setMeta(SIGNING_KEY_META, JSON.stringify({kid, privateJwk: await jose.exportJWK(privateKey), publicJwk}))
  return {kid, publicJwk, privateKey, publicKey}
}
