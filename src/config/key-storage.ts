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

interface InsecureKeyFile {
  Server: string
  ApiKey: string
}

/** Saves a profile's key; returns a human description of where it went. */
export async function saveApiKey(storage: KeyStorage, profile: string, server: string, apiKey: string, kind: KeyStoreKind): Promise<string> {
  if (kind === 'file') {
    const file = insecureKeyPath(storage.configDir, profile)
    const content: InsecureKeyFile = {Server: server, ApiKey: apiKey}
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
    if (!saved || saved.Server !== profile.server) throw keyMissing(profile, `no key file ${file} for ${profile.server}`)
    return {apiKey: saved.ApiKey, source: 'file', file}
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
    return typeof parsed.Server === 'string' && typeof parsed.ApiKey === 'string' && parsed.ApiKey ? {Server: parsed.Server, ApiKey: parsed.ApiKey} : null
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
  return authError(`Not logged in: profile '${profile.name}' has no saved API key (${why}).`, {
    code: 'not-logged-in',
    hint: `Run \`octoworkers login --profile ${profile.name}\` again, or set OCTOPUS_API_KEY.`,
  })
}
