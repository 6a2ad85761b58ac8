import {spawnSync} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'
import {ExitCode} from '../../../src/text/errors.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/**
 * Opens the keychain in a Node process of its own, from the TypeScript sources, and prints what it
 * threw. A process of its own because the native module keeps the first D-Bus connection it makes
 * for the life of the process: the bad address must be there before any keychain use, and must not
 * reach the other test files that share this test worker.
 */
function openKeychainIn(env: Record<string, string>): Record<string, unknown> {
  const script = `
    const {KeychainUnavailableError, openSystemKeychain} = await import(${JSON.stringify(pathToFileURL(path.join(repoRoot, 'src/config/keychain.ts')).href)})
    const error = await openSystemKeychain().then(() => undefined, (e) => e)
    console.log(JSON.stringify(error === undefined ? {opened: true} : {isKeychainUnavailable: error instanceof KeychainUnavailableError, exitCode: error.exitCode, code: error.code, message: error.message, hint: error.hint}))`
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(repoRoot, 'scripts/dev/register.js')).href, '--input-type=module', '-e', script], {cwd: repoRoot, env, encoding: 'utf8'})
  expect(run.status, run.stderr).toBe(0)
  return JSON.parse(run.stdout) as Record<string, unknown>
}

describe.skipIf(process.platform !== 'linux')('OS keychain without a D-Bus session', () => {
  it('fails to open with a clear, exit-3 error that names the ways out', () => {
    const error = openKeychainIn({PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/octoworkers-test-bus'})
    expect(error).toMatchObject({isKeychainUnavailable: true, exitCode: ExitCode.Auth, code: 'keychain-unavailable'})
    expect(error.message).toContain('/nonexistent/octoworkers-test-bus')
    expect(error.hint).toMatch(/OCTOPUS_URL and OCTOPUS_API_KEY.*--insecure-storage/)
  })
})
