import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {binPath, runCli} from '../helpers/cli.js'
import {startTestSandbox, tempDataFile, type Sandbox} from '../helpers/sandbox.js'
import {startTestIssuer, type TestIssuer} from '../helpers/oidc-issuer.js'
import {subjectMatches} from '../../src/sandbox/oidc.js'

// The sandbox's OpenID Connect for service accounts, as Octopus documents it: discovery, the
// RFC 8693 exchange (JSON or form fields), the checks on the ID token, and the access token used
// as a bearer token until it expires.
const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt'

let issuer: TestIssuer
let sandbox: Sandbox
let serviceAccountId: string

beforeAll(async () => {
  issuer = await startTestIssuer()
  sandbox = await startTestSandbox({oidc: {issuer: issuer.issuer, jwks: issuer.jwks, subject: 'repo:octo-org/*:ref:refs/heads/main'}})
  serviceAccountId = sandbox.oidcServiceAccountId!
})
afterAll(async () => {
  await sandbox?.close()
  await issuer?.close()
})

async function anonymous(method: string, urlPath: string, body?: string, contentType = 'application/json') {
  const response = await fetch(sandbox.url + urlPath, {method, headers: body === undefined ? {} : {'Content-Type': contentType}, body})
  const text = await response.text()
  return {status: response.status, body: text ? JSON.parse(text) : null}
}

/** GET with only a bearer token (no API key). */
async function asBearer(target: Sandbox, urlPath: string, token: string) {
  const response = await fetch(target.url + urlPath, {headers: {Authorization: `Bearer ${token}`}})
  return {status: response.status, body: await response.json() as Record<string, unknown>}
}

async function exchange(subjectToken: string, audience = serviceAccountId) {
  const {token_endpoint: endpoint} = (await anonymous('GET', '/.well-known/openid-configuration')).body as {token_endpoint: string}
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({grant_type: GRANT, audience, subject_token_type: JWT_TYPE, subject_token: subjectToken}),
  })
  return {status: response.status, body: await response.json() as Record<string, unknown>}
}

