import {usageError} from '../../text/errors.js'
import {OctopusClient, type ClientOptions} from '../../octopus/client.js'
import {normalizeServerUrl} from '../../octopus/server-url.js'
import {warnIfPlainHttp} from '../../octopus/plain-http.js'
import {currentUser} from '../../octopus/response-shapes.js'
import {removeApiKey, removeInsecureKeyFile, saveApiKey, type KeyStorage, type RemovedKeys} from '../../config/key-storage.js'
import {KeychainUnavailableError, keychainAccount, openSystemKeychain, type KeychainFactory} from '../../config/keychain.js'
import {checkProfileName, configDir, displayPath, insecureKeyDir} from '../../config/paths.js'
import {sweepStaleTempFiles} from '../../config/private-file.js'
import {ProfileStore, type KeyStoreKind, type Profile} from '../../config/profiles.js'
import {checkIdToken, exchangeIdToken} from '../../octopus/oidc.js'

export interface UserSummary {
  Id: string
  Username: string
  DisplayName: string
}

export interface SpaceSummary {
  Id: string
  Name: string
}

export interface LoginRequest {
  profile: string
  server: string
  apiKey: string
  /** Default space to save with the profile (checked against the server). */
  space?: string
  insecureStorage: boolean
  env: NodeJS.ProcessEnv
  /** The transport's plain-http warning, worded where every command's is (src/octopus/plain-http.ts). */
  warn: (message: string) => void
  /** Told what login did that its user should know (src/views/auth.ts words each). */
  onWarning: (warning: LoginWarning) => void
  timeoutSeconds?: number
  caCertFile?: string
  debug?: (line: string) => void
  userAgent?: string
  configDir?: string
  keychain?: KeychainFactory
  /** How the client is made (the CLI's client factory); default a plain OctopusClient. */
  createClient?: (options: ClientOptions) => OctopusClient
}

/** A saved key, or an OIDC login's access token. */
export type SavedCredential = 'api-key' | 'access-token'

/**
 * What login tells its user beside its result: `key-in-plain-file`, the credential went to a file
 * (`file` as the user knows the path, `~/...` under the home directory), not the keychain;
 * `env-credential-overrides`, OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN is set and commands use it
 * instead; `env-service-account-overrides`, OCTOPUS_SERVICE_ACCOUNT_ID is set and each run
 * exchanges the CI job's ID token instead.
 */
export type LoginWarning =
  | {kind: 'key-in-plain-file'; credential: SavedCredential; file: string}
  | {kind: 'env-credential-overrides'; credential: SavedCredential}
  | {kind: 'env-service-account-overrides'; credential: SavedCredential}

export interface LoginResult {
  profile: Profile
  version: string
  user: UserSummary
  space?: SpaceSummary
  configFile: string
  /** Where the key went (a description of the keychain entry, or the insecure file's path); never the key. */
  keyLocation: string
  /** After an OIDC login: the service account, and when the saved access token expires (ms since the epoch). */
  oidc?: {serviceAccountId: string; expiresAt: number}
}

export interface OidcLoginRequest extends Omit<LoginRequest, 'apiKey'> {
  serviceAccountId: string
  /** The CI's ID token: exchanged, never saved. */
  idToken: string
  /** The run's clock, ms since the epoch. */
  now: number
}

/** Where `login` takes the server from, first that is set: --server, OCTOPUS_URL, the profile's saved server. */
export type LoginServerSource = 'flag' | 'OCTOPUS_URL' | 'profile'

/**
 * The server `login` uses without asking, resolved as every other command resolves it (the
 * README: OCTOPUS_URL is the same as --server), so that logging in again to a saved profile
 * needs only the key. Undefined when none is set: then it must be asked for.
 */
export async function loginServer(req: {serverFlag?: string; profile: string; env: NodeJS.ProcessEnv; configDir?: string}): Promise<{server: string; source: LoginServerSource} | undefined> {
  if (req.serverFlag !== undefined) return {server: normalizeServerUrl(req.serverFlag), source: 'flag'}
  if (req.env.OCTOPUS_URL) return {server: normalizeServerUrl(req.env.OCTOPUS_URL), source: 'OCTOPUS_URL'}
  const saved = (await ProfileStore.load(req.configDir ?? configDir(req.env))).get(checkProfileName(req.profile))
  return saved ? {server: saved.server, source: 'profile'} : undefined
}

