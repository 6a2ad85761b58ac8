import {mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {tempDir} from '../../helpers/temp.js'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {ExitCode} from '../../../src/text/errors.js'
import {resolveConnection, type ResolveOptions} from '../../../src/config/connection.js'
import {keychainAccount} from '../../../src/config/keychain.js'
import {saveApiKey} from '../../../src/config/key-storage.js'
import {ProfileStore, type Profile} from '../../../src/config/profiles.js'
import {FakeKeychain} from './fake-keychain.js'

const PROD = 'https://octopus.example.com'
const STAGING = 'https://staging.example.com'
const PROD_KEY = 'API-PRODKEY1234567890'
const STAGING_KEY = 'API-STAGINGKEY123456'

let dir: string
let keychain: FakeKeychain
let warnings: string[]

beforeEach(async () => {
  dir = path.join(tempDir('ow-conn'), 'octoworkers')
  keychain = new FakeKeychain()
  warnings = []
})

async function saveProfile(profile: Profile, apiKey: string): Promise<void> {
  const store = await ProfileStore.load(dir)
  store.set(profile)
  await store.save()
  await saveApiKey({configDir: dir, keychain: keychain.factory}, profile.name, profile.server, apiKey, profile.keyStore)
}

function resolve(opts: Partial<ResolveOptions> = {}) {
  return resolveConnection({env: {}, warn: (m) => warnings.push(m), configDir: dir, keychain: keychain.factory, ...opts})
}

async function failure(promise: Promise<unknown>): Promise<{exitCode: number; code: string; message: string; hint?: string; details?: Record<string, unknown>}> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error, 'expected a rejection').toBeDefined()
  return error as never
}

