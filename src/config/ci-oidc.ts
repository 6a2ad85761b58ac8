/**
 * Zero-config OIDC in CI: with OCTOPUS_SERVICE_ACCOUNT_ID set (and no OCTOPUS_API_KEY or
 * OCTOPUS_ACCESS_TOKEN), a run gets the CI job's ID token and exchanges it for an access token
 * that lives in this process's memory only. On GitHub Actions the token is requested for the
 * service account as audience (the job needs `permissions: id-token: write`, which is what makes
 * GitHub set ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN); elsewhere it is read from OCTOPUS_ID_TOKEN
 * (GitLab's `id_tokens`, or any CI that can put one there).
 */
import {authError} from '../text/errors.js'
import {exchangeIdToken, requestGitHubIdToken, type CreateClient, type OidcAccessToken} from '../octopus/oidc.js'
import type {ClientOptions} from '../octopus/client.js'

/** Where an exchanged access token's ID token came from. */
export type IdTokenSource = 'login' | 'github-actions' | 'OCTOPUS_ID_TOKEN'

export interface CiExchange {
  server: string
  serviceAccountId: string
  env: NodeJS.ProcessEnv
  now: number
  createClient: CreateClient
  client: Omit<ClientOptions, 'server' | 'apiKey' | 'accessToken'>
}

export async function exchangeCiIdToken(req: CiExchange): Promise<OidcAccessToken & {idTokenFrom: IdTokenSource}> {
  const {env} = req
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL || undefined
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN || undefined
  let idToken: string
  let idTokenFrom: IdTokenSource
  if (requestUrl && requestToken) {
    idToken = await requestGitHubIdToken({requestUrl, requestToken, audience: req.serviceAccountId, createClient: req.createClient, client: req.client})
    idTokenFrom = 'github-actions'
  } else if (env.OCTOPUS_ID_TOKEN?.trim()) {
    idToken = env.OCTOPUS_ID_TOKEN.trim()
    idTokenFrom = 'OCTOPUS_ID_TOKEN'
  } else {
    throw authError('OCTOPUS_SERVICE_ACCOUNT_ID is set, but there is no ID token to exchange for it.', {
      code: 'no-id-token',
      hint: env.GITHUB_ACTIONS === 'true'
        ? 'Give the job `permissions: id-token: write` (GitHub then sets ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN).'
        : `Set OCTOPUS_ID_TOKEN to the job's ID token, issued for audience ${req.serviceAccountId} (GitLab: \`id_tokens: OCTOPUS_ID_TOKEN: aud: ${req.serviceAccountId}\`), or set OCTOPUS_API_KEY instead.`,
    })
  }
  const token = await exchangeIdToken({server: req.server, serviceAccountId: req.serviceAccountId, idToken, now: req.now, createClient: req.createClient, client: req.client})
  return {...token, idTokenFrom}
}
