import {spawn, spawnSync} from 'node:child_process'
import {readdir, readFile, stat} from 'node:fs/promises'
import {tempDir} from '../../helpers/temp.js'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {binPath, parseJson, repoRoot, runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {keychainAccount, openSystemKeychain} from '../../../src/config/keychain.js'

// login / whoami / logout against a live sandbox. Each test runs the CLI several times in a row,
// so the suites allow more than the default minute on a loaded machine. Keychain tests use the real Secret Service
// (the private gnome-keyring test/global-setup.ts starts) and are skipped only when there is none.
const hasSecretService = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => {
  await sandbox?.close()
})

function login(args: string[], key: string, configHome: string, env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(['login', '--server', sandbox.url, '--api-key-stdin', ...args], {input: `${key}\n`, configHome, env})
}

async function configFiles(configHome: string): Promise<string[]> {
  try {
    return (await readdir(path.join(configHome, 'octoworkers'), {recursive: true})).map(String).sort()
  } catch {
    return []
  }
}

/** Every regular file under dir, with its content. */
async function filesWithContent(dir: string): Promise<Array<{file: string; content: string}>> {
  const out: Array<{file: string; content: string}> = []
  for (const entry of await readdir(dir, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    out.push({file, content: await readFile(file, 'utf8')})
  }
  return out
}

function ok(result: CliResult): CliResult {
  expect(result.exitCode, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0)
  return result
}

async function withFault<T>(fault: {Method: string; PathPattern: string; Status: number}, run: () => Promise<T>): Promise<T> {
  const added = await api(sandbox, 'POST', '/api/sandbox/faults', {...fault, Times: 0})
  expect(added.status).toBe(201)
  try {
    return await run()
  } finally {
    await api(sandbox, 'DELETE', '/api/sandbox/faults')
  }
}

describe('with --insecure-storage (no keychain needed)', {timeout: 180_000}, () => {
  it('logs in, shows who and where from, and logs out', async () => {
    const configHome = tempConfigHome()
    const loggedIn = ok(await login(['--insecure-storage', '--space', 'platform team'], sandbox.apiKey, configHome))
    expect(loggedIn.stdout).toContain(`Logged in to ${sandbox.url}`)
    expect(loggedIn.stdout).toContain('as sandbox-admin')
    expect(loggedIn.stdout).toContain('default space Platform Team (Spaces-2)')
    expect(loggedIn.stderr).toMatch(/Warning: .*plain file/)

    const keyFile = path.join(configHome, 'octoworkers', 'insecure-credentials', 'default.json')
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    expect(await readFile(keyFile, 'utf8')).toContain(sandbox.apiKey)
    const config = await readFile(path.join(configHome, 'octoworkers', 'config.yaml'), 'utf8')
    expect(config).not.toContain(sandbox.apiKey)
    expect(config).toContain('keyStore: file')

    const whoami = ok(await runCli(['whoami'], {configHome}))
    expect(whoami.stdout).toMatch(new RegExp(`^Server\\s+${sandbox.url}$`, 'm'))
    expect(whoami.stdout).toMatch(/^User\s+sandbox-admin \(.*Users-1\)$/m)
    expect(whoami.stdout).toMatch(/^Space\s+Platform Team \(Spaces-2\)$/m)
    expect(whoami.stdout).toMatch(/^Profile\s+default$/m)
    expect(whoami.stdout).toMatch(/^Credential source\s+file$/m)
    // The insecure file warns every time it is used.
    expect(whoami.stderr).toMatch(/Warning: API key read from plain file .*default\.json$/m)
    const again = ok(await runCli(['whoami', '--json'], {configHome}))
    expect(again.stderr).toMatch(/Warning: API key read from plain file/)
    expect(parseJson(again)).toEqual({
      Server: sandbox.url,
      Version: expect.any(String),
      User: {Id: 'Users-1', Username: 'sandbox-admin', DisplayName: expect.any(String)},
      Space: {Id: 'Spaces-2', Name: 'Platform Team'},
      Profile: 'default',
      CredentialSource: 'file',
    })

    const out = ok(await runCli(['logout'], {configHome}))
    expect(out.stdout).toContain("Logged out of profile 'default'")
    expect(await configFiles(configHome)).toEqual(['config.yaml', 'insecure-credentials'])
    const notLoggedIn = await runCli(['whoami'], {configHome})
    expect(notLoggedIn.exitCode).toBe(3)
    expect(notLoggedIn.stderr).toContain('Not logged in')
    const idempotent = ok(await runCli(['logout', '--json'], {configHome}))
    expect(parseJson(idempotent)).toMatchObject({Profile: 'default', LoggedOut: false, RemovedKey: {Keychain: false, File: false}})
  })

  it('switches profiles with --profile and OCTOWORKERS_PROFILE', async () => {
    const configHome = tempConfigHome()
    ok(await login(['--insecure-storage', '--profile', 'admin'], sandbox.apiKey, configHome))
    ok(await login(['--insecure-storage', '--profile', 'reader', '--space', 'Spaces-2'], sandbox.readOnlyApiKey, configHome))

    const [reader, admin, flagWins, spaceFlag] = await Promise.all([
      runCli(['whoami', '--json', '--profile', 'reader'], {configHome}),
      runCli(['whoami', '--json'], {configHome, env: {OCTOWORKERS_PROFILE: 'admin'}}),
      runCli(['whoami', '--json', '--profile', 'admin'], {configHome, env: {OCTOWORKERS_PROFILE: 'reader'}}),
      runCli(['whoami', '--json', '--profile', 'reader', '-s', 'Default'], {configHome}),
    ])
    expect(parseJson(ok(reader))).toMatchObject({Profile: 'reader', User: {Username: 'sandbox-reader'}, Space: {Name: 'Platform Team'}})
    expect(parseJson(ok(admin))).toMatchObject({Profile: 'admin', User: {Username: 'sandbox-admin'}, Space: {Name: 'Default'}})
    expect(parseJson(ok(flagWins))).toMatchObject({Profile: 'admin'})
    // --space overrides the profile's space.
    expect(parseJson(ok(spaceFlag))).toMatchObject({Space: {Id: 'Spaces-1'}})

    ok(await runCli(['logout', '--profile', 'reader'], {configHome}))
    expect(await configFiles(configHome)).toEqual(['config.yaml', 'insecure-credentials', 'insecure-credentials/admin.json'])
    expect((await runCli(['whoami', '--profile', 'reader'], {configHome})).exitCode).toBe(4)
  })

  it('lets OCTOPUS_API_KEY and OCTOPUS_ACCESS_TOKEN win over the stored key', async () => {
    const configHome = tempConfigHome()
    ok(await login(['--insecure-storage'], sandbox.apiKey, configHome))
    const byKey = ok(await runCli(['whoami', '--json'], {configHome, env: {OCTOPUS_API_KEY: sandbox.readOnlyApiKey}}))
    expect(parseJson(byKey)).toMatchObject({User: {Username: 'sandbox-reader'}, CredentialSource: 'env', Profile: 'default'})
    expect(byKey.stderr).not.toContain('Warning') // the insecure file was not used
    const byToken = ok(await runCli(['whoami', '--json'], {configHome, env: {OCTOPUS_ACCESS_TOKEN: sandbox.readOnlyApiKey}}))
    expect(parseJson(byToken)).toMatchObject({User: {Username: 'sandbox-reader'}, CredentialSource: 'env'})
    const envOnly = ok(await runCli(['whoami', '--json'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}}))
    expect(parseJson(envOnly)).toMatchObject({Profile: null, CredentialSource: 'env', Space: {Name: 'Default'}})
    // The profile this run would use is named in the text form only; the document says null.
    expect(Object.keys(parseJson(envOnly))).toEqual(['Server', 'Version', 'User', 'Space', 'Profile', 'CredentialSource'])
    const envOnlyText = ok(await runCli(['whoami'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}}))
    expect(envOnlyText.stdout).toMatch(/^Profile\s+default \(not saved; server and key from flags\/env\)$/m)
    const loginWithEnv = ok(await login(['--insecure-storage', '--profile', 'other'], sandbox.apiKey, configHome, {OCTOPUS_API_KEY: sandbox.readOnlyApiKey}))
    const otherKeyFile = path.join(configHome, 'octoworkers', 'insecure-credentials', 'other.json')
    expect(loginWithEnv.stderr.trimEnd().split('\n')).toEqual([
      `Warning: API key saved in plain file ${otherKeyFile}, not in the OS keychain: anyone who can read it as you can use it.`,
      'Warning: OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN is set in this environment; it takes precedence over the key just saved.',
    ])
    const loginInCi = ok(await login(['--insecure-storage', '--profile', 'ci'], sandbox.apiKey, configHome, {OCTOPUS_SERVICE_ACCOUNT_ID: 'ServiceAccounts-1'}))
    expect(loginInCi.stderr.trimEnd().split('\n')).toEqual([
      `Warning: API key saved in plain file ${path.join(configHome, 'octoworkers', 'insecure-credentials', 'ci.json')}, not in the OS keychain: anyone who can read it as you can use it.`,
      'Warning: OCTOPUS_SERVICE_ACCOUNT_ID is set in this environment; each run exchanges the CI job\'s ID token instead of using the key just saved.',
    ])
  })

  it('takes the server from OCTOPUS_URL, then from the profile\'s saved server; --server wins over both', async () => {
    const configHome = tempConfigHome()
    const stdinKey = (key: string) => ({input: `${key}\n`, configHome})
    const fromEnv = ok(await runCli(['login', '--api-key-stdin', '--insecure-storage', '--profile', 'ci'], {...stdinKey(sandbox.apiKey), env: {OCTOPUS_URL: sandbox.url}}))
    expect(fromEnv.stdout).toContain(`Logged in to ${sandbox.url}`)
    expect(fromEnv.stderr).toContain('The server came from OCTOPUS_URL.')
    expect(await readFile(path.join(configHome, 'octoworkers', 'config.yaml'), 'utf8')).toContain(`server: ${sandbox.url}`)

    // Logging in again to a saved profile needs only the key: here, another user's.
    const again = ok(await runCli(['login', '--api-key-stdin', '--insecure-storage', '--profile', 'ci', '--json'], stdinKey(sandbox.readOnlyApiKey)))
    expect(parseJson(again)).toMatchObject({Profile: 'ci', Server: sandbox.url, User: {Username: 'sandbox-reader'}})
    const textAgain = ok(await runCli(['login', '--api-key-stdin', '--insecure-storage', '--profile', 'ci'], stdinKey(sandbox.apiKey)))
    expect(textAgain.stderr).toContain("The server is the one saved in profile 'ci'; pass --server to change it.")

    // --server first: an OCTOPUS_URL where nothing listens is not even tried.
    const flagWins = ok(await runCli(['login', '--server', sandbox.url, '--api-key-stdin', '--insecure-storage', '--json'], {...stdinKey(sandbox.apiKey), env: {OCTOPUS_URL: 'http://127.0.0.1:9'}}))
    expect(parseJson(flagWins)).toMatchObject({Profile: 'default', Server: sandbox.url})
    expect(flagWins.stderr).not.toContain('OCTOPUS_URL')
  })

  it('a wrong key (401): exit 3, nothing saved', async () => {
    const configHome = tempConfigHome()
    const result = await login(['--insecure-storage'], 'API-WRONGKEY000000000', configHome)
    expect(result.exitCode).toBe(3)
    expect(result.stderr).toMatch(/^Error: HTTP 401/m)
    expect(result.stderr).toMatch(/Hint: Check the API key/)
    expect(await configFiles(configHome)).toEqual([])
    const whoami = await runCli(['whoami', '--json'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: 'API-WRONGKEY000000000'}})
    expect(whoami.exitCode).toBe(3)
    expect(parseJson(whoami).Error).toMatchObject({ExitCode: 3, Code: 'http-401'})
  })

  it('a key without permission (403 on the spaces it must read): exit 3, nothing saved', async () => {
    await withFault({Method: 'GET', PathPattern: '/api/spaces*', Status: 403}, async () => {
      const configHome = tempConfigHome()
      const result = await login(['--insecure-storage', '--space', 'Default'], sandbox.readOnlyApiKey, configHome)
      expect(result.exitCode).toBe(3)
      expect(result.stderr).toMatch(/^Error: HTTP 403/m)
      expect(await configFiles(configHome)).toEqual([])
      const whoami = await runCli(['whoami'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.readOnlyApiKey}})
      expect(whoami.exitCode).toBe(3)
    })
  })

  it('an unknown space: exit 4, listing the spaces; nothing saved', async () => {
    const configHome = tempConfigHome()
    const result = await login(['--insecure-storage', '--space', 'Platfrom Team'], sandbox.apiKey, configHome)
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toMatch(/Space 'Platfrom Team' not found.*Spaces: Default, Platform Team/)
    expect(await configFiles(configHome)).toEqual([])
    const whoami = await runCli(['whoami', '--json', '-s', 'Nope'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}})
    expect(whoami.exitCode).toBe(4)
    expect(parseJson(whoami).Error).toMatchObject({ExitCode: 4, Candidates: ['Default', 'Platform Team']})
  })

  it('a --server that is not the profile\'s server does not get the profile\'s key', async () => {
    const configHome = tempConfigHome()
    ok(await login(['--insecure-storage'], sandbox.apiKey, configHome))
    const other = await runCli(['whoami', '--server', 'http://127.0.0.2:9'], {configHome})
    expect(other.exitCode).toBe(3)
    expect(other.stderr).toContain(`profile 'default' is for ${sandbox.url}`)
  })
})

