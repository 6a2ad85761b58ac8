/** `auth token`: the access token a run would send, for other tools (never an API key, which is no token). */
import {appendFile} from 'node:fs/promises'
import {usageError} from '../../text/errors.js'
import type {ResolvedConnection} from '../../config/connection.js'

export interface AccessTokenResult {
  AccessToken: string
  Server: string
  /** ISO time, when known (an OIDC exchange's); null for OCTOPUS_ACCESS_TOKEN, whose expiry is not known here. */
  ExpiresAt: string | null
}

/** The connection's access token; an API key is refused (exit 2): other tools take it as OCTOPUS_API_KEY. */
export function accessTokenOf(connection: ResolvedConnection): AccessTokenResult {
  if (!connection.accessToken) {
    throw usageError('The credential in use is an API key, not an access token: there is no token to print.', {
      code: 'no-access-token',
      hint: 'Other tools take the key itself as OCTOPUS_API_KEY; `auth token` is for OIDC logins (OCTOPUS_SERVICE_ACCOUNT_ID, or `login --service-account-id`).',
    })
  }
  // It goes into a file of NAME=value lines and into workflow commands: one line, nothing else.
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(connection.accessToken)) throw usageError('The access token in use is not one line without spaces; it cannot be printed for other tools.')
  return {AccessToken: connection.accessToken, Server: connection.server, ExpiresAt: connection.oidc ? new Date(connection.oidc.expiresAt).toISOString() : null}
}

/**
 * `--github-env`: what the OctopusDeploy/login action exports, OCTOPUS_URL and OCTOPUS_ACCESS_TOKEN,
 * appended to the job's $GITHUB_ENV file so that later steps (this tool, the Octopus actions, the
 * Go CLI, Terraform) use them; the token is masked in the log first, as the action's setSecret does.
 */
export async function exportToGitHubEnv(token: AccessTokenResult, env: NodeJS.ProcessEnv): Promise<{maskLine: string; file: string}> {
  const file = env.GITHUB_ENV
  if (!file) throw usageError('--github-env needs GITHUB_ENV, the file GitHub Actions sets for a step to export variables through; it is not set here.')
  await appendFile(file, `OCTOPUS_URL=${token.Server}\nOCTOPUS_ACCESS_TOKEN=${token.AccessToken}\n`, {mode: 0o600})
  return {maskLine: `::add-mask::${token.AccessToken}`, file}
}
