/** `auth status`: every saved profile, the one in use, and where each one's credential comes from (never the credential). */
import {CliError, notFoundError} from '../../text/errors.js'
import {normalizeServerUrl} from '../../octopus/server-url.js'
import type {CredentialSource} from '../../config/connection.js'
import {readApiKey} from '../../config/key-storage.js'
import {keychainAccount, openSystemKeychain, type KeychainFactory} from '../../config/keychain.js'
import {configDir, insecureKeyPath, selectedProfile} from '../../config/paths.js'
import {ProfileStore, type KeyStoreKind} from '../../config/profiles.js'
import {oidcStatus, type OidcStatus} from './whoami.js'

/** What is known of a saved key without sending it anywhere. */
export type SavedKeyState = 'present' | 'missing' | 'keychain-unavailable' | 'refused' | 'none' | 'expired'

export interface ProfileStatus {
  /** The saved profile, or null for a connection made of OCTOPUS_URL and an env credential alone. */
  Profile: string | null
  Server: string
  Space: string | null
  /** Whether a command run now (same flags and environment) would use this entry. */
  InUse: boolean
  /** Where the credential comes from when this entry is used: an env credential wins over a saved key. */
  CredentialSource: CredentialSource
  /** OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN for env; the keychain account or the key file's path otherwise. */
  CredentialLocation: string
  /** Where the profile keeps its own key (null for the env-only entry). */
  SavedKeyStore: KeyStoreKind | null
  SavedKey: SavedKeyState
  /** Why a saved key cannot be used, when it cannot. */
  Problem: string | null
  /** An OIDC access token (saved by login, or exchanged by each run in CI): its service account and expiry. */
  Oidc?: OidcStatus | {ServiceAccountId: string; IdTokenFrom: string}
}

export interface AuthStatusResult {
  ConfigFile: string
  Profiles: ProfileStatus[]
  /** The entry in use has a credential: commands can authenticate (the server still has to accept it). */
  LoggedIn: boolean
}

export interface AuthStatusRequest {
  serverFlag?: string
  profileFlag?: string
  env: NodeJS.ProcessEnv
  configDir?: string
  keychain?: KeychainFactory
  /** The run's clock, ms since the epoch. */
  now?: number
}

/**
 * Reads config.yaml and each profile's key store, and applies the rules `resolveConnection`
 * applies (server: --server, OCTOPUS_URL, the profile's; credential: env first, then the
 * profile's key, only for the server it was saved for) to say which entry is in use. Sends
 * nothing: `whoami` is the check against the server.
 */
export async function authStatus(req: AuthStatusRequest): Promise<AuthStatusResult> {
  const dir = req.configDir ?? configDir(req.env)
  const store = await ProfileStore.load(dir)
  const {name: selected, explicit} = selectedProfile(req.profileFlag, req.env, store.defaultProfile())
  if (explicit && !store.get(selected)) {
    const names = store.names()
    throw notFoundError(`Profile '${selected}' not found. Profiles: ${names.join(', ') || '(none)'}.`, {
      hint: `Run \`octoworkers login --profile ${selected}\` to create it.`,
      details: {candidates: names},
    })
  }
  const serverInput = req.serverFlag ?? (req.env.OCTOPUS_URL || undefined)
  const server = serverInput === undefined ? store.get(selected)?.server : normalizeServerUrl(serverInput)
  const serviceAccountId = req.env.OCTOPUS_SERVICE_ACCOUNT_ID?.trim()
  const envCredential = req.env.OCTOPUS_API_KEY ? 'OCTOPUS_API_KEY' : req.env.OCTOPUS_ACCESS_TOKEN ? 'OCTOPUS_ACCESS_TOKEN' : serviceAccountId ? 'OCTOPUS_SERVICE_ACCOUNT_ID' : undefined
  const envSource = envCredential === 'OCTOPUS_SERVICE_ACCOUNT_ID' ? 'oidc' : 'env'
  const now = req.now ?? Date.now()
  const storage = {configDir: dir, keychain: req.keychain ?? openSystemKeychain}

  const profiles: ProfileStatus[] = []
  for (const name of store.names()) {
    const profile = store.get(name)!
    const expiresAt = profile.oidc ? Date.parse(profile.oidc.expiresAt) : undefined
    const expired = expiresAt !== undefined && !(now < expiresAt)
    const saved = expired
      ? {state: 'expired' as const, problem: `The OIDC access token expired at ${profile.oidc!.expiresAt}; log in again with a fresh ID token.`}
      : await savedKeyState(() => readApiKey(storage, profile))
    const location = profile.keyStore === 'file' ? insecureKeyPath(dir, name) : `keychain account "${keychainAccount(name, profile.server)}"`
    profiles.push({
      Profile: name,
      Server: profile.server,
      Space: profile.space ?? null,
      InUse: name === selected && profile.server === server,
      CredentialSource: envCredential ? envSource : profile.keyStore,
      CredentialLocation: envCredential ?? location,
      SavedKeyStore: profile.keyStore,
      SavedKey: saved.state,
      Problem: saved.problem,
      ...(envCredential ? ciOidc(serviceAccountId, envSource) : profile.oidc ? {Oidc: oidcStatus({serviceAccountId: profile.oidc.serviceAccountId, expiresAt: expiresAt!, idTokenFrom: 'login'}, now)} : {}),
    })
  }
  if (server && envCredential && !profiles.some((p) => p.InUse)) {
    profiles.unshift({Profile: null, Server: server, Space: null, InUse: true, CredentialSource: envSource, CredentialLocation: envCredential, SavedKeyStore: null, SavedKey: 'none', Problem: null, ...ciOidc(serviceAccountId, envSource)})
  }
  const inUse = profiles.find((p) => p.InUse)
  return {ConfigFile: store.file, Profiles: profiles, LoggedIn: inUse !== undefined && (inUse.CredentialSource === 'env' || inUse.CredentialSource === 'oidc' || inUse.SavedKey === 'present')}
}

/** The exchange each run makes in CI: nothing is sent here, so only where its ID token will come from. */
function ciOidc(serviceAccountId: string | undefined, source: string): {Oidc?: {ServiceAccountId: string; IdTokenFrom: string}} {
  if (source !== 'oidc' || !serviceAccountId) return {}
  return {Oidc: {ServiceAccountId: serviceAccountId, IdTokenFrom: 'each run: the GitHub Actions ID token, else OCTOPUS_ID_TOKEN'}}
}

/** Whether the saved key can be read; the key itself is dropped here and goes no further. */
async function savedKeyState(read: () => Promise<unknown>): Promise<{state: SavedKeyState; problem: string | null}> {
  try {
    await read()
    return {state: 'present', problem: null}
  } catch (error) {
    if (!(error instanceof CliError)) throw error
    const state: SavedKeyState = error.code === 'keychain-unavailable' ? 'keychain-unavailable' : error.code === 'insecure-key-file' ? 'refused' : 'missing'
    return {state, problem: error.message}
  }
}
