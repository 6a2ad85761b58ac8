import {afterEach, describe, expect, it} from 'vitest'
import {openSystemKeychain} from '../../../src/config/keychain.js'

const hasSecretService = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)
const account = `unit-test-${process.pid}@https://octopus.example.com`

describe.skipIf(!hasSecretService)('OS keychain (real Secret Service)', () => {
  afterEach(async () => {
    await (await openSystemKeychain()).delete(account)
  })

  it('stores, reads and deletes a key', async () => {
    const keychain = await openSystemKeychain()
    await keychain.checkWritable()
    expect(await keychain.get(account)).toBeNull()
    await keychain.set(account, 'API-UNITTEST12345678')
    expect(await (await openSystemKeychain()).get(account)).toBe('API-UNITTEST12345678')
    expect(await keychain.delete(account)).toBe(true)
    expect(await keychain.delete(account)).toBe(false)
    expect(await keychain.get(account)).toBeNull()
  })
})
