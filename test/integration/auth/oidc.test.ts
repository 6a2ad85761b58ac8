import {createServer, type Server} from 'node:http'
import {readdir, readFile, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {startOidcTestbed, type GitHubIdTokenEndpoint, type OidcTestbed, type TestIssuer} from '../../helpers/oidc-issuer.js'
import {keychainAccount, openSystemKeychain} from '../../../src/config/keychain.js'
import {tempDir} from '../../helpers/temp.js'

// OIDC login against a live sandbox that trusts a local issuer: `login --service-account-id`,
// the zero-config exchange in CI (a stand-in for GitHub Actions' ID-token endpoint, or
// OCTOPUS_ID_TOKEN), `auth token`, and every refusal: exit 3, one line, nothing saved. The ID
// token and the access token appear in no output and in no file but the key store.
const hasSecretService = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)
const SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main'

let testbed: OidcTestbed
let issuer: TestIssuer
let sandbox: Sandbox
let serviceAccountId: string
let github: GitHubIdTokenEndpoint

beforeAll(async () => {
  testbed = await startOidcTestbed({subject: SUBJECT})
  ;({issuer, sandbox, serviceAccountId, github} = testbed)
})
afterAll(async () => {
  await testbed?.close()
})

function ok(result: CliResult): CliResult {
  expect(result.exitCode, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0)
  return result
}

function oidcLogin(idToken: string, configHome: string, args: string[] = [], server = sandbox.url): Promise<CliResult> {
  return runCli(['login', '--server', server, '--service-account-id', serviceAccountId, '--id-token-stdin', ...args], {input: `${idToken}\n`, configHome})
}

async function filesWithContent(dir: string): Promise<Array<{file: string; content: string}>> {
  const out: Array<{file: string; content: string}> = []
  for (const entry of await readdir(dir, {recursive: true, withFileTypes: true})) {
    if (entry.isFile()) out.push({file: path.join(entry.parentPath, entry.name), content: await readFile(path.join(entry.parentPath, entry.name), 'utf8')})
  }
  return out
}

/** Whether anything the runs printed holds one of the secrets (or anything shaped like a JWT). */
function expectNoSecret(results: CliResult[], secrets: string[]): void {
  for (const result of results) {
    for (const secret of secrets) {
      expect(result.stdout).not.toContain(secret)
      expect(result.stderr).not.toContain(secret)
    }
    expect(result.stdout + result.stderr).not.toMatch(/eyJ[\w-]*\.[\w-]+\.[\w-]*/)
  }
}

const keyFileOf = (configHome: string) => path.join(configHome, 'octoworkers', 'insecure-credentials', 'default.json')

