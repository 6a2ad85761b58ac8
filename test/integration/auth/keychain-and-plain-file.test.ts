import {readdir} from 'node:fs/promises'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli, tempConfigHome, type CliResult} from '../../helpers/cli.js'
import {DOWN, ENTER, runInPty} from '../../helpers/pty.js'
import {startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'

// Interactive `login` checks the keychain before it asks anything; a key kept in a plain file
// (`login --insecure-storage`) is warned about in one line, once a run, never between questions.
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startTestSandbox({seed: 'empty'})
})
afterAll(async () => {
  await sandbox?.close()
})

function ok(result: CliResult): CliResult {
  expect(result.exitCode, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(0)
  return result
}

async function plainFileProfile(): Promise<{configHome: string; keyFile: string}> {
  const configHome = tempConfigHome()
  const saved = ok(await runCli(['login', '--server', sandbox.url, '--api-key-stdin', '--insecure-storage'], {input: `${sandbox.apiKey}\n`, configHome}))
  const keyFile = path.join(configHome, 'octoworkers', 'insecure-credentials', 'default.json')
  expect(saved.stderr.trimEnd().split('\n')).toEqual([`Warning: API key saved in plain file ${keyFile}, not in the OS keychain: anyone who can read it as you can use it.`])
  return {configHome, keyFile}
}

describe('interactive login with no usable keychain', () => {
  it('fails (exit 3) before asking for the server or the key; nothing saved', async () => {
    const configHome = tempConfigHome()
    // No DBUS_SESSION_BUS_ADDRESS under the pseudo-terminal: no Secret Service to reach.
    const result = await runInPty(['login'], {XDG_CONFIG_HOME: configHome}, [
      // Answered only if asked (they must not be), so that a wrong order fails here rather than hangs.
      {waitFor: 'Octopus Server URL', send: `${sandbox.url}${ENTER}`},
      {waitFor: 'API key', send: `${sandbox.apiKey}${ENTER}`},
    ], 30_000)
    expect(result.exitCode, result.screen).toBe(3)
    expect(result.screen).toContain('The OS keychain is locked or not available')
    expect(result.screen).toMatch(/Hint: .*login --insecure-storage/)
    expect(result.screen).not.toContain('Octopus Server URL')
    expect(result.screen).not.toContain('API key')
    await expect(readdir(configHome)).resolves.toEqual([])
  })

  it('with --insecure-storage no keychain is needed: it asks, and saves to the file', async () => {
    const configHome = tempConfigHome()
    const result = await runInPty(['login', '--insecure-storage'], {XDG_CONFIG_HOME: configHome}, [
      {waitFor: 'Octopus Server URL', send: `${sandbox.url}${ENTER}`},
      {waitFor: 'API key', send: `${sandbox.apiKey}${ENTER}`},
    ], 30_000)
    expect(result.exitCode, result.screen).toBe(0)
    expect(result.screen).toContain(`Logged in to ${sandbox.url}`)
  })
})

describe('a key in a plain file', () => {
  it('is warned about in one line on stderr, once a run, never on stdout', async () => {
    const {configHome, keyFile} = await plainFileProfile()
    const result = ok(await runCli(['pool', 'list'], {configHome}))
    expect(result.stderr.trimEnd().split('\n')).toEqual([`Warning: API key read from plain file ${keyFile}`])
    expect(result.stdout).not.toContain('plain file')
  })

  it('under the home directory, the path is shown from ~', async () => {
    const {configHome} = await plainFileProfile()
    const result = ok(await runCli(['whoami'], {configHome, env: {HOME: path.dirname(configHome)}}))
    expect(result.stderr.trimEnd()).toBe(`Warning: API key read from plain file ~/${path.basename(configHome)}/octoworkers/insecure-credentials/default.json`)
  })

  it('in a run that prompts, comes after the questions, not between them', async () => {
    const {configHome, keyFile} = await plainFileProfile()
    const result = await runInPty(['pool', 'create'], {XDG_CONFIG_HOME: configHome}, [
      {waitFor: 'Pool name:', send: `Warned pool${ENTER}`},
      // Dynamic: the worker type is asked after the command has connected (and read the key).
      {waitFor: 'Pool type:', send: `${DOWN}${ENTER}`},
      {waitFor: 'Worker type:', send: ENTER},
    ], 30_000, {columns: 200})
    expect(result.exitCode, result.screen).toBe(0)
    const warning = `Warning: API key read from plain file ${keyFile}`
    expect(result.screen.split(warning)).toHaveLength(2)
    expect(result.screen.indexOf(warning)).toBeGreaterThan(result.screen.lastIndexOf('Worker type:'))
  })
})
