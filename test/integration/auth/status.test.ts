import {chmod, rm} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'

// `auth status` (every profile, the one in use, each one's credential source) and what `whoami`
// and `logout` say about the other profiles. Profiles are made by a real `login` against a sandbox.
const hasSecretService = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => {
  await sandbox?.close()
})

function ok(result: CliResult): CliResult {
  expect(result.exitCode, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0)
  return result
}

async function loginAs(configHome: string, profile: string, key: string, extra: string[] = ['--insecure-storage']): Promise<void> {
  ok(await runCli(['login', '--server', sandbox.url, '--api-key-stdin', '--profile', profile, ...extra], {input: `${key}\n`, configHome}))
}

function keyFile(configHome: string, profile: string): string {
  return path.join(configHome, 'octoworkers', 'insecure-credentials', `${profile}.json`)
}

function expectNoSecret(result: CliResult): void {
  for (const key of [sandbox.apiKey, sandbox.readOnlyApiKey]) {
    expect(result.stdout).not.toContain(key)
    expect(result.stderr).not.toContain(key)
  }
}

describe('auth status', {timeout: 180_000}, () => {
  it('with nothing saved and nothing in the environment: exit 3, saying how to log in', async () => {
    const result = await runCli(['auth', 'status'])
    expect(result.exitCode).toBe(3)
    expect(result.stdout).toBe('')
    expect(result.stderr.trimEnd()).toMatch(/^Not logged in: no profiles in .*config\.yaml, and no OCTOPUS_URL with OCTOPUS_API_KEY\. Run `octoworkers login`\.$/)
    const json = await runCli(['auth', 'status', '--json'])
    expect(json.exitCode).toBe(3)
    expect(parseJson(json)).toMatchObject({Profiles: [], LoggedIn: false})
  })

  it('lists every profile, marks the one in use, and names each credential\'s source; never a key', async () => {
    const configHome = tempConfigHome()
    await loginAs(configHome, 'admin', sandbox.apiKey)
    await loginAs(configHome, 'reader', sandbox.readOnlyApiKey, ['--insecure-storage', '--space', 'Platform Team'])

    const json = ok(await runCli(['auth', 'status', '--json'], {configHome, env: {OCTOWORKERS_PROFILE: 'reader'}}))
    expectNoSecret(json)
    expect(parseJson(json)).toEqual({
      ConfigFile: path.join(configHome, 'octoworkers', 'config.yaml'),
      LoggedIn: true,
      Profiles: [
        {Profile: 'admin', Server: sandbox.url, Space: null, InUse: false, CredentialSource: 'file', CredentialLocation: keyFile(configHome, 'admin'), SavedKeyStore: 'file', SavedKey: 'present', Problem: null},
        {Profile: 'reader', Server: sandbox.url, Space: 'Platform Team', InUse: true, CredentialSource: 'file', CredentialLocation: keyFile(configHome, 'reader'), SavedKeyStore: 'file', SavedKey: 'present', Problem: null},
      ],
    })

    const text = ok(await runCli(['auth', 'status', '--profile', 'admin'], {configHome}))
    expectNoSecret(text)
    expect(text.stdout.trimEnd().split('\n')).toEqual([
      'admin  (in use)',
      `  Server             ${sandbox.url}`,
      `  Credential source  file (${keyFile(configHome, 'admin')}), key saved`,
      'reader',
      `  Server             ${sandbox.url}`,
      '  Space              Platform Team',
      `  Credential source  file (${keyFile(configHome, 'reader')}), key saved`,
    ])
    // No profile "default" is saved: none is in use, as `whoami` would find none.
    const noneInUse = await runCli(['auth', 'status', '--json'], {configHome})
    expect(noneInUse.exitCode).toBe(3)
    expect(parseJson(noneInUse).Profiles.map((p: {InUse: boolean}) => p.InUse)).toEqual([false, false])
  })

  it('an env credential is every profile\'s source; OCTOPUS_URL elsewhere puts an environment entry in use', async () => {
    const configHome = tempConfigHome()
    await loginAs(configHome, 'default', sandbox.apiKey)
    const withKey = parseJson(ok(await runCli(['auth', 'status', '--json'], {configHome, env: {OCTOPUS_API_KEY: sandbox.readOnlyApiKey}})))
    expect(withKey.Profiles).toEqual([expect.objectContaining({Profile: 'default', InUse: true, CredentialSource: 'env', CredentialLocation: 'OCTOPUS_API_KEY', SavedKey: 'present'})])
    const text = ok(await runCli(['auth', 'status'], {configHome, env: {OCTOPUS_ACCESS_TOKEN: sandbox.readOnlyApiKey}}))
    expect(text.stdout).toContain('Credential source  env (OCTOPUS_ACCESS_TOKEN; its file key, key saved, is not used while it is set)')
    expectNoSecret(text)

    const elsewhere = 'http://127.0.0.1:9'
    const envOnly = parseJson(ok(await runCli(['auth', 'status', '--json'], {configHome, env: {OCTOPUS_URL: elsewhere, OCTOPUS_API_KEY: sandbox.apiKey}})))
    expect(envOnly.Profiles).toEqual([
      {Profile: null, Server: elsewhere, Space: null, InUse: true, CredentialSource: 'env', CredentialLocation: 'OCTOPUS_API_KEY', SavedKeyStore: null, SavedKey: 'none', Problem: null},
      expect.objectContaining({Profile: 'default', InUse: false}),
    ])
    // The profile's key is only for its own server: OCTOPUS_URL elsewhere without an env key is not logged in.
    const noKey = await runCli(['auth', 'status', '--json'], {configHome, env: {OCTOPUS_URL: elsewhere}})
    expect(noKey.exitCode).toBe(3)
    expect(parseJson(noKey)).toMatchObject({LoggedIn: false, Profiles: [{Profile: 'default', InUse: false}]})
  })

  it('a profile whose key is gone or unsafe: shown with the problem; exit 3 when it is the one in use', async () => {
    const configHome = tempConfigHome()
    await loginAs(configHome, 'default', sandbox.apiKey)
    await loginAs(configHome, 'gone', sandbox.apiKey)
    await rm(keyFile(configHome, 'gone'))
    await chmod(keyFile(configHome, 'default'), 0o644)

    const result = await runCli(['auth', 'status', '--json'], {configHome})
    expect(result.exitCode).toBe(3)
    const [unsafe, gone] = parseJson(result).Profiles
    expect(unsafe).toMatchObject({Profile: 'default', InUse: true, SavedKey: 'refused', Problem: expect.stringMatching(/mode is 0644/)})
    expect(gone).toMatchObject({Profile: 'gone', InUse: false, SavedKey: 'missing', Problem: expect.stringMatching(/has no saved API key/)})
    const text = await runCli(['auth', 'status'], {configHome})
    expect(text.exitCode).toBe(3)
    expect(text.stdout).toMatch(/^ {2}Problem {12}Refusing to use the API key in .*default\.json/m)
    expect(text.stderr).toContain('Not logged in: no profile in use has a usable credential.')
    // A missing key of a profile not in use does not fail the run.
    expect((await runCli(['auth', 'status', '--profile', 'gone'], {configHome})).exitCode).toBe(3)
    await chmod(keyFile(configHome, 'default'), 0o600)
    ok(await runCli(['auth', 'status'], {configHome}))
  })

  it('bad input: an unknown --profile is exit 4, a bad --profile name or --server exit 2', async () => {
    const configHome = tempConfigHome()
    await loginAs(configHome, 'prod', sandbox.apiKey)
    const unknown = await runCli(['auth', 'status', '--profile', 'qa'], {configHome})
    expect(unknown.exitCode).toBe(4)
    expect(unknown.stderr).toMatch(/^Error: Profile 'qa' not found\. Profiles: prod\.$/m)
    const badName = await runCli(['auth', 'status', '--profile', '../x'], {configHome})
    expect(badName.exitCode).toBe(2)
    expect(badName.stderr).toMatch(/^Error: '\.\.\/x' is not a valid profile name\./m)
    const badServer = await runCli(['auth', 'status', '--server', 'not-a-url', '--json'], {configHome})
    expect(badServer.exitCode).toBe(2)
    expect(parseJson(badServer).Error).toMatchObject({ExitCode: 2, Message: expect.stringContaining('not-a-url')})
  })

  it.skipIf(!hasSecretService)('a keychain profile: its account is named, its key looked up in the real Secret Service', async () => {
    const configHome = tempConfigHome()
    await loginAs(configHome, 'kc', sandbox.apiKey, [])
    const result = ok(await runCli(['auth', 'status', '--profile', 'kc', '--json'], {configHome}))
    expectNoSecret(result)
    expect(parseJson(result).Profiles).toEqual([expect.objectContaining({Profile: 'kc', InUse: true, CredentialSource: 'keychain', CredentialLocation: `keychain account "kc@${sandbox.url}"`, SavedKey: 'present'})])
    ok(await runCli(['logout', '--profile', 'kc'], {configHome}))
  })
})

