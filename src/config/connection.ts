import {authError, notFoundError} from '../text/errors.js'
import {formatDuration} from '../text/duration.js'
import {isLoopbackHost, normalizeServerUrl} from '../octopus/server-url.js'
import {OctopusClient, type ClientOptions} from '../octopus/client.js'
import {exchangeCiIdToken, type IdTokenSource} from './ci-oidc.js'
import {readApiKey, removeApiKey} from './key-storage.js'
import {openSystemKeychain, type KeychainFactory} from './keychain.js'
import {configDir, DEFAULT_PROFILE, displayPath, selectedProfile} from './paths.js'
import {ProfileStore, type Profile} from './profiles.js'

/** 'oidc': an access token this run exchanged for the CI job's ID token (OCTOPUS_SERVICE_ACCOUNT_ID), kept in memory only. */
export type CredentialSource = 'env' | 'keychain' | 'file' | 'oidc'

/** An access token from an OIDC exchange: the service account it is for, and when it expires. */
export interface OidcCredential {
  serviceAccountId: string
  /** Milliseconds since the epoch. */
  expiresAt: number
  /** `login` (saved by `login --service-account-id`), or where this run's exchange got the ID token. */
  idTokenFrom: IdTokenSource
  /**
   * Exchanges again, for a run that outlives the token: a fresh ID token from GitHub Actions, or
   * OCTOPUS_ID_TOKEN's again (which works while that ID token lasts). Not for a saved token, whose
   * ID token was not kept.
   */
  renew?: () => Promise<{accessToken: string; expiresAt: number}>
}

/** Where to connect and with what; the credential itself never leaves this object except as a header. */
export interface ResolvedConnection {
  server: string
  apiKey?: string
  accessToken?: string
  source: CredentialSource
  /** The environment variable the credential came from, when source is 'env'. */
  envVar?: 'OCTOPUS_API_KEY' | 'OCTOPUS_ACCESS_TOKEN'
  /** The insecure key file, when source is 'file'. */
  keyFile?: string
  /** The profile used for server/space defaults and stored credentials. */
  profile: string
  /** The profile's default space, if any. */
  space?: string
  /** Whether a saved profile supplied the server, space or key (false when everything came from flags and env). */
  profileSaved?: boolean
  /** Set when the credential is an access token from an OIDC exchange. */
  oidc?: OidcCredential
}

export interface ResolveOptions {
  serverFlag?: string
  profileFlag?: string
  env: NodeJS.ProcessEnv
  warn: (message: string) => void
  /** Defaults to `$XDG_CONFIG_HOME/octoworkers`. */
  configDir?: string
  /** Defaults to the OS keychain; tests pass a fake or the real one. */
  keychain?: KeychainFactory
  /** The run's clock (ms since the epoch): a saved access token's expiry is judged by it. */
  now?: () => number
  /** How the OIDC exchange in CI talks to the server and to the CI's ID-token endpoint. */
  http?: {createClient?: (options: ClientOptions) => OctopusClient; client: Omit<ClientOptions, 'server' | 'apiKey' | 'accessToken'>}
}

/**
 * Resolution order (docs/ARCHITECTURE.md §3):
 * - server: --server, then OCTOPUS_URL, then the profile's server;
 * - credential: OCTOPUS_API_KEY / OCTOPUS_ACCESS_TOKEN, then the profile's key where the profile
 *   says it is (the OS keychain, or the insecure file chosen at login, with a warning every time).
 * A saved key is only used for the server it was saved for; the profile's space only with it too.
 */
