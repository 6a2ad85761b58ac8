/** The text forms of `whoami` and `auth status`: server and config.yaml strings are shown escaped. */
import type {WhoamiDocument, WhoamiResult} from '../app/auth/whoami.js'
import type {AuthStatusResult, ProfileStatus} from '../app/auth/status.js'
import type {LoginWarning} from '../app/auth/login.js'
import {terminalSafe} from '../ui/safe.js'
import {formatDuration} from '../text/duration.js'

/** Where an OIDC access token is kept, or where this run's ID token came from. */
function oidcFrom(result: WhoamiDocument): string {
  if (result.CredentialSource !== 'oidc') return `saved in the ${result.CredentialSource === 'file' ? 'plain file' : 'keychain'} by login`
  return result.Oidc?.IdTokenFrom === 'github-actions' ? 'exchanged by this run for the GitHub Actions ID token' : 'exchanged by this run for OCTOPUS_ID_TOKEN'
}

/** `whoami`: aligned "key  value" lines. */
export function whoamiLines({document: result, profileName}: WhoamiResult): string[] {
  const rows: Array<[string, string]> = [
    ['Server', result.Server],
    ['Version', result.Version],
    ['User', `${result.User.Username} (${result.User.DisplayName}, ${result.User.Id})`],
    ['Space', `${result.Space.Name} (${result.Space.Id})`],
    ['Profile', result.Profile ?? `${profileName} (not saved; server and key from flags/env)`],
    ['Credential source', result.Oidc ? `OIDC (service account ${result.Oidc.ServiceAccountId}, expires in ${formatDuration(result.Oidc.ExpiresInSeconds * 1000)}; ${oidcFrom(result)})` : result.CredentialSource],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${terminalSafe(v)}`)
}

/** `auth status`: one block per entry, like `gh auth status`. */
export function authStatusLines(result: AuthStatusResult): string[] {
  const lines: string[] = []
  for (const entry of result.Profiles) {
    const title = entry.Profile === null ? '(environment: OCTOPUS_URL and ' + entry.CredentialLocation + ')' : entry.Profile
    lines.push(`${title}${entry.InUse ? '  (in use)' : ''}`)
    lines.push(`  Server             ${entry.Server}`)
    if (entry.Space) lines.push(`  Space              ${entry.Space}`)
    lines.push(`  Credential source  ${credentialText(entry)}`)
    if (entry.Problem) lines.push(`  Problem            ${entry.Problem}`)
  }
  // config.yaml is edited by hand: what it holds is shown, never obeyed by the terminal.
  return lines.map((line) => terminalSafe(line))
}

function credentialText(entry: ProfileStatus): string {
  const oidc = entry.Oidc
  if (oidc && 'ExpiresAt' in oidc) {
    const left = oidc.ExpiresInSeconds > 0 ? `expires in ${formatDuration(oidc.ExpiresInSeconds * 1000)}` : `expired at ${oidc.ExpiresAt}`
    const text = `OIDC (service account ${oidc.ServiceAccountId}, ${left}; ${entry.CredentialSource === 'file' ? 'plain file' : 'keychain'})`
    return entry.CredentialSource === 'env' || entry.CredentialSource === 'oidc' ? `${entry.CredentialSource} (${entry.CredentialLocation}; its ${text} is not used while it is set)` : text
  }
  if (oidc) return `OIDC (service account ${oidc.ServiceAccountId}, exchanged by ${oidc.IdTokenFrom})`
  const saved = entry.SavedKeyStore === null ? '' : entry.SavedKey === 'present' ? 'key saved' : 'no usable key'
  if (entry.CredentialSource === 'env') {
    return entry.SavedKeyStore === null ? `env (${entry.CredentialLocation})` : `env (${entry.CredentialLocation}; its ${entry.SavedKeyStore} key, ${saved}, is not used while it is set)`
  }
  return `${entry.CredentialSource} (${entry.CredentialLocation}), ${saved}`
}

/** A warning of `login` (after its `Warning:`); the file path is escaped by the writer, like every server or user string in a line. */
export function loginWarningLine(warning: LoginWarning): string {
  const saved = warning.credential === 'access-token' ? 'access token' : 'key'
  switch (warning.kind) {
    case 'key-in-plain-file': return `${warning.credential === 'access-token' ? 'Access token' : 'API key'} saved in plain file ${warning.file}, not in the OS keychain: anyone who can read it as you can use it.`
    case 'env-credential-overrides': return `OCTOPUS_API_KEY or OCTOPUS_ACCESS_TOKEN is set in this environment; it takes precedence over the ${saved} just saved.`
    case 'env-service-account-overrides': return `OCTOPUS_SERVICE_ACCOUNT_ID is set in this environment; each run exchanges the CI job's ID token instead of using the ${saved} just saved.`
  }
}
