import {KeychainUnavailableError, type Keychain, type KeychainFactory} from '../../../src/config/keychain.js'

/**
 * An in-memory keychain. `locked` behaves like a Secret Service whose locked collection hides its
 * items: reads answer null, writes fail. `absent` fails to open at all (no D-Bus).
 */
export class FakeKeychain implements Keychain {
  readonly entries = new Map<string, string>()
  locked = false
  absent = false
  opened = 0

  factory: KeychainFactory = async () => {
    this.opened++
    if (this.absent) throw new KeychainUnavailableError('no D-Bus session')
    return this
  }

  async get(account: string): Promise<string | null> {
    if (this.locked) return null
    return this.entries.get(account) ?? null
  }

  async set(account: string, secret: string): Promise<void> {
    this.failIfLocked()
    this.entries.set(account, secret)
  }

  async delete(account: string): Promise<boolean> {
    this.failIfLocked()
    return this.entries.delete(account)
  }

  async checkWritable(): Promise<void> {
    this.failIfLocked()
  }

  private failIfLocked(): void {
    if (this.locked) throw new KeychainUnavailableError('unlock prompt was dismissed')
  }
}
