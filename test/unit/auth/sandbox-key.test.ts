import {describe, expect, it} from 'vitest'
import {chooseSandboxApiKey} from '../../../src/config/sandbox-key.js'
import {CliError} from '../../../src/text/errors.js'

const KEY = 'API-SANDBOXKEY1234'
const noStdin = async () => {
  throw new Error('stdin must not be read')
}

describe('chooseSandboxApiKey', () => {
  it('takes the environment variable when no flag is given', async () => {
    expect(await chooseSandboxApiKey({fromStdin: false, env: {OCTOWORKERS_SANDBOX_API_KEY: ` ${KEY}\n`}, readStdin: noStdin})).toEqual({apiKey: KEY})
  })

  it('takes stdin over the environment', async () => {
    expect(await chooseSandboxApiKey({fromStdin: true, env: {OCTOWORKERS_SANDBOX_API_KEY: 'API-OTHER1234'}, readStdin: async () => `${KEY}\n`})).toEqual({apiKey: KEY})
  })

  it('still accepts the flag, with a warning that does not contain the key', async () => {
    const choice = await chooseSandboxApiKey({flag: KEY, fromStdin: false, env: {}, readStdin: noStdin})
    expect(choice.apiKey).toBe(KEY)
    expect(choice.warning).toMatch(/process list \(ps\)/)
    expect(choice.warning).not.toContain(KEY)
  })

  it('none given: undefined (the stored key, else a new one)', async () => {
    expect(await chooseSandboxApiKey({fromStdin: false, env: {OCTOWORKERS_SANDBOX_API_KEY: ''}, readStdin: noStdin})).toEqual({})
  })

  it.each([
    [{flag: KEY, fromStdin: true}, /one way/],
    [{fromStdin: true, stdin: ''}, /No API key on stdin/],
    [{fromStdin: true, stdin: 'api-lower'}, /The API key on stdin must look like an Octopus API key/],
    [{fromStdin: false, env: 'not a key'}, /OCTOWORKERS_SANDBOX_API_KEY must look like an Octopus API key/],
  ])('rejects %j with exit 2', async (c, message) => {
    const error = await chooseSandboxApiKey({
      flag: 'flag' in c ? c.flag : undefined,
      fromStdin: c.fromStdin,
      env: 'env' in c ? {OCTOWORKERS_SANDBOX_API_KEY: c.env} : {},
      readStdin: async () => ('stdin' in c ? c.stdin! : ''),
    }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(CliError)
    expect((error as CliError).exitCode).toBe(2)
    expect((error as CliError).message).toMatch(message)
  })
})
