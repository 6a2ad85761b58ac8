import {authError} from '../errors.js'

export type CredentialSource = 'env' | 'keychain' | 'file'

/** Where to connect and with what; the credential itself never leaves this object except as a header. */
export interface ResolvedConnection {
  server: string
  apiKey?: string
  accessToken?: string
  source: CredentialSource
  /** The profile used for server/space defaults and stored credentials. */
  profile: string
  /** The profile's default space, if any. */
  space?: string
}

export interface ResolveOptions {
  serverFlag?: string
  profileFlag?: string
  env: NodeJS.ProcessEnv
  warn: (message: string) => void
}

/**
 * Resolution order (DESIGN.md §3): OCTOPUS_API_KEY / OCTOPUS_ACCESS_TOKEN, then the profile's key
 * in the OS keychain, then the insecure file (only if the user chose it at login).
 * NOTE: the keychain/profile part is being built in src/lib/auth (issue 2); env only for now.
 */
export async function resolveConnection(opts: ResolveOptions): Promise<ResolvedConnection> {
  const profile = opts.profileFlag ?? opts.env.OCTOWORKERS_PROFILE ?? 'default'
  const server = opts.serverFlag ?? opts.env.OCTOPUS_URL
  const apiKey = opts.env.OCTOPUS_API_KEY || undefined
  const accessToken = apiKey ? undefined : opts.env.OCTOPUS_ACCESS_TOKEN || undefined
  if (!server) throw authError('No Octopus server given.', {hint: 'Run `octoworkers login`, or set OCTOPUS_URL and OCTOPUS_API_KEY.'})
  if (!apiKey && !accessToken) throw authError('Not logged in.', {hint: 'Run `octoworkers login`, or set OCTOPUS_API_KEY.'})
  return {server, apiKey, accessToken, source: 'env', profile}
}
