import {HttpError, parseJson} from '../http.js'
import type {SandboxOidc} from '../oidc.js'
import type {Request, Route} from '../router.js'

/** Servers with OpenID Connect for service accounts (2023.4.8077 / 2024.1.1889 on; of the emulated versions, 2026.1). */
const hasOidc = (profile: {oidc: boolean}) => profile.oidc

/** The exchange's body: JSON or form fields, both of which Octopus accepts. */
function exchangeFields(req: Request): Record<string, unknown> {
  if (req.contentType === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(req.rawBody))
  const body = parseJson(req.rawBody)
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The request body must be a JSON object.')
  return body as Record<string, unknown>
}

export function oidcRoutes(oidc: SandboxOidc): Route[] {
  return [
    {method: 'GET', path: '.well-known/openid-configuration', scope: 'root', anonymous: true, when: hasOidc, handler: (req) => ({json: oidc.discovery(req.origin)})},
    {method: 'GET', path: '.well-known/jwks', scope: 'global', anonymous: true, when: hasOidc, handler: async () => ({json: await oidc.jwks()})},
    {method: 'POST', path: 'token/v1', scope: 'global', anonymous: true, when: hasOidc, handler: async (req) => oidc.exchange(exchangeFields(req))},
  ]
}