export async function resolveConnection(opts: ResolveOptions): Promise<ResolvedConnection> {
  const dir = opts.configDir ?? configDir(opts.env)
  const store = await ProfileStore.load(dir)
  const {name, explicit} = selectedProfile(opts.profileFlag, opts.env, store.defaultProfile())
  const saved = store.get(name)
  if (!saved && explicit) {
    const names = store.names()
    throw notFoundError(`Profile '${name}' not found. Profiles: ${names.join(', ') || '(none)'}.`, {
      hint: `Run \`octoworkers login --profile ${name}\` to create it.`,
      details: {candidates: names},
    })
  }

  const serverInput = opts.serverFlag ?? (opts.env.OCTOPUS_URL || undefined)
  const server = serverInput === undefined ? saved?.server : normalizeServerUrl(serverInput)
  if (!server) throw noServer(name, store.names())
  const profile: Profile | undefined = saved && saved.server === server ? saved : undefined
  const base = {server, profile: name, space: profile?.space, profileSaved: profile !== undefined}

  const apiKey = opts.env.OCTOPUS_API_KEY || undefined
  const accessToken = apiKey ? undefined : opts.env.OCTOPUS_ACCESS_TOKEN || undefined
  if (apiKey || accessToken) return {...base, apiKey, accessToken, source: 'env', envVar: apiKey ? 'OCTOPUS_API_KEY' : 'OCTOPUS_ACCESS_TOKEN'}

  const now = opts.now ?? (() => Date.now())
  const serviceAccountId = opts.env.OCTOPUS_SERVICE_ACCOUNT_ID?.trim()
  if (serviceAccountId) {
    const exchange = () => exchangeCiIdToken({
      server,
      serviceAccountId,
      env: opts.env,
      now: now(),
      createClient: opts.http?.createClient ?? ((options) => new OctopusClient(options)),
      client: opts.http?.client ?? {},
    })
    const exchanged = await exchange()
    return {...base, accessToken: exchanged.accessToken, source: 'oidc', oidc: {serviceAccountId, expiresAt: exchanged.expiresAt, idTokenFrom: exchanged.idTokenFrom, renew: exchange}}
  }

  if (!profile) throw notLoggedIn(name, server, saved)
  const storage = {configDir: dir, keychain: opts.keychain ?? openSystemKeychain}
  if (profile.oidc) {
    const expiresAt = Date.parse(profile.oidc.expiresAt)
    if (!(now() < expiresAt)) {
      // Kept only for its lifetime: an expired token is of no use to anyone, so it goes now.
      await removeApiKey(storage, profile).catch(() => undefined)
      throw accessTokenExpired(profile, expiresAt, now())
    }
  }
  const stored = await readApiKey(storage, profile)
  if (stored.source === 'file') {
    // One short line (it is printed on every run): README says why a plain file is a risk.
    opts.warn(`${profile.oidc ? 'Access token' : 'API key'} read from plain file ${displayPath(stored.file!, opts.env)}`)
  }
  if (profile.oidc) {
    return {...base, accessToken: stored.apiKey, source: stored.source, keyFile: stored.file, oidc: {serviceAccountId: profile.oidc.serviceAccountId, expiresAt: Date.parse(profile.oidc.expiresAt), idTokenFrom: 'login'}}
  }
  return {...base, apiKey: stored.apiKey, source: stored.source, keyFile: stored.file}
}

/** How to log in again with OIDC: a fresh ID token, or the exchange each CI run makes for itself. */
export function oidcLoginAgain(profile: string, serviceAccountId: string): string {
  const profileFlag = profile === DEFAULT_PROFILE ? '' : ` --profile ${profile}`
  return `Log in again with a fresh ID token: \`octoworkers login${profileFlag} --service-account-id ${serviceAccountId} --id-token-stdin\`; in CI, set OCTOPUS_SERVICE_ACCOUNT_ID instead and each run exchanges its own.`
}

function accessTokenExpired(profile: Profile, expiresAt: number, now: number) {
  const when = Number.isNaN(expiresAt) ? 'has expired' : `expired at ${new Date(expiresAt).toISOString()} (${formatDuration(now - expiresAt)} ago)`
  return authError(`The OIDC access token of profile '${profile.name}' ${when}.`, {
    code: 'access-token-expired',
    hint: oidcLoginAgain(profile.name, profile.oidc!.serviceAccountId),
  })
}

/**
 * The way out of a rejected credential (401), for where it came from: the environment always
 * wins over a saved key, so "log in again" is no help while OCTOPUS_API_KEY is set, and a saved
 * key is replaced by logging in to its profile again, into the store it was saved in.
 */