describe('login --service-account-id (plain file)', {timeout: 120_000}, () => {
  it('exchanges the ID token, saves only the access token, and later commands use it; nothing leaks', async () => {
    const configHome = tempConfigHome()
    const idToken = await issuer.sign({aud: serviceAccountId})
    const loggedIn = ok(await oidcLogin(idToken, configHome, ['--insecure-storage', '--debug']))
    expect(loggedIn.stdout).toContain(`Logged in to ${sandbox.url} (Octopus 2026.1.4312) as ci-service-account (CI service account (OIDC)).`)
    expect(loggedIn.stdout).toMatch(new RegExp(`Access token for service account ${serviceAccountId} saved in .*default\\.json; it expires in (59m \\d\\ds|1h 00m) \\(.*Z\\)\\. The ID token was not saved\\.`))
    expect(loggedIn.stderr).toContain('Warning: Access token saved in plain file')
    // The debug lines show the discovery and the exchange, never the body.
    expect(loggedIn.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration -> 200/)
    expect(loggedIn.stderr).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/api\/token\/v1 -> 200/)

    const keyFile = JSON.parse(await readFile(keyFileOf(configHome), 'utf8')) as {Server: string; AccessToken: string; ApiKey?: string}
    expect(keyFile.Server).toBe(sandbox.url)
    expect(keyFile.ApiKey).toBeUndefined()
    const accessToken = keyFile.AccessToken
    expect(accessToken).not.toBe(idToken)

    const whoami = ok(await runCli(['whoami', '--debug'], {configHome}))
    expect(whoami.stdout).toMatch(new RegExp(`^Credential source  OIDC \\(service account ${serviceAccountId}, expires in (59m \\d\\ds|1h 00m); saved in the plain file by login\\)$`, 'm'))
    expect(whoami.stdout).toMatch(/^User +ci-service-account /m)
    const json = parseJson(ok(await runCli(['whoami', '--json'], {configHome})))
    expect(json).toMatchObject({CredentialSource: 'file', Oidc: {ServiceAccountId: serviceAccountId, IdTokenFrom: 'login'}})
    const status = ok(await runCli(['auth', 'status'], {configHome}))
    expect(status.stdout).toMatch(new RegExp(`Credential source  OIDC \\(service account ${serviceAccountId}, expires in .*; plain file\\)`))
    const pools = ok(await runCli(['pool', 'list', '--debug'], {configHome}))
    expect(pools.stdout).toContain('Production Database Omaha Worker Pool')

    expectNoSecret([loggedIn, whoami, status, pools], [idToken, accessToken])
    const config = await readFile(path.join(configHome, 'octoworkers', 'config.yaml'), 'utf8')
    expect(config).toContain(`oidcServiceAccountId: ${serviceAccountId}`)
    expect(config).toMatch(/accessTokenExpiresAt: /)
    for (const {file, content} of await filesWithContent(configHome)) {
      expect(content, file).not.toContain(idToken)
      if (file !== keyFileOf(configHome)) expect(content, file).not.toContain(accessToken)
    }
  })
})

describe.skipIf(!hasSecretService)('login --service-account-id (OS keychain)', {timeout: 120_000}, () => {
  it('keeps the access token in the keychain only; whoami and auth status say OIDC; logout removes it', async () => {
    const configHome = tempConfigHome()
    const idToken = await issuer.sign({aud: serviceAccountId})
    const loggedIn = ok(await oidcLogin(idToken, configHome, ['--profile', 'ci-oidc', '--json', '--debug']))
    expect(parseJson(loggedIn)).toMatchObject({Profile: 'ci-oidc', CredentialStore: 'keychain', User: {Username: 'ci-service-account'}, Oidc: {ServiceAccountId: serviceAccountId}})
    const account = keychainAccount('ci-oidc', sandbox.url)
    const accessToken = (await (await openSystemKeychain()).get(account))!
    expect(accessToken.split('.')).toHaveLength(3)
    const whoami = ok(await runCli(['whoami', '--profile', 'ci-oidc', '--debug'], {configHome}))
    expect(whoami.stdout).toMatch(/Credential source +OIDC \(service account .*, expires in .*; saved in the keychain by login\)/)
    const status = ok(await runCli(['auth', 'status', '--profile', 'ci-oidc'], {configHome}))
    expect(status.stdout).toMatch(/OIDC \(service account .*; keychain\)/)
    expectNoSecret([loggedIn, whoami, status], [idToken, accessToken])
    for (const {file, content} of await filesWithContent(configHome)) {
      expect(content, file).not.toContain(idToken)
      expect(content, file).not.toContain(accessToken)
    }
    ok(await runCli(['logout', '--profile', 'ci-oidc'], {configHome}))
    expect(await (await openSystemKeychain()).get(account)).toBeNull()
  })
})

