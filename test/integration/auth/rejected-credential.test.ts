import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson, runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {keychainAccount, openSystemKeychain} from '../../../src/config/keychain.js'

// A credential the server rejects (401): the hint names where it came from and the way out that
// works for that source. The environment always wins over a saved key, so "log in again" is no
// way out while OCTOPUS_API_KEY is set.
const hasSecretService = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)
const WRONG_KEY = 'API-REJECTED00000000000'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => {
  await sandbox?.close()
})

/** A saved profile whose key the server no longer accepts, stored where `keyStore` says. */
async function savedProfile(configHome: string, profile: string, keyStore: 'keychain' | 'file'): Promise<void> {
  const dir = path.join(configHome, 'octoworkers')
  await mkdir(path.join(dir, 'insecure-credentials'), {recursive: true, mode: 0o700})
  await writeFile(path.join(dir, 'config.yaml'), `profiles:\n  ${profile}:\n    server: ${sandbox.url}\n    keyStore: ${keyStore}\n`, {mode: 0o600})
  if (keyStore === 'file') {
    await writeFile(path.join(dir, 'insecure-credentials', `${profile}.json`), JSON.stringify({Server: sandbox.url, ApiKey: WRONG_KEY}), {mode: 0o600})
  } else {
    await (await openSystemKeychain()).set(keychainAccount(profile, sandbox.url), WRONG_KEY)
  }
}

function hintOf(result: CliResult): string {
  expect(result.exitCode, result.stderr).toBe(3)
  expect(result.stderr).toMatch(/^Error: HTTP 401/m)
  expect(result.stderr).not.toContain(WRONG_KEY)
  return result.stderr.split('\n').find((line) => line.startsWith('Hint: ')) ?? ''
}

describe('a rejected credential names its source and the way out for it', () => {
  it('OCTOPUS_API_KEY, with a saved profile beside it: fix or unset the variable, not "log in again"', async () => {
    const configHome = tempConfigHome()
    await savedProfile(configHome, 'default', 'file')
    const hint = hintOf(await runCli(['pool', 'list'], {configHome, env: {OCTOPUS_API_KEY: WRONG_KEY}}))
    expect(hint).toContain('came from OCTOPUS_API_KEY in the environment, which takes precedence over any saved key')
    expect(hint).toContain("unset it to use the key saved in profile 'default'")
    expect(hint).not.toMatch(/run `octoworkers login/)
  })

  it('OCTOPUS_API_KEY with OCTOPUS_URL and nothing saved: fix it, or unset it and log in', async () => {
    const hint = hintOf(await runCli(['whoami'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: WRONG_KEY}}))
    expect(hint).toContain('set a valid key in OCTOPUS_API_KEY, or unset it and run `octoworkers login` to save a key')
  })

  it('OCTOPUS_ACCESS_TOKEN: names the token variable', async () => {
    const result = await runCli(['whoami', '--json'], {env: {OCTOPUS_URL: sandbox.url, OCTOPUS_ACCESS_TOKEN: WRONG_KEY}})
    expect(result.exitCode).toBe(3)
    const error = parseJson(result).Error
    expect(error).toMatchObject({ExitCode: 3, Code: 'http-401'})
    expect(error.Hint).toContain('The rejected token came from OCTOPUS_ACCESS_TOKEN in the environment')
    expect(error.Hint).toContain('set a valid token in OCTOPUS_ACCESS_TOKEN')
  })

  it('the insecure key file: names the file and `login --insecure-storage` for that profile', async () => {
    const configHome = tempConfigHome()
    await savedProfile(configHome, 'ci', 'file')
    const result = await runCli(['worker', 'list', '--profile', 'ci'], {configHome})
    const keyFile = path.join(configHome, 'octoworkers', 'insecure-credentials', 'ci.json')
    const hint = hintOf(result)
    expect(hint).toContain(`the one saved for profile 'ci' in ${keyFile}`)
    expect(hint).toContain('run `octoworkers login --profile ci --insecure-storage` with a valid key')
  })

  it.skipIf(!hasSecretService)('the OS keychain: names the keychain and `login` for that profile', async () => {
    const configHome = tempConfigHome()
    const profile = `rejected-${process.pid}`
    await savedProfile(configHome, profile, 'keychain')
    try {
      const hint = hintOf(await runCli(['whoami', '--profile', profile], {configHome}))
      expect(hint).toContain(`the one saved for profile '${profile}' in the OS keychain`)
      expect(hint).toContain(`run \`octoworkers login --profile ${profile}\` with a valid key`)
    } finally {
      await (await openSystemKeychain()).delete(keychainAccount(profile, sandbox.url))
    }
  })

  it('login with a wrong key: the key just given is wrong, no source to blame', async () => {
    const result = await runCli(['login', '--server', sandbox.url, '--api-key-stdin', '--insecure-storage'], {input: `${WRONG_KEY}\n`})
    expect(hintOf(result)).toBe('Hint: Check the API key: it may be wrong, expired or revoked.')
  })
})
