import {readFile, stat} from 'node:fs/promises'
import {tempDir} from '../../helpers/temp.js'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {ExitCode} from '../../../src/text/errors.js'
import {keychainAccount} from '../../../src/config/keychain.js'
import {cleanApiKey, readApiKey, removeApiKey, saveApiKey, type KeyStorage} from '../../../src/config/key-storage.js'
import {logout} from '../../../src/app/auth/login.js'
import {warnIfPlainHttp} from '../../../src/octopus/plain-http.js'
import {ProfileStore, type Profile} from '../../../src/config/profiles.js'
import {FakeKeychain} from './fake-keychain.js'

const SERVER = 'https://octopus.example.com'
const KEY = 'API-KEY1234567890ABC'

let dir: string
let keychain: FakeKeychain
let storage: KeyStorage

beforeEach(async () => {
  dir = path.join(tempDir('ow-keys'), 'octoworkers')
  keychain = new FakeKeychain()
  storage = {configDir: dir, keychain: keychain.factory}
})

describe('key storage', () => {
  it('stores a keychain key under service octoworkers, account profile@server', async () => {
    const where = await saveApiKey(storage, 'default', SERVER, KEY, 'keychain')
    expect(keychain.entries.get(`default@${SERVER}`)).toBe(KEY)
    expect(keychainAccount('default', SERVER)).toBe(`default@${SERVER}`)
    expect(where).not.toContain(KEY)
  })

  it('stores an insecure key in a 0600 file in a 0700 dir, and removes it', async () => {
    const file = await saveApiKey(storage, 'ci', SERVER, KEY, 'file')
    expect(file).toBe(path.join(dir, 'insecure-credentials', 'ci.json'))
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({Server: SERVER, ApiKey: KEY})
    const profile: Profile = {name: 'ci', server: SERVER, keyStore: 'file'}
    expect(await readApiKey(storage, profile)).toEqual({apiKey: KEY, source: 'file', file})
    expect(await removeApiKey(storage, profile)).toEqual({keychain: false, file: true})
    await expect(readApiKey(storage, profile)).rejects.toMatchObject({exitCode: ExitCode.Auth, code: 'not-logged-in'})
  })

  it('does not hand out an insecure key saved for another server', async () => {
    await saveApiKey(storage, 'ci', 'https://other.example.com', KEY, 'file')
    await expect(readApiKey(storage, {name: 'ci', server: SERVER, keyStore: 'file'})).rejects.toMatchObject({code: 'not-logged-in'})
  })
})

describe('logout', () => {
  async function loggedIn(profile: Profile): Promise<void> {
    const store = await ProfileStore.load(dir)
    store.set(profile)
    await store.save()
    await saveApiKey(storage, profile.name, profile.server, KEY, profile.keyStore)
  }

  it('removes the key and the profile, and is idempotent', async () => {
    await loggedIn({name: 'default', server: SERVER, keyStore: 'keychain'})
    const first = await logout({profile: 'default', env: {}, configDir: dir, keychain: keychain.factory})
    expect(first).toMatchObject({removedProfile: {server: SERVER}, removedKeys: {keychain: true, file: false}})
    expect(keychain.entries.size).toBe(0)
    expect((await ProfileStore.load(dir)).names()).toEqual([])
    const second = await logout({profile: 'default', env: {}, configDir: dir, keychain: keychain.factory})
    expect(second.removedProfile).toBeUndefined()
    expect(second.removedKeys).toEqual({keychain: false, file: false})
  })

  it('keeps the profile when a locked keychain cannot delete its key', async () => {
    await loggedIn({name: 'default', server: SERVER, keyStore: 'keychain'})
    keychain.locked = true
    await expect(logout({profile: 'default', env: {}, configDir: dir, keychain: keychain.factory})).rejects.toMatchObject({
      exitCode: ExitCode.Auth,
      code: 'keychain-unavailable',
      hint: expect.stringContaining('logout again'),
    })
    expect((await ProfileStore.load(dir)).names()).toEqual(['default'])
  })

  it('logs out of an insecure-storage profile without needing a keychain', async () => {
    await loggedIn({name: 'ci', server: SERVER, keyStore: 'file'})
    keychain.absent = true
    const result = await logout({profile: 'ci', env: {}, configDir: dir, keychain: keychain.factory})
    expect(result.removedKeys).toEqual({keychain: false, file: true})
  })
})

describe('cleanApiKey', () => {
  it('trims, and rejects empty or multi-part input with exit 2', () => {
    expect(cleanApiKey(`  ${KEY}\n`, 'stdin')).toBe(KEY)
    for (const bad of ['', '  \n', 'API-A API-B', 'API-A\nAPI-B']) {
      expect(() => cleanApiKey(bad, 'stdin')).toThrow(expect.objectContaining({exitCode: ExitCode.Usage}))
    }
  })
})

describe('warnIfPlainHttp', () => {
  it('warns for http:// to another host, not for https:// or loopback', () => {
    const warnings: string[] = []
    for (const server of ['http://octopus.internal:8080', 'https://octopus.example.com', 'http://127.0.0.1:8065', 'http://localhost', 'http://[::1]:80']) {
      warnIfPlainHttp(server, (m) => warnings.push(m))
    }
    expect(warnings).toEqual([expect.stringContaining('plain http:// to octopus.internal:8080')])
  })
})