describe('login --service-account-id refusals: exit 3, one line, nothing saved', {timeout: 120_000}, () => {
  async function refused(idToken: string, message: RegExp, server = sandbox.url): Promise<CliResult> {
    const configHome = tempConfigHome()
    const result = await oidcLogin(idToken, configHome, ['--insecure-storage'], server)
    expect(result.exitCode, result.stderr).toBe(3)
    const [first, ...rest] = result.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('Hint: ') && !l.startsWith('Warning: '))
    expect(rest, result.stderr).toEqual([])
    expect(first).toMatch(message)
    expect(result.stdout).toBe('')
    expect(await readdir(configHome)).toEqual([])
    expectNoSecret([result], [idToken])
    return result
  }

  it('a token signed with a key the issuer does not publish', async () => {
    await refused(await issuer.signWithOtherKey({aud: serviceAccountId}), /refused the ID token \(HTTP 400\): The signature of the subject_token could not be verified with the keys of its issuer\. \(invalid_request\)$/)
  })

  it('a token for another audience: said before anything is sent, with the audience to ask for', async () => {
    const result = await refused(await issuer.sign({aud: 'api://AzureADTokenExchange'}), new RegExp(`The ID token has audience 'api://AzureADTokenExchange', not the service account ID '${serviceAccountId}'\\.`))
    expect(result.stderr).toContain(`aud: ${serviceAccountId}`)
  })

  it('an expired token', async () => {
    await refused(await issuer.sign({aud: serviceAccountId, expiresInSeconds: -60}), /^Error: The ID token expired at \d{4}-.*Z; CI ID tokens live minutes/)
  })

  it('a token whose subject the identity does not match', async () => {
    await refused(await issuer.sign({aud: serviceAccountId, sub: 'repo:intruder/repo:ref:refs/heads/main'}), /The subject 'repo:intruder\/repo:ref:refs\/heads\/main' of the subject_token does not match the subject 'repo:octo-org\/\*'/)
  })

  it('a server too old for OIDC: names the version it needs', async () => {
    const old = await startTestSandbox({octopusVersion: '2023.1'})
    try {
      await refused(await issuer.sign({aud: serviceAccountId}), /Octopus Server 2023\.1\.9626 at http:\/\/127\.0\.0\.1:\d+ has no OpenID Connect login: it needs 2023\.4\.8077 or 2024\.1\.1889 or later\.$/, old.url)
    } finally {
      await old.close()
    }
  })

  it('a server that is not Octopus, and one that refuses in Octopus\'s own error format', async () => {
    const server: Server = createServer((req, res) => {
      const origin = `http://${req.headers.host}`
      if (req.url === '/octopus-format/.well-known/openid-configuration') {
        res.writeHead(200, {'Content-Type': 'application/json'}).end(JSON.stringify({issuer: origin, token_endpoint: `${origin}/octopus-format/token/v1`}))
      } else if (req.url === '/octopus-format/token/v1') {
        res.writeHead(400, {'Content-Type': 'application/json'}).end(JSON.stringify({ErrorMessage: 'There was a problem with your request.', Errors: ['OIDC token validation failed: no matching identity']}))
      } else {
        res.writeHead(404, {'Content-Type': 'text/html'}).end('<html>not here</html>')
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    const address = server.address()
    const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    try {
      const idToken = await issuer.sign({aud: serviceAccountId})
      await refused(idToken, new RegExp(`^Error: ${origin.replaceAll('.', '\\.')} is not an Octopus Server: .*/\\.well-known/openid-configuration answered HTTP 404, and /api is no Octopus root document\\.$`), origin)
      await refused(idToken, /refused the ID token \(HTTP 400\): OIDC token validation failed: no matching identity$/, `${origin}/octopus-format`)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('input that is no JWT is exit 2; a missing token or server is usage, as is --id-token without --service-account-id', async () => {
    const configHome = tempConfigHome()
    const notJwt = await oidcLogin('not-a-jwt', configHome)
    expect(notJwt.exitCode).toBe(2)
    expect(notJwt.stderr).toContain('The ID token is not a JWT')
    const noToken = await runCli(['login', '--server', sandbox.url, '--service-account-id', serviceAccountId], {configHome})
    expect(noToken.exitCode).toBe(2)
    expect(noToken.stderr).toContain('needs the ID token: --id-token-stdin (or --id-token JWT)')
    const noServer = await runCli(['login', '--service-account-id', serviceAccountId, '--id-token-stdin'], {configHome, input: 'x.y.z'})
    expect(noServer.exitCode).toBe(2)
    expect(noServer.stderr).toContain('needs --server URL (or OCTOPUS_URL)')
    const orphan = await runCli(['login', '--server', sandbox.url, '--id-token', 'x.y.z'], {configHome})
    expect(orphan.exitCode).toBe(2)
    expect(orphan.stderr).toMatch(/service-account-id/)
    expect(await readdir(configHome)).toEqual([])
  })
})

describe('a saved access token expires', {timeout: 120_000}, () => {
  let shortLived: Sandbox
  beforeAll(async () => {
    // Long enough for login and one whoami to finish before it on a loaded CI machine; the test
    // then waits for the expiry itself, so a longer life costs wall time, not CPU.
    shortLived = await startTestSandbox({oidc: {issuer: issuer.issuer, jwks: issuer.jwks}, oidcAccessTokenLifetimeSeconds: 10})
  })
  afterAll(async () => shortLived?.close())

  it('is used until then; after it, exit 3 with how to log in again, and the token is gone', async () => {
    const configHome = tempConfigHome()
    const id = shortLived.oidcServiceAccountId!
    const idToken = await issuer.sign({aud: id})
    const loggedIn = parseJson(ok(await runCli(['login', '--server', shortLived.url, '--service-account-id', id, '--id-token-stdin', '--insecure-storage', '--json'], {input: idToken, configHome})))
    const expiresAt = Date.parse(loggedIn.Oidc.ExpiresAt as string)
    ok(await runCli(['whoami'], {configHome}))
    // Waits for the recorded expiry to pass (the event itself), not a guessed interval.
    while (Date.now() <= expiresAt) await new Promise((resolve) => setTimeout(resolve, 100))
    const expired = await runCli(['pool', 'list'], {configHome})
    expect(expired.exitCode).toBe(3)
    expect(expired.stderr).toMatch(/^Error: The OIDC access token of profile 'default' expired at \d{4}-.*Z \(\d+(ms|s)\s?.*ago\)\.$/m)
    expect(expired.stderr).toContain(`Hint: Log in again with a fresh ID token: \`octoworkers login --service-account-id ${id} --id-token-stdin\``)
    await expect(readFile(keyFileOf(configHome), 'utf8')).rejects.toThrow(/ENOENT/)
    const status = await runCli(['auth', 'status'], {configHome})
    expect(status.exitCode).toBe(3)
    expect(status.stdout).toMatch(/expired at/)
  })
})

describe('zero-config in CI: OCTOPUS_URL and OCTOPUS_SERVICE_ACCOUNT_ID', {timeout: 120_000}, () => {
  const ciEnv = () => ({OCTOPUS_URL: sandbox.url, OCTOPUS_SERVICE_ACCOUNT_ID: serviceAccountId})

  it('on GitHub Actions: requests the job\'s ID token for the service account, exchanges it in memory, saves nothing', async () => {
    const configHome = tempConfigHome()
    const before = github.requests.length
    const env = {...ciEnv(), GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.requestToken}
    const pools = ok(await runCli(['pool', 'list', '--debug'], {configHome, env}))
    expect(pools.stdout).toContain('Production Database Omaha Worker Pool')
    expect(github.requests.slice(before)).toEqual([{audience: serviceAccountId, authorized: true}])
    const whoami = ok(await runCli(['whoami'], {configHome, env}))
    expect(whoami.stdout).toMatch(new RegExp(`^Credential source  OIDC \\(service account ${serviceAccountId}, expires in .*; exchanged by this run for the GitHub Actions ID token\\)$`, 'm'))
    expectNoSecret([pools, whoami], [github.requestToken])
    expect(pools.stderr).not.toContain(github.requestToken)
    expect(await readdir(configHome)).toEqual([])
  })

  it('elsewhere: reads OCTOPUS_ID_TOKEN', async () => {
    const idToken = await issuer.sign({aud: serviceAccountId})
    const json = parseJson(ok(await runCli(['whoami', '--json'], {env: {...ciEnv(), OCTOPUS_ID_TOKEN: idToken}})))
    expect(json).toMatchObject({CredentialSource: 'oidc', User: {Username: 'ci-service-account'}, Oidc: {ServiceAccountId: serviceAccountId, IdTokenFrom: 'OCTOPUS_ID_TOKEN'}})
  })

  it('no ID token anywhere: exit 3 naming the way to get one (on GitHub: the id-token permission)', async () => {
    const elsewhere = await runCli(['pool', 'list'], {env: ciEnv()})
    expect(elsewhere.exitCode).toBe(3)
    expect(elsewhere.stderr).toContain('Error: OCTOPUS_SERVICE_ACCOUNT_ID is set, but there is no ID token to exchange for it.')
    expect(elsewhere.stderr).toContain('Set OCTOPUS_ID_TOKEN')
    const onGitHub = await runCli(['pool', 'list'], {env: {...ciEnv(), GITHUB_ACTIONS: 'true'}})
    expect(onGitHub.exitCode).toBe(3)
    expect(onGitHub.stderr).toContain('permissions: id-token: write')
    const badRequestToken = await runCli(['pool', 'list'], {env: {...ciEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong'}})
    expect(badRequestToken.exitCode).toBe(3)
    expect(badRequestToken.stderr).toContain('GitHub Actions gave no ID token (HTTP 401)')
  })

  it('an API key in the environment wins, and nothing is exchanged', async () => {
    const before = github.requests.length
    const json = parseJson(ok(await runCli(['whoami', '--json'], {env: {...ciEnv(), OCTOPUS_API_KEY: sandbox.apiKey, ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.requestToken}})))
    expect(json.CredentialSource).toBe('env')
    expect(github.requests.length).toBe(before)
  })

  it('auth token prints the access token, which works as a bearer token; --github-env exports it masked', async () => {
    const env = {...ciEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.requestToken}
    const printed = ok(await runCli(['auth', 'token'], {env}))
    const token = printed.stdout.trim()
    expect(token.split('.')).toHaveLength(3)
    const me = await fetch(`${sandbox.url}/api/users/me`, {headers: {Authorization: `Bearer ${token}`}})
    expect(((await me.json()) as {Username: string}).Username).toBe('ci-service-account')
    // And this tool takes it back as OCTOPUS_ACCESS_TOKEN, as the next steps of a job would.
    ok(await runCli(['pool', 'list'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_ACCESS_TOKEN: token}}))

    const githubEnv = path.join(tempDir('octoworkers-github-env'), 'github_env')
    await writeFile(githubEnv, 'EARLIER=1\n')
    const exported = ok(await runCli(['auth', 'token', '--github-env'], {env: {...env, GITHUB_ENV: githubEnv}}))
    const lines = (await readFile(githubEnv, 'utf8')).trimEnd().split('\n')
    expect(lines[0]).toBe('EARLIER=1')
    expect(lines[1]).toBe(`OCTOPUS_URL=${sandbox.url}`)
    const exportedToken = lines[2].replace(/^OCTOPUS_ACCESS_TOKEN=/, '')
    expect(exportedToken.split('.')).toHaveLength(3)
    expect(exported.stdout).toBe(`::add-mask::${exportedToken}\n`)
    expect(exported.stderr).not.toContain(exportedToken)
  })

  it('auth token with an API key, or --github-env without GITHUB_ENV, is exit 2', async () => {
    const withKey = await runCli(['auth', 'token'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}})
    expect(withKey.exitCode).toBe(2)
    expect(withKey.stderr).toContain('The credential in use is an API key, not an access token')
    expect(withKey.stdout).toBe('')
    const noFile = await runCli(['auth', 'token', '--github-env'], {env: {...ciEnv(), OCTOPUS_ID_TOKEN: await issuer.sign({aud: serviceAccountId})}})
    expect(noFile.exitCode).toBe(2)
    expect(noFile.stderr).toContain('--github-env needs GITHUB_ENV')
    expect(noFile.stdout).toBe('')
  })

  it('auth status lists the environment entry as OIDC without exchanging anything', async () => {
    const before = github.requests.length
    const status = ok(await runCli(['auth', 'status'], {env: {...ciEnv(), ACTIONS_ID_TOKEN_REQUEST_URL: github.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: github.requestToken}}))
    expect(status.stdout).toContain('(environment: OCTOPUS_URL and OCTOPUS_SERVICE_ACCOUNT_ID)  (in use)')
    expect(status.stdout).toContain(`OIDC (service account ${serviceAccountId}, exchanged by each run`)
    expect(github.requests.length).toBe(before)
  })
})