/**
 * Fails (exit 3, with the ways out) when the OS keychain cannot take a key: checked before the
 * user is asked for the server and the key, not after. A desktop may show its unlock prompt here.
 */
export async function checkKeychainWritable(keychain: KeychainFactory = openSystemKeychain): Promise<void> {
  await (await keychain()).checkWritable()
}

/** Whether argv gives the key as `--api-key VALUE` or `--api-key=VALUE`, as the Octopus CLI takes it (words after `--` are not flags). */
export function givesApiKeyAsFlag(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).some((word) => word === '--api-key' || word.startsWith('--api-key='))
}

/** `login --api-key`: the way to give the key instead, in one line; the key given is not repeated. */
export function apiKeyAsFlagError(bin: string) {
  return usageError(`login takes the API key on stdin, never as a flag (a flag shows in \`ps\` and shell history): \`printenv OCTOPUS_API_KEY | ${bin} login --server URL --api-key-stdin\`.`, {code: 'api-key-flag'})
}

/**
 * Checks the key against the server (`/api/users/me`, and the space if one is given) and only
 * then saves it: a wrong key (exit 3), a server that is not Octopus (exit 2) or an unknown space
 * (exit 4) leaves the keychain, the key files and config.yaml as they were.
 */
export async function login(req: LoginRequest): Promise<LoginResult> {
  return checkAndSave(req, async () => ({apiKey: req.apiKey}))
}

/**
 * `login --service-account-id`: exchanges the ID token for an access token (src/octopus/oidc.ts),
 * checks it as a key is checked, then saves the access token (never the ID token) where a key
 * would go, and its expiry with the profile. Any refusal leaves everything as it was.
 */
export async function loginWithOidc(req: OidcLoginRequest): Promise<LoginResult> {
  // The token's own mistakes (not a JWT, wrong audience, expired) are the user's input: said
  // before the keychain or the network is touched.
  checkIdToken(req.idToken, req.serviceAccountId, req.now)
  return checkAndSave(req, async (server) => {
    const token = await exchangeIdToken({
      server,
      serviceAccountId: req.serviceAccountId,
      idToken: req.idToken,
      now: req.now,
      createClient: req.createClient ?? ((options) => new OctopusClient(options)),
      client: {timeoutSeconds: req.timeoutSeconds, caCertFile: req.caCertFile, debug: req.debug, userAgent: req.userAgent},
    })
    return {accessToken: token.accessToken, oidc: {serviceAccountId: req.serviceAccountId, expiresAt: token.expiresAt}}
  })
}

type Credential = {apiKey: string; oidc?: undefined} | {accessToken: string; oidc: {serviceAccountId: string; expiresAt: number}}

async function checkAndSave(req: Omit<LoginRequest, 'apiKey'>, obtain: (server: string) => Promise<Credential>): Promise<LoginResult> {
  const profileName = checkProfileName(req.profile)
  const server = normalizeServerUrl(req.server)
  const dir = req.configDir ?? configDir(req.env)
  const storage: KeyStorage = {configDir: dir, keychain: req.keychain ?? openSystemKeychain}
  // A corrupt config.yaml stops us before anything is sent or saved.
  const store = await ProfileStore.load(dir)
  const keyStore: KeyStoreKind = req.insecureStorage ? 'file' : 'keychain'
  // Fail on a missing or locked keychain before the network round trip (a desktop may prompt to unlock here).
  if (keyStore === 'keychain') await (await storage.keychain()).checkWritable()

  warnIfPlainHttp(server, req.warn)
  const credential = await obtain(server)
  const secret = 'apiKey' in credential ? credential.apiKey : credential.accessToken
  const client = (req.createClient ?? ((options) => new OctopusClient(options)))({
    server,
    ...('apiKey' in credential ? {apiKey: credential.apiKey} : {accessToken: credential.accessToken}),
    timeoutSeconds: req.timeoutSeconds,
    caCertFile: req.caCertFile,
    debug: req.debug,
    userAgent: req.userAgent,
  })
  await client.loadRoot()
  const me = await client.get(client.hasLink('CurrentUser') ? client.link('CurrentUser') : '/api/users/me', currentUser)
  const space = req.space ? (await client.resolveSpace(req.space)).space : undefined

  const previous = store.get(profileName)
  const oidc = credential.oidc ? {serviceAccountId: credential.oidc.serviceAccountId, expiresAt: new Date(credential.oidc.expiresAt).toISOString()} : undefined
  const profile: Profile = {name: profileName, server, space: space?.Name, keyStore, ...(oidc ? {oidc} : {})}
  const keyLocation = await saveApiKey(storage, profileName, server, secret, keyStore, oidc ? 'AccessToken' : 'ApiKey')
  const saved: SavedCredential = oidc ? 'access-token' : 'api-key'
  if (keyStore === 'file') req.onWarning({kind: 'key-in-plain-file', credential: saved, file: displayPath(keyLocation, req.env)})
  store.set(profile)
  try {
    await store.save()
  } catch (error) {
    await removeApiKey(storage, profile).catch(() => undefined)
    throw error
  }
  await forgetReplacedKey(storage, previous, profile)
  if (req.env.OCTOPUS_API_KEY || req.env.OCTOPUS_ACCESS_TOKEN) {
    req.onWarning({kind: 'env-credential-overrides', credential: saved})
  } else if (req.env.OCTOPUS_SERVICE_ACCOUNT_ID) {
    req.onWarning({kind: 'env-service-account-overrides', credential: saved})
  }
  return {
    profile,
    version: client.version,
    user: {Id: me.Id, Username: me.Username, DisplayName: me.DisplayName},
    space: space ? {Id: space.Id, Name: space.Name} : undefined,
    configFile: store.file,
    keyLocation,
    oidc: credential.oidc,
  }
}