describe('the key never leaks', {timeout: 180_000}, () => {
  function expectNoKey(results: CliResult[], key: string): void {
    for (const r of results) {
      expect(r.stdout).not.toContain(key)
      expect(r.stderr).not.toContain(key)
    }
  }

  it('with --insecure-storage and --debug: only the key file holds it', async () => {
    const configHome = tempConfigHome()
    const results = [
      ok(await login(['--insecure-storage', '--debug', '--space', 'Default'], sandbox.apiKey, configHome)),
      ok(await runCli(['whoami', '--debug'], {configHome})),
      ok(await runCli(['whoami', '--debug', '--json'], {configHome})),
      await login(['--insecure-storage', '--debug', '--space', 'Nope'], sandbox.apiKey, configHome),
      ok(await runCli(['whoami', '--debug'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: sandbox.apiKey}})),
    ]
    expect(results.some((r) => r.stderr.includes('[debug] GET'))).toBe(true)
    expectNoKey(results, sandbox.apiKey)
    const keyFile = path.join(configHome, 'octoworkers', 'insecure-credentials', 'default.json')
    for (const {file, content} of await filesWithContent(configHome)) {
      if (file !== keyFile) expect(content, file).not.toContain(sandbox.apiKey)
    }
    expectNoKey([ok(await runCli(['logout', '--debug'], {configHome}))], sandbox.apiKey)
    for (const {content} of await filesWithContent(configHome)) expect(content).not.toContain(sandbox.apiKey)
  })

  it.skipIf(!hasSecretService)('with the keychain and --debug: no file holds it', async () => {
    const configHome = tempConfigHome()
    const results = [
      ok(await login(['--debug', '--profile', 'leakcheck'], sandbox.apiKey, configHome)),
      ok(await runCli(['whoami', '--debug', '--profile', 'leakcheck'], {configHome})),
      await login(['--debug', '--profile', 'leakcheck'], 'API-WRONGKEY000000000', configHome),
    ]
    expectNoKey(results, sandbox.apiKey)
    expect(results[2].stderr).not.toContain('API-WRONGKEY000000000')
    for (const {file, content} of await filesWithContent(configHome)) expect(content, file).not.toContain(sandbox.apiKey)
    ok(await runCli(['logout', '--profile', 'leakcheck'], {configHome}))
  })
})

