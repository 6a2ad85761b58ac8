import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {parseJson, runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'

// `auth switch PROFILE` (as `gh auth switch`): the saved profile in use, kept in config.yaml.
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

async function loginAs(configHome: string, profile: string, key: string): Promise<void> {
  ok(await runCli(['login', '--server', sandbox.url, '--api-key-stdin', '--profile', profile, '--insecure-storage'], {input: `${key}\n`, configHome}))
}

/** Two profiles on one server, each with its own user: who answers tells which is in use. */
async function twoProfiles(): Promise<string> {
  const configHome = tempConfigHome()
  await loginAs(configHome, 'admin', sandbox.apiKey)
  await loginAs(configHome, 'reader', sandbox.readOnlyApiKey)
  return configHome
}

async function configText(configHome: string): Promise<string> {
  return readFile(path.join(configHome, 'octoworkers', 'config.yaml'), 'utf8')
}

async function userInUse(configHome: string, env: Record<string, string> = {}): Promise<string> {
  return parseJson(ok(await runCli(['whoami', '--json'], {configHome, env}))).User.Username
}

describe('auth switch', {timeout: 180_000}, () => {
  it('changes the profile every command uses; --profile and OCTOWORKERS_PROFILE still win', async () => {
    const configHome = await twoProfiles()
    const before = await runCli(['whoami'], {configHome})
    expect(before.exitCode).toBe(3) // No profile named "default" yet.

    const switched = ok(await runCli(['auth', 'switch', 'reader'], {configHome}))
    expect(switched.stdout.trimEnd()).toBe(`Switched to profile 'reader' (${sandbox.url}); it was 'default'.`)
    expect(await userInUse(configHome)).toBe('sandbox-reader')
    expect(await userInUse(configHome, {OCTOWORKERS_PROFILE: 'admin'})).toBe('sandbox-admin')
    expect(parseJson(ok(await runCli(['whoami', '--json', '--profile', 'admin'], {configHome}))).User.Username).toBe('sandbox-admin')
    const status = parseJson(ok(await runCli(['auth', 'status', '--json'], {configHome})))
    expect(status.Profiles.filter((p: {InUse: boolean}) => p.InUse).map((p: {Profile: string}) => p.Profile)).toEqual(['reader'])

    const json = parseJson(ok(await runCli(['auth', 'switch', 'admin', '--json'], {configHome})))
    expect(json).toEqual({Profile: 'admin', Server: sandbox.url, Previous: 'reader', ConfigFile: path.join(configHome, 'octoworkers', 'config.yaml'), OverriddenBy: null})
    expect(await userInUse(configHome)).toBe('sandbox-admin')
    expect(ok(await runCli(['auth', 'switch', 'admin'], {configHome})).stdout.trimEnd()).toBe(`Profile 'admin' (${sandbox.url}) was already in use.`)
  })

  it('says so when OCTOWORKERS_PROFILE overrides the switch in this environment', async () => {
    const configHome = await twoProfiles()
    const result = ok(await runCli(['auth', 'switch', 'reader'], {configHome, env: {OCTOWORKERS_PROFILE: 'admin'}}))
    expect(result.stderr.trimEnd()).toBe('OCTOWORKERS_PROFILE is set in this environment; it still chooses the profile while it is set.')
  })

  it('logout of the profile in use logs out that profile, and the switch is forgotten with it', async () => {
    const configHome = await twoProfiles()
    ok(await runCli(['auth', 'switch', 'reader'], {configHome}))
    expect(ok(await runCli(['logout'], {configHome})).stdout).toContain("Logged out of profile 'reader'")
    expect(parse(await configText(configHome))).toEqual({profiles: {admin: expect.any(Object)}})
  })

  it('an unknown profile: exit 4, one line with the close names and the saved ones; config.yaml unchanged', async () => {
    const configHome = await twoProfiles()
    const before = await configText(configHome)
    const result = await runCli(['auth', 'switch', 'reeder'], {configHome})
    expect(result.exitCode).toBe(4)
    expect(result.stdout).toBe('')
    const [error, hint, ...rest] = result.stderr.trimEnd().split('\n')
    expect(error).toBe("Error: Profile 'reeder' not found. Did you mean: 'reader'? Profiles: admin, reader.")
    expect(hint).toMatch(/^Hint: /)
    expect(rest).toEqual([])
    expect(await configText(configHome)).toBe(before)

    const json = await runCli(['auth', 'switch', 'a/b', '--json'], {configHome})
    expect(json.exitCode).toBe(4)
    expect(parseJson(json).Error).toMatchObject({ExitCode: 4})
    expect(await configText(configHome)).toBe(before)
  })

  it('with nothing saved: exit 4, saying to log in first', async () => {
    const result = await runCli(['auth', 'switch', 'staging'])
    expect(result.exitCode).toBe(4)
    expect(result.stderr).toContain("Profile 'staging' not found. Profiles: (none).")
    expect(result.stderr).toContain('octoworkers login --profile NAME')
  })

  it('without a profile name: exit 2', async () => {
    const result = await runCli(['auth', 'switch'])
    expect(result.exitCode).toBe(2)
  })

  it('two switches at once (two processes) leave a valid config.yaml naming one of them, every profile kept', async () => {
    const configHome = await twoProfiles()
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([
        runCli(['auth', 'switch', 'admin'], {configHome, spawn: true}),
        runCli(['auth', 'switch', 'reader'], {configHome, spawn: true}),
      ])
      ok(a)
      ok(b)
      const config = parse(await configText(configHome))
      expect(Object.keys(config.profiles).sort()).toEqual(['admin', 'reader'])
      expect(['admin', 'reader']).toContain(config.defaultProfile)
      expect(await userInUse(configHome)).toBe(config.defaultProfile === 'admin' ? 'sandbox-admin' : 'sandbox-reader')
    }
  })
})