/** After a re-login, the profile's old key (another server, or the other store) must not linger. */
async function forgetReplacedKey(storage: KeyStorage, previous: Profile | undefined, current: Profile): Promise<void> {
  if (!previous) return
  if (previous.keyStore === 'file' && current.keyStore === 'keychain') await removeInsecureKeyFile(storage.configDir, previous.name)
  const oldAccount = previous.keyStore === 'keychain' ? keychainAccount(previous.name, previous.server) : undefined
  const newAccount = current.keyStore === 'keychain' ? keychainAccount(current.name, current.server) : undefined
  if (oldAccount && oldAccount !== newAccount) {
    // Best effort: the new login already succeeded, and an unreachable keychain must not undo it.
    await (await storage.keychain()).delete(oldAccount).catch(() => undefined)
  }
}

export interface LogoutResult {
  profile: string
  /** The profile as it was, or undefined when there was nothing to log out of. */
  removedProfile?: Profile
  removedKeys: RemovedKeys
  configFile: string
  /** The profiles still saved, to use with --profile. */
  otherProfiles: string[]
  /** OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN is set: commands keep using it after the logout. */
  envCredentialSet: boolean
}

/**
 * Removes the profile's key and then the profile. Idempotent: logging out of a profile that does
 * not exist changes nothing and succeeds. If the keychain cannot delete the key, the profile is
 * kept so that the key is not orphaned.
 */
export async function logout(req: {profile: string; env: NodeJS.ProcessEnv; configDir?: string; keychain?: KeychainFactory}): Promise<LogoutResult> {
  const profileName = checkProfileName(req.profile)
  const dir = req.configDir ?? configDir(req.env)
  const storage: KeyStorage = {configDir: dir, keychain: req.keychain ?? openSystemKeychain}
  const store = await ProfileStore.load(dir)
  // Temp files of a killed `login` can hold a key; logging out must not leave one behind.
  await sweepStaleTempFiles(dir)
  await sweepStaleTempFiles(insecureKeyDir(dir))
  const profile = store.get(profileName)
  const envCredentialSet = Boolean(req.env.OCTOPUS_API_KEY || req.env.OCTOPUS_ACCESS_TOKEN)
  if (!profile) {
    // A key file without a profile can only be a leftover; remove it all the same.
    const file = await removeInsecureKeyFile(dir, profileName)
    return {profile: profileName, removedKeys: {keychain: false, file}, configFile: store.file, otherProfiles: store.names(), envCredentialSet}
  }
  let removedKeys: RemovedKeys
  try {
    removedKeys = await removeApiKey(storage, profile)
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error
    throw new KeychainUnavailableError(error.reason, `Unlock the keychain and run logout again; profile '${profileName}' was kept so that its key is not left behind.`)
  }
  store.remove(profileName)
  await store.save()
  return {profile: profileName, removedProfile: profile, removedKeys, configFile: store.file, otherProfiles: store.names(), envCredentialSet}
}
