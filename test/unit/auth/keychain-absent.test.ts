import {describe, expect, it} from 'vitest'
import {ExitCode} from '../../../src/text/errors.js'
import {KeychainUnavailableError, openSystemKeychain} from '../../../src/config/keychain.js'

// Its own file, hence its own process (vitest forks per file): the native module keeps the first
// D-Bus connection it makes, so the bad address must be set before any keychain use.
describe.skipIf(process.platform !== 'linux')('OS keychain without a D-Bus session', () => {
  it('fails to open with a clear, exit-3 error that names the ways out', async () => {
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/octoworkers-test-bus'
    const error = await openSystemKeychain().then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(KeychainUnavailableError)
    expect(error).toMatchObject({exitCode: ExitCode.Auth, code: 'keychain-unavailable'})
    expect((error as Error).message).toContain('/nonexistent/octoworkers-test-bus')
    expect((error as KeychainUnavailableError).hint).toMatch(/OCTOPUS_URL and OCTOPUS_API_KEY.*--insecure-storage/)
  })
})
