/**
 * A local OpenID Connect issuer for tests: a key pair made with jose, its JWKS served over HTTP
 * (and written to a file), ID tokens signed with it; and a stand-in for GitHub Actions' ID-token
 * endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), which answers `{value: <JWT>}` for the audience asked.
 */
import {createServer, type IncomingMessage, type Server} from 'node:http'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK} from 'jose'
import {startTestSandbox, type Sandbox} from './sandbox.js'
import {tempDir} from './temp.js'

export interface TestIssuer {
  /** The issuer's `iss`. */
  issuer: string
  /** The JWKS as a file and at a URL. */
  jwksFile: string
  jwksUrl: string
  jwks: {keys: JWK[]}
  /** Signs an ID token; `expiresInSeconds` negative makes one that has already expired. */
  sign(claims: {aud: string; sub?: string; expiresInSeconds?: number; iss?: string}): Promise<string>
  /** Signs with a key the issuer does not publish. */
  signWithOtherKey(claims: {aud: string; sub?: string}): Promise<string>
  close(): Promise<void>
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
}

async function keyPair(): Promise<{privateKey: CryptoKey; jwk: JWK}> {
  const {privateKey, publicKey} = await generateKeyPair('RS256', {extractable: true})
  return {privateKey, jwk: await exportJWK(publicKey)}
}

export async function startTestIssuer(options: {issuer?: string; subject?: string} = {}): Promise<TestIssuer> {
  const main = await keyPair()
  const other = await keyPair()
  const jwks = {keys: [{...main.jwk, kid: 'test-key-1', alg: 'RS256', use: 'sig'}]}
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks') {
      res.writeHead(200, {'Content-Type': 'application/json'})
      res.end(JSON.stringify(jwks))
    } else {
      res.writeHead(404).end()
    }
  })
  const origin = await listen(server)
  const issuer = options.issuer ?? 'https://token.actions.githubusercontent.com'
  const jwksFile = path.join(tempDir('octoworkers-issuer'), 'jwks.json')
  writeFileSync(jwksFile, JSON.stringify(jwks))
  const sign = (key: CryptoKey, kid: string) => async (claims: {aud: string; sub?: string; expiresInSeconds?: number; iss?: string}) => {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({})
      .setProtectedHeader({alg: 'RS256', kid, typ: 'JWT'})
      .setIssuer(claims.iss ?? issuer)
      .setAudience(claims.aud)
      .setSubject(claims.sub ?? options.subject ?? 'repo:octo-org/octo-repo:ref:refs/heads/main')
      .setIssuedAt(now - 60)
      .setExpirationTime(now + (claims.expiresInSeconds ?? 300))
      .sign(key)
  }
  return {
    issuer,
    jwksFile,
    jwksUrl: `${origin}/.well-known/jwks`,
    jwks,
    sign: sign(main.privateKey, 'test-key-1'),
    // The same kid, so that the sandbox tries the published key and the signature fails.
    signWithOtherKey: (claims) => sign(other.privateKey, 'test-key-1')(claims),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

export interface GitHubIdTokenEndpoint {
  /** ACTIONS_ID_TOKEN_REQUEST_URL: it already has a query string, as GitHub's does. */
  requestUrl: string
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string
  /** The requests it received: the audience asked for and whether the bearer token was right. */
  requests: Array<{audience: string | null; authorized: boolean}>
  close(): Promise<void>
}

/** GitHub Actions' ID-token endpoint, standing in: `GET {url}&audience=AUD` with `Authorization: Bearer {token}` -> `{value}`. */
export async function startGitHubIdTokenEndpoint(issuer: TestIssuer, options: {sub?: string} = {}): Promise<GitHubIdTokenEndpoint> {
  const requestToken = 'github-request-token-' + Math.random().toString(36).slice(2)
  const requests: GitHubIdTokenEndpoint['requests'] = []
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const authorized = req.headers.authorization === `Bearer ${requestToken}`
    const audience = url.searchParams.get('audience')
    requests.push({audience, authorized})
    if (!authorized) {
      res.writeHead(401, {'Content-Type': 'application/json'}).end(JSON.stringify({message: 'Bad credentials'}))
      return
    }
    void issuer.sign({aud: audience ?? 'api://AzureADTokenExchange', sub: options.sub}).then((value) => {
      res.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify({count: 1, value}))
    })
  })
  const origin = await listen(server)
  return {
    requestUrl: `${origin}/_apis/distributedtask/hubs/build/plans/1/jobs/2/idtoken?api-version=2.0`,
    requestToken,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A demo sandbox whose service account trusts a local issuer, and GitHub's ID-token endpoint in front of that issuer. */
export interface OidcTestbed {
  issuer: TestIssuer
  sandbox: Sandbox
  serviceAccountId: string
  github: GitHubIdTokenEndpoint
  close(): Promise<void>
}

/** Trusts subjects under `repo:octo-org/`; `accessTokenLifetimeSeconds` shortens the access tokens the sandbox issues. */
export async function startOidcTestbed(options: {subject: string; accessTokenLifetimeSeconds?: number}): Promise<OidcTestbed> {
  const issuer = await startTestIssuer({subject: options.subject})
  const sandbox = await startTestSandbox({seed: 'demo', oidc: {issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, subject: 'repo:octo-org/*'}, oidcAccessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds})
  const github = await startGitHubIdTokenEndpoint(issuer)
  return {
    issuer, sandbox, github, serviceAccountId: sandbox.oidcServiceAccountId!,
    async close() {
      await sandbox.close()
      await github.close()
      await issuer.close()
    },
  }
}