describe('resolveConnection', () => {
  beforeEach(async () => {
    await saveProfile({name: 'default', server: PROD, space: 'Ops', keyStore: 'keychain'}, PROD_KEY)
    await saveProfile({name: 'staging', server: STAGING, keyStore: 'keychain'}, STAGING_KEY)
  })

  it('uses the default profile: its server, space and keychain key', async () => {
    expect(await resolve()).toEqual({server: PROD, profile: 'default', space: 'Ops', profileSaved: true, apiKey: PROD_KEY, accessToken: undefined, source: 'keychain'})
  })

  it('switches profile with --profile, and with OCTOWORKERS_PROFILE; the flag wins', async () => {
    expect(await resolve({profileFlag: 'staging'})).toMatchObject({server: STAGING, apiKey: STAGING_KEY, profile: 'staging'})
    expect(await resolve({env: {OCTOWORKERS_PROFILE: 'staging'}})).toMatchObject({server: STAGING, apiKey: STAGING_KEY})
    expect(await resolve({profileFlag: 'default', env: {OCTOWORKERS_PROFILE: 'staging'}})).toMatchObject({server: PROD, apiKey: PROD_KEY})
  })

  it('lets OCTOPUS_API_KEY win over the stored key without opening the keychain', async () => {
    const openedBefore = keychain.opened
    const resolved = await resolve({env: {OCTOPUS_API_KEY: 'API-FROMENV123456'}})
    expect(resolved).toMatchObject({server: PROD, apiKey: 'API-FROMENV123456', source: 'env', space: 'Ops'})
    expect(keychain.opened).toBe(openedBefore)
  })

  it('uses OCTOPUS_ACCESS_TOKEN as a bearer token, but OCTOPUS_API_KEY before it', async () => {
    expect(await resolve({env: {OCTOPUS_ACCESS_TOKEN: 'jwt-token'}})).toMatchObject({accessToken: 'jwt-token', apiKey: undefined, source: 'env'})
    expect(await resolve({env: {OCTOPUS_ACCESS_TOKEN: 'jwt-token', OCTOPUS_API_KEY: 'API-FROMENV123456'}})).toMatchObject({apiKey: 'API-FROMENV123456', accessToken: undefined})
  })

  it('takes the server from --server, then OCTOPUS_URL, then the profile', async () => {
    const env = {OCTOPUS_URL: 'https://env.example.com', OCTOPUS_API_KEY: 'API-FROMENV123456'}
    expect((await resolve({env, serverFlag: 'https://flag.example.com/'})).server).toBe('https://flag.example.com')
    expect((await resolve({env})).server).toBe('https://env.example.com')
  })

  it('uses the stored key when --server names the profile\'s own server', async () => {
    expect(await resolve({serverFlag: `${PROD}/app#/`})).toMatchObject({apiKey: PROD_KEY, source: 'keychain'})
  })

  it('never sends a profile\'s key to another server, and drops its space there', async () => {
    const error = await failure(resolve({serverFlag: 'https://elsewhere.example.com'}))
    expect(error.exitCode).toBe(ExitCode.Auth)
    expect(error.message).toContain(`profile 'default' is for ${PROD}`)
    const withEnvKey = await resolve({serverFlag: 'https://elsewhere.example.com', env: {OCTOPUS_API_KEY: 'API-FROMENV123456'}})
    expect(withEnvKey).toMatchObject({space: undefined, profileSaved: false})
  })

  it('does not read a key saved for another server when config.yaml is edited to point elsewhere', async () => {
    const text = await readFile(path.join(dir, 'config.yaml'), 'utf8')
    await writeFile(path.join(dir, 'config.yaml'), text.replace(PROD, 'https://attacker.example.com'))
    const error = await failure(resolve())
    expect(error).toMatchObject({exitCode: ExitCode.Auth, code: 'not-logged-in'})
  })

  it('says "not logged in" (exit 3) with no profile and no env', async () => {
    const error = await failure(resolve({configDir: path.join(dir, 'empty')}))
    expect(error).toMatchObject({exitCode: ExitCode.Auth, code: 'not-logged-in'})
    expect(error.hint).toContain('octoworkers login')
  })

  it('names an unknown profile with exit 4 and lists the profiles', async () => {
    const error = await failure(resolve({profileFlag: 'nope'}))
    expect(error.exitCode).toBe(ExitCode.NotFound)
    expect(error.message).toContain('Profiles: default, staging')
    expect(error.details).toEqual({candidates: ['default', 'staging']})
  })

  it('rejects --server not-a-url with exit 2', async () => {
    const error = await failure(resolve({serverFlag: 'not-a-url', env: {OCTOPUS_API_KEY: 'API-FROMENV123456'}}))
    expect(error.exitCode).toBe(ExitCode.Usage)
  })

  it('reports a locked keychain (a null read that cannot be written) as unavailable, not as "not logged in"', async () => {
    keychain.locked = true
    const error = await failure(resolve())
    expect(error).toMatchObject({exitCode: ExitCode.Auth, code: 'keychain-unavailable'})
    expect(error.hint).toContain('OCTOPUS_API_KEY')
    expect(error.hint).toContain('--insecure-storage')
  })

  it('reports a missing keychain as unavailable with the two ways out', async () => {
    keychain.absent = true
    const error = await failure(resolve())
    expect(error).toMatchObject({exitCode: ExitCode.Auth, code: 'keychain-unavailable'})
    expect(error.hint).toMatch(/OCTOPUS_URL and OCTOPUS_API_KEY.*--insecure-storage/)
  })

  it('says "not logged in" when a working keychain has no key for the profile', async () => {
    keychain.entries.delete(keychainAccount('default', PROD))
    const error = await failure(resolve())
    expect(error).toMatchObject({exitCode: ExitCode.Auth, code: 'not-logged-in'})
  })

  it('reads an insecure-storage profile from its file, without the keychain, and warns on every use', async () => {
    await saveProfile({name: 'ci', server: STAGING, keyStore: 'file'}, 'API-FILEKEY12345678')
    keychain.absent = true
    for (let i = 0; i < 2; i++) {
      expect(await resolve({profileFlag: 'ci'})).toMatchObject({apiKey: 'API-FILEKEY12345678', source: 'file'})
    }
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toContain(path.join(dir, 'insecure-credentials', 'ci.json'))
    const file = await stat(path.join(dir, 'insecure-credentials', 'ci.json'))
    expect(file.mode & 0o777).toBe(0o600)
  })

  it('fails on a corrupt config.yaml with exit 2 even when env vars are set', async () => {
    await mkdir(dir, {recursive: true})
    await writeFile(path.join(dir, 'config.yaml'), 'profiles: [\n')
    const error = await failure(resolve({env: {OCTOPUS_URL: PROD, OCTOPUS_API_KEY: 'API-FROMENV123456'}}))
    expect(error.exitCode).toBe(ExitCode.Usage)
  })
})
