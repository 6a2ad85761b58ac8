import {unlink} from 'node:fs/promises'
import {authError, usageError} from '../text/errors.js'
import {keychainAccount, type KeychainFactory} from './keychain.js'
import {insecureKeyPath} from './paths.js'
import {checkPrivateFile, reasonAboutIt, writePrivateFileAtomic, type PrivateFileProblem} from './private-file.js'
import type {KeyStoreKind, Profile} from './profiles.js'

/** Trims a key typed or piped in; empty or multi-line input is exit 2 (a header cannot carry it). */
export function cleanApiKey(input: string, from: string): string {
  const key = input.trim()
  if (!key) throw usageError(`No API key on ${from}.`, {hint: 'Pipe the key in, e.g. `printenv OCTOPUS_API_KEY | octoworkers login --server URL --api-key-stdin`.'})
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(key)) throw usageError(`The API key on ${from} must be one line without spaces.`)
  return key
}

/** Trims an ID token piped in or given; empty or not one line is exit 2. */
export function cleanIdToken(input: string, from: string): string {
  const token = input.trim()
  if (!token) throw usageError(`No ID token on ${from}.`, {hint: 'Pipe the CI job\'s ID token in, e.g. `printenv ID_TOKEN | octoworkers login --server URL --service-account-id ID --id-token-stdin`.'})
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(token)) throw usageError(`The ID token on ${from} must be one line without spaces.`)
  return token
}

/** Where keys are kept: the config dir (for insecure files) and the keychain to open on demand. */
export interface KeyStorage {
  configDir: string
  keychain: KeychainFactory
}

export interface StoredKey {
  apiKey: string
  source: KeyStoreKind
  /** The insecure file's path, when source is 'file'. */
  file?: string
}

/** An API key, or (after an OIDC login) an access token: the file names which it holds. */
interface InsecureKeyFile {
  Server: string
  ApiKey?: string
  AccessToken?: string
}

/** What a profile's saved secret is: an API key, or an access token from an OIDC login. */
export type SecretKind = 'ApiKey' | 'AccessToken'

/** Saves a profile's key (or access token); returns a human description of where it went. */
export async function saveApiKey(storage: KeyStorage, profile: string, server: string, apiKey: string, kind: KeyStoreKind, secretKind: SecretKind = 'ApiKey'): Promise<string> {
  if (kind === 'file') {
    const file = insecureKeyPath(storage.configDir, profile)
    const content: InsecureKeyFile = {Server: server, [secretKind]: apiKey}
    await writePrivateFileAtomic(file, JSON.stringify(content, null, 2) + '\n')
    return file
  }
  const keychain = await storage.keychain()
  await keychain.set(keychainAccount(profile, server), apiKey)
  return `the OS keychain (service "octoworkers", account "${keychainAccount(profile, server)}")`
}

/**
 * Reads the key a saved profile points to. A keychain that answers "nothing" is checked before
 * that answer is believed, because a locked keychain can hide its items: only a keychain that
 * accepts a write and still has no key means "not logged in".
 */
export async function readApiKey(storage: KeyStorage, profile: Profile): Promise<StoredKey> {
  if (profile.keyStore === 'file') {
    const file = insecureKeyPath(storage.configDir, profile.name)
    const saved = await readInsecureKeyFile(file)
    const secret = profile.oidc ? saved?.AccessToken : saved?.ApiKey
    if (!saved || saved.Server !== profile.server || !secret) throw keyMissing(profile, `no key file ${file} for ${profile.server}`)
    return {apiKey: secret, source: 'file', file}
  }
  const keychain = await storage.keychain()
  const account = keychainAccount(profile.name, profile.server)
  let apiKey = await keychain.get(account)
  if (apiKey === null) {
    await keychain.checkWritable()
    // The probe may have made the user unlock the keychain, which reveals the key.
    apiKey = await keychain.get(account)
  }
  if (apiKey === null) throw keyMissing(profile, `the keychain has no key for account "${account}"`)
  return {apiKey, source: 'keychain'}
}

export interface RemovedKeys {
  keychain: boolean
  file: boolean
}

/** Removes a profile's key from wherever it is recorded to be, and any insecure file it left behind. */
export async function removeApiKey(storage: KeyStorage, profile: Profile): Promise<RemovedKeys> {
  const removed: RemovedKeys = {keychain: false, file: false}
  if (profile.keyStore === 'keychain') {
    const keychain = await storage.keychain()
    removed.keychain = await keychain.delete(keychainAccount(profile.name, profile.server))
  }
  removed.file = await removeInsecureKeyFile(storage.configDir, profile.name)
  return removed
}

export async function removeInsecureKeyFile(configDir: string, profile: string): Promise<boolean> {
  try {
    await unlink(insecureKeyPath(configDir, profile))
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

/** No key file of ours comes near this: a bigger one is refused rather than read. */
const MAX_KEY_FILE_BYTES = 64 * 1024

/**
 * Reads an insecure key file, refusing it (exit 3) when other users could read or change it, as
 * ssh refuses a private key with mode 0644: a key that others could have read is not used
 * silently. It must be a regular file of this user's (not a link, not a FIFO that would hang the
 * read), checked on the descriptor it is read through (src/config/private-file.ts).
 */
async function readInsecureKeyFile(file: string): Promise<InsecureKeyFile | null> {
  const read = checkPrivateFile(file, {maxBytes: MAX_KEY_FILE_BYTES, secret: true})
  if (read.status === 'missing') return null
  if (read.status === 'untrusted') throw refusedKeyFile(file, read.reason, read.problem)
  try {
    const parsed = JSON.parse(read.data.toString('utf8')) as Partial<InsecureKeyFile>
    if (typeof parsed.Server !== 'string') return null
    const secret = (value: unknown) => (typeof value === 'string' && value ? value : undefined)
    return {Server: parsed.Server, ApiKey: secret(parsed.ApiKey), AccessToken: secret(parsed.AccessToken)}
  } catch {
    return null
  }
}

function refusedKeyFile(file: string, reason: string, problem: PrivateFileProblem) {
  const again = `Remove the file and run \`octoworkers login --insecure-storage\` again.`
  if (problem.kind === 'mode') {
    const mode = problem.mode.toString(8).padStart(4, '0')
    const who = problem.othersCanRead ? 'other users can read it' : 'other users can change it'
    return authError(`Refusing to use the API key in ${file}: its mode is ${mode}, so ${who}.`, {
      code: 'insecure-key-file',
      hint: `Run \`chmod 600 ${file}\`; if others could have read it, also revoke the key in Octopus and log in again.`,
    })
  }
  if (problem.kind === 'owner') {
    return authError(`Refusing to use the API key in ${file}: it belongs to user ID ${problem.uid}, not to you (${problem.myUid}).`, {code: 'insecure-key-file', hint: again})
  }
  return authError(`Refusing to use the API key in ${file}: ${reasonAboutIt(file, reason)}.`, {code: 'insecure-key-file', hint: again})
}

function keyMissing(profile: Profile, why: string) {
  if (profile.oidc) {
    return authError(`Not logged in: profile '${profile.name}' has no saved access token (${why}).`, {
      code: 'not-logged-in',
      hint: `Log in again with a fresh ID token: \`octoworkers login --profile ${profile.name} --service-account-id ${profile.oidc.serviceAccountId} --id-token-stdin\`.`,
    })
  }
  return authError(`Not logged in: profile '${profile.name}' has no saved API key (${why}).`, {
    code: 'not-logged-in',
    hint: `Run \`octoworkers login --profile ${profile.name}\` again, or set OCTOPUS_API_KEY.`,
  })
}
