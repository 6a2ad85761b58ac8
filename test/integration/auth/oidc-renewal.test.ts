import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli, type CliResult} from '../../helpers/cli.js'
import {startOidcTestbed, type OidcTestbed} from '../../helpers/oidc-issuer.js'
import {OctopusClient} from '../../../src/octopus/client.js'
import {exchangeIdToken} from '../../../src/octopus/oidc.js'
import {anyJson} from '../../../src/octopus/response-shapes.js'

// A run in CI that outlives its OIDC access token (a long drain, `leases tail`, `metrics serve`):
// Octopus issues no refresh token, so the CLI exchanges again before the token expires (a fresh
// ID token from GitHub Actions, or OCTOPUS_ID_TOKEN's again), and once more after a 401 to a token
// its clock thought still good. The sandbox issues access tokens that live 3 s.
const LIFETIME_SECONDS = 3
const SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main'

let testbed: OidcTestbed
beforeAll(async () => {
  testbed = await startOidcTestbed({subject: SUBJECT, accessTokenLifetimeSeconds: LIFETIME_SECONDS})
})
afterAll(async () => testbed?.close())

const ciEnv = () => ({OCTOPUS_URL: testbed.sandbox.url, OCTOPUS_SERVICE_ACCOUNT_ID: testbed.serviceAccountId})
const onGitHub = () => ({...ciEnv(), GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: testbed.github.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: testbed.github.requestToken})
/** Polls the server every 300 ms for two token lifetimes. */
const tail = ['leases', 'tail', '--json', '--interval', '300ms', '--duration', '6s', '--debug']

const requestsTo = (result: CliResult, pattern: RegExp) => result.stderr.split('\n').filter((line) => pattern.test(line))

function expectNoToken(result: CliResult): void {
  expect(result.stdout + result.stderr).not.toMatch(/eyJ[\w-]*\.[\w-]+\.[\w-]*/)
}

// The runs share nothing (each its own context and tokens), so the cases go side by side.
describe.concurrent('an OIDC access token that expires during a run', {timeout: 60_000}, () => {
  it('on GitHub Actions: a fresh ID token is exchanged before each token expires; no request is refused', async () => {
    const result = await runCli(tail, {env: onGitHub()})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(requestsTo(result, / -> 401 /)).toEqual([])
    // Polls went on after the first token's life: 6 s of polling is two lifetimes.
    expect(requestsTo(result, /GET \S+\/api\/\S*tasks\S* -> 200/).length).toBeGreaterThan(10)
    const renewals = requestsTo(result, /renewed the access token/)
    expect(renewals.length).toBeGreaterThanOrEqual(2)
    expect(requestsTo(result, /GET \S+\/idtoken\?\S* -> 200/)).toHaveLength(1 + renewals.length)
    expect(requestsTo(result, /POST \S+\/api\/token\/v1 -> 200/)).toHaveLength(1 + renewals.length)
    expectNoToken(result)
  })

  it('with OCTOPUS_ID_TOKEN: the same ID token is exchanged again while it lasts', async () => {
    const idToken = await testbed.issuer.sign({aud: testbed.serviceAccountId, sub: SUBJECT, expiresInSeconds: 600})
    const result = await runCli(tail, {env: {...ciEnv(), OCTOPUS_ID_TOKEN: idToken}})
    expect(result.exitCode, result.stderr).toBe(0)
    expect(requestsTo(result, / -> 401 /)).toEqual([])
    expect(requestsTo(result, /renewed the access token/).length).toBeGreaterThanOrEqual(2)
    expectNoToken(result)
  })

  it('with OCTOPUS_ID_TOKEN that has itself expired by then: exit 3 with the error document saying so, no stack', async () => {
    const idToken = await testbed.issuer.sign({aud: testbed.serviceAccountId, sub: SUBJECT, expiresInSeconds: 2})
    const result = await runCli(tail.filter((arg) => arg !== '--debug'), {env: {...ciEnv(), OCTOPUS_ID_TOKEN: idToken}})
    expect(result.exitCode, result.stderr).toBe(3)
    // The error document, after the lines the tail printed before it.
    const document = JSON.parse(result.stdout.slice(result.stdout.lastIndexOf('{\n  "Error"'))) as {Error?: {Message: string}}
    expect(document.Error?.Message).toMatch(/^The ID token expired at .*Z; CI ID tokens live minutes/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expectNoToken(result)
  })

  it('a clock that runs slow: the token is refused (401) while the CLI thinks it good; it exchanges again and sends the request once more', async () => {
    const started = Date.now()
    // A third of the speed: the CLI sees 1 s pass while the sandbox's 3 s token expires, and renews only halfway through the life it thinks it has.
    const slowClock = () => started + (Date.now() - started) / 3
    const result = await runCli(tail, {env: onGitHub(), now: slowClock, spawn: false})
    expect(result.exitCode, result.stderr).toBe(0)
    const refused = requestsTo(result, / -> 401 /)
    expect(refused.length).toBeGreaterThanOrEqual(1)
    expect(requestsTo(result, /401; sending it again with a renewed access token/)).toHaveLength(refused.length)
    expectNoToken(result)
  })

  it('requests in flight when the token falls due share one renewal: ten reads at once through one client', async () => {
    const idToken = await testbed.issuer.sign({aud: testbed.serviceAccountId, sub: SUBJECT, expiresInSeconds: 600})
    let clock = Date.now()
    const exchange = () => exchangeIdToken({server: testbed.sandbox.url, serviceAccountId: testbed.serviceAccountId, idToken, now: clock, createClient: (options) => new OctopusClient(options), client: {}})
    const first = await exchange()
    const lines: string[] = []
    const client = new OctopusClient({server: testbed.sandbox.url, accessToken: first.accessToken, debug: (line) => lines.push(line), accessTokenRenewal: {expiresAt: first.expiresAt, now: () => clock, renew: exchange}})
    await client.loadRoot()
    // Past the token's 3 s by the client's clock, which then stands: every read finds it due at once.
    clock += 10_000
    const reads = await Promise.all(Array.from({length: 10}, () => client.request<unknown[]>('GET', '/api/spaces/all', {expect: anyJson})))
    expect(reads.map((r) => r.status)).toEqual(Array(10).fill(200))
    expect(lines.filter((line) => /renewed the access token/.test(line))).toHaveLength(1)
    expect(lines.filter((line) => / -> 401 /.test(line))).toEqual([])
    expect(lines.join('\n')).not.toContain(first.accessToken)
  })
})
