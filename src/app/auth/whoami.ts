/** `whoami`: who the credential in use is, on which server and space, and where it came from. */
import type {OctopusClient, SpaceContext} from '../../octopus/client.js'
import {currentUser} from '../../octopus/response-shapes.js'
import type {ResolvedConnection} from '../../config/connection.js'

/** `whoami --json`; the credential itself never appears, only its source. */
export interface WhoamiDocument {
  Server: string
  Version: string
  User: {Id: string; Username: string; DisplayName: string}
  Space: {Id: string; Name: string}
  /** The saved profile in use, or null when server and key came from flags/env only. */
  Profile: string | null
  CredentialSource: ResolvedConnection['source']
  /** Present when the credential is an access token from an OIDC exchange (never the token). */
  Oidc?: OidcStatus
}

/** The --json document, and beside it what only the text form shows. */
export interface WhoamiResult {
  document: WhoamiDocument
  /** The profile name this run uses, saved or not (the text form names it when Profile is null). */
  profileName: string
}

export interface OidcStatus {
  ServiceAccountId: string
  ExpiresAt: string
  /** Whole seconds left at the time of the run (0 once expired). */
  ExpiresInSeconds: number
  /** `login` for a saved token; `github-actions` or `OCTOPUS_ID_TOKEN` for one this run exchanged. */
  IdTokenFrom: string
}

export function oidcStatus(oidc: NonNullable<ResolvedConnection['oidc']>, now: number): OidcStatus {
  return {ServiceAccountId: oidc.serviceAccountId, ExpiresAt: new Date(oidc.expiresAt).toISOString(), ExpiresInSeconds: Math.max(0, Math.floor((oidc.expiresAt - now) / 1000)), IdTokenFrom: oidc.idTokenFrom}
}

export async function whoami(opts: {client: OctopusClient; connection: ResolvedConnection; space: SpaceContext; now: number}): Promise<WhoamiResult> {
  const {client, connection, space} = opts
  const me = await client.get(client.hasLink('CurrentUser') ? client.link('CurrentUser') : '/api/users/me', currentUser)
  const document: WhoamiDocument = {
    Server: client.server,
    Version: client.version,
    User: {Id: me.Id, Username: me.Username, DisplayName: me.DisplayName},
    Space: {Id: space.spaceId, Name: space.space.Name},
    Profile: connection.profileSaved ? connection.profile : null,
    CredentialSource: connection.source,
    ...(connection.oidc ? {Oidc: oidcStatus(connection.oidc, opts.now)} : {}),
  }
  return {document, profileName: connection.profile}
}