describe.skipIf(!hasSecretService)('with the OS keychain (Secret Service)', {timeout: 180_000}, () => {
  it('logs in to the keychain, whoami says "keychain", logout removes the entry', async () => {
    const configHome = tempConfigHome()
    const profile = `kc-${process.pid}`
    const loggedIn = ok(await login(['--profile', profile, '--json'], sandbox.apiKey, configHome))
    expect(parseJson(loggedIn)).toMatchObject({Profile: profile, Server: sandbox.url, CredentialStore: 'keychain', User: {Username: 'sandbox-admin'}, Space: null})
    expect(loggedIn.stderr).not.toContain('Warning')
    expect(await configFiles(configHome)).toEqual(['config.yaml'])
    const account = keychainAccount(profile, sandbox.url)
    expect(await (await openSystemKeychain()).get(account)).toBe(sandbox.apiKey)

    const whoami = parseJson(ok(await runCli(['whoami', '--json', '--profile', profile], {configHome})))
    expect(whoami).toMatchObject({CredentialSource: 'keychain', Profile: profile, User: {Username: 'sandbox-admin'}})

    const out = parseJson(ok(await runCli(['logout', '--json', '--profile', profile], {configHome})))
    expect(out).toMatchObject({LoggedOut: true, RemovedKey: {Keychain: true, File: false}})
    expect(await (await openSystemKeychain()).get(account)).toBeNull()
    expect((await runCli(['whoami', '--profile', profile], {configHome})).exitCode).toBe(4)
  })

  it('a key deleted from a working keychain is "not logged in" (exit 3)', async () => {
    const configHome = tempConfigHome()
    const profile = `gone-${process.pid}`
    ok(await login(['--profile', profile], sandbox.apiKey, configHome))
    await (await openSystemKeychain()).delete(keychainAccount(profile, sandbox.url))
    const result = await runCli(['whoami', '--json', '--profile', profile], {configHome})
    expect(result.exitCode).toBe(3)
    expect(parseJson(result).Error).toMatchObject({Code: 'not-logged-in'})
    ok(await runCli(['logout', '--profile', profile], {configHome}))
  })

  it('moving a profile between the keychain and --insecure-storage leaves no stale copy', async () => {
    const configHome = tempConfigHome()
    const profile = `move-${process.pid}`
    const account = keychainAccount(profile, sandbox.url)
    ok(await login(['--profile', profile], sandbox.apiKey, configHome))
    ok(await login(['--profile', profile, '--insecure-storage'], sandbox.apiKey, configHome))
    expect(await (await openSystemKeychain()).get(account)).toBeNull()
    ok(await login(['--profile', profile], sandbox.apiKey, configHome))
    expect(await configFiles(configHome)).toEqual(['config.yaml', 'insecure-credentials'])
    expect(await (await openSystemKeychain()).get(account)).toBe(sandbox.apiKey)
    ok(await runCli(['logout', '--profile', profile], {configHome}))
  })
})

