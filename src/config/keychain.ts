import {CliError, ExitCode} from '../text/errors.js'

/** Keychain entries are (service, account); one entry per profile and server. */
export const KEYCHAIN_SERVICE = 'octoworkers'

/**
 * The account names both the profile and its server, so a key is only ever read back for the
 * server it was checked against: pointing a profile at another URL by editing config.yaml does
 * not send the key there.
 */
export function keychainAccount(profile: string, server: string): string {
  return `${profile}@${server}`
}

/** The OS keychain, reduced to what octoworkers needs. Every failure is a KeychainUnavailableError. */
export interface Keychain {
  /** The stored secret, or null. Null is NOT proof of absence: some locked keychains hide their items. */
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  /** Returns whether an entry was deleted. */
  delete(account: string): Promise<boolean>
  /** Writes and deletes a probe entry, which only works on a reachable, unlocked keychain (a desktop may show its unlock prompt). */
  checkWritable(): Promise<void>
}

export type KeychainFactory = () => Promise<Keychain>

const PROBE_ACCOUNT = '.write-check'

const WAYS_OUT = 'Unlock the keychain, or set OCTOPUS_URL and OCTOPUS_API_KEY in the environment, or run `octoworkers login --insecure-storage` to keep the key in a 0600 file instead.'

/** No keychain, a locked one, or one that refused the operation: exit 3, with the ways out. */
export class KeychainUnavailableError extends CliError {
  constructor(readonly reason: string, hint: string = WAYS_OUT) {
    super(`The OS keychain is locked or not available (${reason}).`, ExitCode.Auth, {code: 'keychain-unavailable', hint})
    this.name = 'KeychainUnavailableError'
  }
}

/** The Secret Service on Linux (never the kernel keyring, which loses keys at logout), the native store elsewhere. */
export const openSystemKeychain: KeychainFactory = async () => {
  let keyring: typeof import('@napi-rs/keyring')
  try {
    keyring = await import('@napi-rs/keyring')
  } catch (error) {
    throw new KeychainUnavailableError(`cannot load @napi-rs/keyring: ${reasonOf(error)}`)
  }
  const entry = (account: string) => {
    try {
      return new keyring.AsyncEntry(KEYCHAIN_SERVICE, account, {linux: {store: 'secret-service'}})
    } catch (error) {
      throw new KeychainUnavailableError(reasonOf(error))
    }
  }
  // Constructing an entry connects to the Secret Service: this is where "no keychain at all" shows.
  entry(PROBE_ACCOUNT)
  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation()
    } catch (error) {
      if (error instanceof KeychainUnavailableError) throw error
      throw new KeychainUnavailableError(reasonOf(error))
    }
  }
  return {
    get: (account) => guard(async () => {
      // getSecret, unlike getPassword, rejects when the store cannot be read instead of resolving null.
      const bytes = await entry(account).getSecret()
      return bytes === null ? null : Buffer.from(bytes).toString('utf8')
    }),
    set: (account, secret) => guard(() => entry(account).setPassword(secret)),
    delete: (account) => guard(() => entry(account).deleteCredential()),
    checkWritable: () => guard(async () => {
      const probe = entry(PROBE_ACCOUNT)
      await probe.setPassword('probe')
      await probe.deleteCredential()
    }),
  }
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/^Platform failure:\s*/, '').replace(/[.\s]+$/, '') || 'unknown error'
}