describe('after a logout, the other profiles are named', {timeout: 180_000}, () => {
  it('by logout, and by whoami when the profile in use is gone', async () => {
    const configHome = tempConfigHome()
    await loginAs(configHome, 'default', sandbox.apiKey)
    await loginAs(configHome, 'staging', sandbox.readOnlyApiKey)
    await loginAs(configHome, 'prod', sandbox.apiKey)

    const out = ok(await runCli(['logout'], {configHome}))
    expect(out.stderr).toContain("Still saved: 'staging', 'prod'; use one with --profile NAME, or see them all with `octoworkers auth status`.")
    const outJson = ok(await runCli(['logout', '--profile', 'prod', '--json'], {configHome}))
    expect(parseJson(outJson)).toMatchObject({Profile: 'prod', LoggedOut: true, OtherProfiles: ['staging']})

    const whoami = await runCli(['whoami'], {configHome})
    expect(whoami.exitCode).toBe(3)
    expect(whoami.stderr.trimEnd().split('\n')).toEqual([
      "Error: Not logged in: profile 'default' is not saved; other profiles: staging.",
      'Hint: Use one with --profile staging (or OCTOWORKERS_PROFILE), or run `octoworkers login`; `octoworkers auth status` shows every profile.',
    ])
    const json = await runCli(['whoami', '--json'], {configHome})
    expect(parseJson(json).Error).toMatchObject({Code: 'not-logged-in', ExitCode: 3, Profiles: ['staging']})

    ok(await runCli(['logout', '--profile', 'staging'], {configHome}))
    const none = await runCli(['whoami'], {configHome})
    expect(none.stderr).toMatch(/^Error: Not logged in: no Octopus server given\.$/m)
    const last = ok(await runCli(['logout'], {configHome}))
    expect(last.stderr).not.toContain('Still saved')
  })
})