const canRunPrivateKeyring = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon']).status === 0

/**
 * Runs the CLI in a private D-Bus session whose gnome-keyring holds a password-protected login
 * keyring; `unlocked: false` leaves it locked, as after a reboot without auto-unlock (the unlock
 * prompt cannot show here, so it is dismissed).
 */
function runWithPrivateKeyring(args: string[], opts: {dataHome: string; configHome: string; unlocked: boolean; input?: string}): Promise<CliResult> {
  const daemon = opts.unlocked
    ? 'printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null'
    : 'gnome-keyring-daemon --start --components=secrets >/dev/null'
  const script = `${daemon}; exec "$0" "$@"`
  const env: Record<string, string> = {PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XDG_DATA_HOME: opts.dataHome, XDG_CONFIG_HOME: opts.configHome, NO_COLOR: '1'}
  return new Promise((resolve, reject) => {
    const child = spawn('dbus-run-session', ['--', 'sh', '-c', script, process.execPath, binPath, ...args], {env, cwd: repoRoot})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({stdout, stderr, exitCode: code ?? 1}))
    child.stdin.end(opts.input ?? '')
  })
}

describe.skipIf(!canRunPrivateKeyring)('with a locked keychain', {timeout: 180_000}, () => {
  it('login and whoami say the keychain is locked or unavailable (exit 3), never "not logged in"', async () => {
    const dataHome = tempDir('octoworkers-keyring')
    const configHome = tempConfigHome()
    const loginArgs = ['login', '--server', sandbox.url, '--api-key-stdin', '--json']
    ok(await runWithPrivateKeyring(loginArgs, {dataHome, configHome, unlocked: true, input: sandbox.apiKey}))
    ok(await runWithPrivateKeyring(['whoami'], {dataHome, configHome, unlocked: true}))
    const config = await readFile(path.join(configHome, 'octoworkers', 'config.yaml'), 'utf8')

    const whoami = await runWithPrivateKeyring(['whoami', '--json'], {dataHome, configHome, unlocked: false})
    expect(whoami.exitCode).toBe(3)
    expect(parseJson(whoami).Error).toMatchObject({Code: 'keychain-unavailable', Hint: expect.stringMatching(/OCTOPUS_API_KEY.*--insecure-storage/)})

    const relogin = await runWithPrivateKeyring([...loginArgs, '--profile', 'second'], {dataHome, configHome, unlocked: false, input: sandbox.apiKey})
    expect(relogin.exitCode).toBe(3)
    expect(parseJson(relogin).Error).toMatchObject({Code: 'keychain-unavailable'})
    expect(await readFile(path.join(configHome, 'octoworkers', 'config.yaml'), 'utf8')).toBe(config)

    const logout = await runWithPrivateKeyring(['logout'], {dataHome, configHome, unlocked: false})
    expect(logout.exitCode).toBe(3)
    expect(logout.stderr).toMatch(/Hint: Unlock the keychain and run logout again/)
    expect(await readFile(path.join(configHome, 'octoworkers', 'config.yaml'), 'utf8')).toBe(config)
  })
})