export function rejectedCredentialHint(connection: Pick<ResolvedConnection, 'source' | 'envVar' | 'keyFile' | 'profile' | 'profileSaved' | 'oidc'>): string {
  const profileFlag = connection.profile === DEFAULT_PROFILE ? '' : ` --profile ${connection.profile}`
  if (connection.source === 'oidc') {
    return 'The rejected token is the one this run exchanged for the CI job\'s ID token (OCTOPUS_SERVICE_ACCOUNT_ID): check the service account\'s permissions and that it is not disabled.'
  }
  if (connection.oidc) return `The rejected token is the OIDC access token saved for profile '${connection.profile}': it may have been revoked. ${oidcLoginAgain(connection.profile, connection.oidc.serviceAccountId)}`
  if (connection.source === 'env') {
    const variable = connection.envVar ?? 'OCTOPUS_API_KEY'
    const what = variable === 'OCTOPUS_API_KEY' ? 'key' : 'token'
    const fallback = connection.profileSaved ? `unset it to use the key saved in profile '${connection.profile}'` : `unset it and run \`octoworkers login${profileFlag}\` to save a key`
    return `The rejected ${what} came from ${variable} in the environment, which takes precedence over any saved key: set a valid ${what} in ${variable}, or ${fallback}.`
  }
  if (connection.source === 'file') {
    return `The rejected key is the one saved for profile '${connection.profile}' in ${connection.keyFile ?? 'its key file'}: it may be wrong, expired or revoked; run \`octoworkers login${profileFlag} --insecure-storage\` with a valid key.`
  }
  return `The rejected key is the one saved for profile '${connection.profile}' in the OS keychain: it may be wrong, expired or revoked; run \`octoworkers login${profileFlag}\` with a valid key, or set OCTOPUS_API_KEY.`
}

/**
 * The way out when nothing listens at a loopback server: most likely a sandbox that was stopped,
 * or started again on another port (a new data file, or its last port taken). Undefined for a
 * server elsewhere, where the client's own hint (is it running, is the port right) stands.
 */
export function refusedLoopbackHint(connection: Pick<ResolvedConnection, 'server' | 'profile' | 'profileSaved'>): string | undefined {
  let hostname: string
  try {
    hostname = new URL(connection.server).hostname
  } catch {
    return undefined
  }
  if (!isLoopbackHost(hostname)) return undefined
  const profileFlag = connection.profile === DEFAULT_PROFILE ? '' : ` --profile ${connection.profile}`
  const again = connection.profileSaved
    ? `log in to the URL it prints again: \`octoworkers login --server URL${profileFlag}\``
    : 'set OCTOPUS_URL (or --server) to the URL it prints'
  return `If this was an octoworkers sandbox, it is stopped or serving on another port: start it (\`octoworkers sandbox start\`) and ${again}.`
}

/** The profile a command uses: --profile, OCTOWORKERS_PROFILE, the one `auth switch` saved, else "default". */
export async function profileInUse(opts: {profileFlag?: string; env: NodeJS.ProcessEnv; configDir?: string}): Promise<string> {
  const store = await ProfileStore.load(opts.configDir ?? configDir(opts.env))
  return selectedProfile(opts.profileFlag, opts.env, store.defaultProfile()).name
}

/** No server anywhere: after a logout, say which other profiles are still there to use. */
function noServer(name: string, others: string[]) {
  if (others.length === 0) {
    return authError('Not logged in: no Octopus server given.', {code: 'not-logged-in', hint: 'Run `octoworkers login`, or set OCTOPUS_URL and OCTOPUS_API_KEY.'})
  }
  return authError(`Not logged in: profile '${name}' is not saved; other profiles: ${others.join(', ')}.`, {
    code: 'not-logged-in',
    hint: `Use one with --profile ${others[0]} (or OCTOWORKERS_PROFILE), or run \`octoworkers login\`; \`octoworkers auth status\` shows every profile.`,
    details: {profiles: others},
  })
}

function notLoggedIn(name: string, server: string, saved: Profile | undefined) {
  if (saved) {
    return authError(`Not logged in to ${server}: profile '${name}' is for ${saved.server}, and its key is only sent there.`, {
      code: 'not-logged-in',
      hint: `Run \`octoworkers login --server ${server} --profile <name>\`, or set OCTOPUS_API_KEY.`,
    })
  }
  return authError(`Not logged in to ${server}.`, {
    code: 'not-logged-in',
    hint: `Run \`octoworkers login --server ${server}\`, or set OCTOPUS_API_KEY (or OCTOPUS_ACCESS_TOKEN).`,
  })
}
