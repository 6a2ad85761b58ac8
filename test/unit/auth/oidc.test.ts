import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {CliError, ExitCode, redact} from '../../../src/text/errors.js'
import {checkIdToken, readExchangeAnswer, readIdTokenClaims, versionHasOidc} from '../../../src/octopus/oidc.js'
import {ProfileStore} from '../../../src/config/profiles.js'
import {tempDir} from '../../helpers/temp.js'

/** An unsigned JWT with these claims (the client reads claims; only the server verifies). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({alg: 'RS256', typ: 'JWT'})}.${part(claims)}.c2lnbmF0dXJl`
}

function thrown(run: () => unknown): CliError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    return error as CliError
  }
  throw new Error('did not throw')
}

const NOW = Date.parse('2026-03-01T12:00:00Z')
const ID = '8f4a2b1c-0d3e-4f5a-9b6c-7d8e9f0a1b2c'

describe('versionHasOidc: 2023.4.8077 and 2024.1.1889 on', () => {
  it.each([
    ['2023.4.8077', true], ['2023.4.8076', false], ['2023.3.13000', false], ['2024.1.1889', true], ['2024.1.1888', false],
    ['2024.2.1', true], ['2026.1.4312', true], ['2023.1.9626', false], ['2019.7.12', false], ['not a version', undefined],
  ])('%s: %s', (version, expected) => {
    expect(versionHasOidc(version)).toBe(expected)
  })
})

describe('checkIdToken: what the server would refuse, said before anything is sent', () => {
  it('accepts a token for the service account that has not expired; aud may be a list', () => {
    expect(checkIdToken(jwt({aud: [ID, 'other'], exp: NOW / 1000 + 60, sub: 's'}), ID, NOW)).toMatchObject({aud: [ID, 'other'], sub: 's'})
  })

  it('a token for another audience is exit 3, naming both', () => {
    const error = thrown(() => checkIdToken(jwt({aud: 'https://github.com/octo-org', exp: NOW / 1000 + 60}), ID, NOW))
    expect(error.exitCode).toBe(ExitCode.Auth)
    expect(error.message).toBe(`The ID token has audience 'https://github.com/octo-org', not the service account ID '${ID}'.`)
    expect(thrown(() => checkIdToken(jwt({exp: NOW / 1000 + 60}), ID, NOW)).message).toContain('has no audience')
  })

  it('an expired token is exit 3 with when it expired', () => {
    const error = thrown(() => checkIdToken(jwt({aud: ID, exp: NOW / 1000 - 1}), ID, NOW))
    expect(error.exitCode).toBe(ExitCode.Auth)
    expect(error.message).toMatch(/^The ID token expired at 2026-03-01T11:59:59\.000Z;/)
  })

  it('no JWT is exit 2', () => {
    for (const input of ['abc', 'a.b', 'a.%%%.c', `${Buffer.from('{}').toString('base64url')}.bm90IGpzb24.x`]) {
      expect(thrown(() => checkIdToken(input, ID, NOW)).exitCode).toBe(ExitCode.Usage)
    }
    expect(readIdTokenClaims('a.b.c')).toBeUndefined()
  })
})

describe('readExchangeAnswer', () => {
  const read = (status: number, body: unknown) => readExchangeAnswer('https://octopus.example', 'https://octopus.example/token/v1', status, body, NOW)

  it('takes expires_in as a number or as a numeric string (the GitHub Action\'s tests send a string)', () => {
    expect(read(200, {access_token: 't', token_type: 'Bearer', expires_in: 3600})).toEqual({accessToken: 't', expiresAt: NOW + 3_600_000})
    expect(read(200, {access_token: 't', expires_in: '300'})).toEqual({accessToken: 't', expiresAt: NOW + 300_000})
  })

  it.each([
    [{error: 'invalid_request', error_description: 'The audience did not match'}, 'https://octopus.example refused the ID token (HTTP 400): The audience did not match (invalid_request)'],
    [{ErrorMessage: 'There was a problem with your request.', Errors: ['First', 'Second']}, 'https://octopus.example refused the ID token (HTTP 400): First; Second'],
    [{ErrorMessage: 'Only a message', Errors: []}, 'https://octopus.example refused the ID token (HTTP 400): Only a message'],
    ['<html>', 'https://octopus.example refused the ID token (HTTP 400): no reason given'],
  ])('a refusal in either of Octopus\'s formats is one line, exit 3: %j', (body, message) => {
    const error = thrown(() => read(400, body))
    expect(error.exitCode).toBe(ExitCode.Auth)
    expect(error.message).toBe(message)
  })

  it.each([[{}], [{access_token: 't'}], [{access_token: 't', expires_in: 0}], [{access_token: 't', expires_in: 'soon'}], [{access_token: 'two words', expires_in: 60}], [{access_token: 't', expires_in: ''}]])('an answer without a usable token or lifetime is exit 3: %j', (body) => {
    expect(thrown(() => read(200, body)).exitCode).toBe(ExitCode.Auth)
  })
})

describe('redact', () => {
  it('hides anything shaped like a JWT, even one it was not told about', () => {
    const token = jwt({aud: ID})
    expect(redact(`POST with ${token} failed`, [])).toBe('POST with JWT-*** failed')
  })
})

describe('a profile saved by an OIDC login', () => {
  it('keeps its service account and expiry in config.yaml (no secret), and drops them on an API-key login', async () => {
    const dir = path.join(tempDir('ow-oidc-profiles'), 'octoworkers')
    const store = await ProfileStore.load(dir)
    store.set({name: 'ci', server: 'https://octopus.example', keyStore: 'keychain', oidc: {serviceAccountId: ID, expiresAt: '2026-03-01T13:00:00.000Z'}})
    await store.save()
    expect((await ProfileStore.load(dir)).get('ci')).toEqual({name: 'ci', server: 'https://octopus.example', keyStore: 'keychain', oidc: {serviceAccountId: ID, expiresAt: '2026-03-01T13:00:00.000Z'}})
    const again = await ProfileStore.load(dir)
    again.set({name: 'ci', server: 'https://octopus.example', keyStore: 'keychain'})
    await again.save()
    expect((await ProfileStore.load(dir)).get('ci')).toEqual({name: 'ci', server: 'https://octopus.example', keyStore: 'keychain'})
  })

  it('a hand-edited expiry that is no date is exit 2 naming the line', async () => {
    const dir = path.join(tempDir('ow-oidc-profiles'), 'octoworkers')
    await mkdir(dir, {recursive: true, mode: 0o700})
    await writeFile(path.join(dir, 'config.yaml'), `profiles:\n  ci:\n    server: https://octopus.example\n    oidcServiceAccountId: ${ID}\n    accessTokenExpiresAt: tomorrow\n`, {mode: 0o600})
    const error = await ProfileStore.load(dir).then(() => undefined, (e: unknown) => e as CliError)
    expect(error?.exitCode).toBe(ExitCode.Usage)
    expect(error?.message).toMatch(/config\.yaml:5:27: profile 'ci': `accessTokenExpiresAt` must be a date and time\.$/)
  })
})