describe('OIDC discovery and token exchange', () => {
  it('the service account ID is a GUID, kept in the data file', () => {
    expect(serviceAccountId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })

  it('serves discovery anonymously, naming the token endpoint and the keys', async () => {
    const discovery = await anonymous('GET', '/.well-known/openid-configuration')
    expect(discovery.status).toBe(200)
    expect(discovery.body).toMatchObject({issuer: sandbox.url, token_endpoint: `${sandbox.url}/api/token/v1`, jwks_uri: `${sandbox.url}/api/.well-known/jwks`})
    const jwks = await anonymous('GET', '/api/.well-known/jwks')
    expect(jwks.body.keys[0]).toMatchObject({kty: 'RSA', use: 'sig', alg: 'PS256'})
    expect(jwks.body.keys[0].d).toBeUndefined()
  })

  it('exchanges a valid ID token for an access token that works as a bearer token', async () => {
    const result = await exchange(await issuer.sign({aud: serviceAccountId}))
    expect(result.status).toBe(200)
    expect(result.body).toMatchObject({token_type: 'Bearer', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', expires_in: 3600})
    const me = await asBearer(sandbox, '/api/users/me', result.body.access_token as string)
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({Id: 'Users-3', Username: 'ci-service-account', IsService: true})
  })

  it('takes the exchange as form fields too', async () => {
    const form = new URLSearchParams({grant_type: GRANT, audience: serviceAccountId, subject_token_type: JWT_TYPE, subject_token: await issuer.sign({aud: serviceAccountId})})
    const result = await anonymous('POST', '/api/token/v1', form.toString(), 'application/x-www-form-urlencoded')
    expect(result.status).toBe(200)
    expect(typeof result.body.access_token).toBe('string')
  })

  it.each([
    ['a token signed with another key', () => issuer.signWithOtherKey({aud: serviceAccountId}), /signature of the subject_token could not be verified/],
    ['a token for another audience', () => issuer.sign({aud: 'some-other-service-account'}), /audience of the subject_token does not match the service account ID/],
    ['an expired token', () => issuer.sign({aud: serviceAccountId, expiresInSeconds: -120}), /subject_token has expired/],
    ['a token with another subject', () => issuer.sign({aud: serviceAccountId, sub: 'repo:someone-else/repo:ref:refs/heads/main'}), /subject 'repo:someone-else\/repo:ref:refs\/heads\/main' of the subject_token does not match the subject 'repo:octo-org\/\*:ref:refs\/heads\/main'/],
    ['a token from another issuer', () => issuer.sign({aud: serviceAccountId, iss: 'https://gitlab.example.com'}), /issuer 'https:\/\/gitlab.example.com' .* does not match/],
  ])('refuses %s (400, error invalid_request)', async (_what, token, description) => {
    const result = await exchange(await token())
    expect(result.status).toBe(400)
    expect(result.body.error).toBe('invalid_request')
    expect(result.body.error_description).toMatch(description)
    expect(result.body.access_token).toBeUndefined()
  })

  it('refuses an audience that is not its service account, and a request without the spec\'s fields', async () => {
    const unknown = await exchange(await issuer.sign({aud: 'not-a-service-account'}), 'not-a-service-account')
    expect(unknown.body).toEqual({error: 'invalid_request', error_description: "No service account with ID 'not-a-service-account' has an OpenID Connect identity."})
    const wrongGrant = await anonymous('POST', '/api/token/v1', JSON.stringify({grant_type: 'client_credentials', audience: serviceAccountId, subject_token_type: JWT_TYPE, subject_token: 'x'}))
    expect(wrongGrant).toEqual({status: 400, body: {error: 'invalid_request', error_description: `The grant_type must be ${GRANT}.`}})
    const missing = await anonymous('POST', '/api/token/v1', JSON.stringify({grant_type: GRANT}))
    expect(missing.body.error_description).toBe('The audience field is required.')
  })

  it('a made-up bearer token is 401, and the exchange route needs no key but takes no other method', async () => {
    const forged = await asBearer(sandbox, '/api/users/me', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')
    expect(forged.status).toBe(401)
    expect((await anonymous('GET', '/api/token/v1')).status).toBe(401)
  })
})

describe('across a restart over the same data file', () => {
  it('keeps its signing key: an access token issued before the restart still works, and the JWKS is the same', async () => {
    const dataFile = tempDataFile()
    const trust = {issuer: issuer.issuer, jwks: issuer.jwks}
    const first = await startTestSandbox({dataFile, oidc: trust})
    const exchanged = await fetch(`${first.url}/api/token/v1`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({grant_type: GRANT, audience: first.oidcServiceAccountId, subject_token_type: JWT_TYPE, subject_token: await issuer.sign({aud: first.oidcServiceAccountId!})}),
    })
    const token = (await exchanged.json() as {access_token: string}).access_token
    const keysBefore = await (await fetch(`${first.url}/api/.well-known/jwks`)).json()
    await first.close()
    const second = await startTestSandbox({dataFile, oidc: trust})
    try {
      expect(second.oidcServiceAccountId).toBe(first.oidcServiceAccountId)
      expect(await (await fetch(`${second.url}/api/.well-known/jwks`)).json()).toEqual(keysBefore)
      expect((await asBearer(second, '/api/users/me', token)).status).toBe(200)
    } finally {
      await second.close()
    }
  })
})

describe('an access token expires', () => {
  let shortLived: Sandbox
  beforeAll(async () => {
    // exp is in whole seconds, so a token lives between lifetime - 1 and lifetime seconds: 5 leaves
    // the first request seconds on a loaded machine; the test then waits for exp itself.
    shortLived = await startTestSandbox({oidc: {issuer: issuer.issuer, jwksUrl: issuer.jwksUrl}, oidcAccessTokenLifetimeSeconds: 5})
  })
  afterAll(async () => shortLived?.close())

  it('is accepted until its exp, then 401 saying it expired (keys fetched from the JWKS URL)', async () => {
    const id = shortLived.oidcServiceAccountId!
    const response = await fetch(`${shortLived.url}/api/token/v1`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({grant_type: GRANT, audience: id, subject_token_type: JWT_TYPE, subject_token: await issuer.sign({aud: id})}),
    })
    const body = await response.json() as {access_token: string; expires_in: number}
    expect(body.expires_in).toBe(5)
    const exp = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString()).exp as number
    const me = () => asBearer(shortLived, '/api/users/me', body.access_token)
    expect((await me()).status).toBe(200)
    // Waits for the token's own expiry time to pass (the event), not for a guessed interval.
    while (Date.now() / 1000 <= exp) await new Promise((resolve) => setTimeout(resolve, 100))
    const after = await me()
    expect(after.status).toBe(401)
    expect(after.body.ErrorMessage as string).toMatch(/access token has expired/)
  })
})

describe('versions without OIDC', () => {
  it('2023.1 has no discovery (404), and refuses to trust an issuer at start', async () => {
    const old = await startTestSandbox({octopusVersion: '2023.1'})
    try {
      expect((await fetch(`${old.url}/.well-known/openid-configuration`)).status).toBe(404)
      expect(old.oidcServiceAccountId).toBeUndefined()
    } finally {
      await old.close()
    }
    await expect(startTestSandbox({octopusVersion: '2023.1', oidc: {issuer: issuer.issuer, jwks: issuer.jwks}})).rejects.toThrow(/has no OpenID Connect login \(it arrived in 2023.4.8077 and 2024.1.1889\)/)
  })
})

describe('subject patterns', () => {
  it.each([
    ['*', 'anything at all', true],
    ['repo:org/*', 'repo:org/app:ref:refs/heads/main', true],
    ['repo:org/app:ref:refs/heads/v?', 'repo:org/app:ref:refs/heads/v1', true],
    ['repo:org/app:ref:refs/heads/v?', 'repo:org/app:ref:refs/heads/v10', false],
    ['repo:Org/*', 'repo:org/app', false],
    ['repo:org/app.x', 'repo:org/appXx', false],
  ])('%s against %s: %s', (pattern, subject, matches) => {
    expect(subjectMatches(pattern, subject)).toBe(matches)
  })
})

describe('sandbox start --oidc-issuer', () => {
  it('--json prints OidcServiceAccountId, and the sandbox trusts the issuer from its JWKS file', async () => {
    const child = spawn(process.execPath, [binPath, 'sandbox', 'start', '--json', '--port', '0', '--data', ':memory:', '--oidc-issuer', issuer.issuer, '--oidc-jwks', issuer.jwksFile, '--oidc-subject', 'repo:octo-org/*'], {stdio: ['ignore', 'pipe', 'pipe'], env: {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1'}})
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({input: child.stdout!}).once('line', resolve)
        void exited.then((code) => reject(new Error(`sandbox start exited ${code}`)))
      })
      const started = JSON.parse(first) as {Url: string; OidcServiceAccountId: string}
      expect(started.OidcServiceAccountId).toMatch(/^[0-9a-f-]{36}$/)
      const target = {url: started.Url} as Sandbox
      const response = await fetch(`${started.Url}/api/token/v1`, {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({grant_type: GRANT, audience: started.OidcServiceAccountId, subject_token_type: JWT_TYPE, subject_token: await issuer.sign({aud: started.OidcServiceAccountId})}),
      })
      const body = await response.json() as {access_token: string}
      expect((await asBearer(target, '/api/users/me', body.access_token)).body).toMatchObject({Username: 'ci-service-account'})
    } finally {
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })

  it.each([
    [['--oidc-issuer', 'https://issuer.example'], /--oidc-issuer needs the issuer's public keys: --oidc-jwks FILE or --oidc-jwks-url URL/],
    [['--oidc-jwks', 'x.json'], /oidc-issuer/],
    [['--oidc-issuer', 'https://issuer.example', '--oidc-jwks', '/nonexistent/jwks.json'], /--oidc-jwks: cannot read \/nonexistent\/jwks.json: ENOENT/],
    [['--oidc-issuer', 'https://issuer.example', '--oidc-jwks', 'package.json'], /is not a JSON Web Key Set/],
    [['--oidc-issuer', 'https://issuer.example', '--oidc-jwks-url', 'file:///etc/passwd'], /--oidc-jwks-url must be an http\(s\) URL/],
    [['--oidc-issuer', 'https://issuer.example', '--oidc-jwks-url', 'https://issuer.example/jwks', '--octopus-version', '2023.1'], /Octopus 2023.1 has no OpenID Connect login/],
  ])('%j is exit 2 with one line, before anything starts', async (args, message) => {
    const result = await runCli(['sandbox', 'start', '--port', '0', '--data', ':memory:', ...args], {spawn: false})
    expect(result.exitCode, result.stderr).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stdout).toBe('')
  })
})
