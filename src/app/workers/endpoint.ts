/**
 * Worker endpoints for a registration: how to build one from what the user asked, and when two of
 * them are "the same" (for --if-not-exists). The worker types and how an endpoint is shown are
 * domain facts (src/domain/workers/endpoint-facts.ts).
 */
import type {EndpointResource} from '../../octopus/types.js'
import {pollingUri, type SshPlatform} from './validate.js'

/** What the user asked to register, validated. */
export type EndpointSpec =
  | {type: 'listening'; url: string; thumbprint: string; proxyId?: string}
  | {type: 'polling'; subscriptionId: string; thumbprint: string}
  | {type: 'ssh'; host: string; port: number; fingerprint: string; accountId: string; platform?: SshPlatform; proxyId?: string}

/** The Endpoint document to POST/PUT, in the shapes of API notes §3.3. */
export function buildEndpoint(spec: EndpointSpec): EndpointResource {
  switch (spec.type) {
    case 'listening':
      return {CommunicationStyle: 'TentaclePassive', Uri: spec.url, Thumbprint: spec.thumbprint, ProxyId: spec.proxyId ?? null}
    case 'polling':
      return {CommunicationStyle: 'TentacleActive', Uri: pollingUri(spec.subscriptionId), Thumbprint: spec.thumbprint}
    case 'ssh':
      return {
        CommunicationStyle: 'Ssh',
        Host: spec.host,
        Port: spec.port,
        Fingerprint: spec.fingerprint,
        AccountId: spec.accountId,
        Uri: `ssh://${spec.host}:${spec.port}/`,
        ProxyId: spec.proxyId ?? null,
        DotNetCorePlatform: spec.platform ?? null,
      }
  }
}

function normalUri(uri: string | null | undefined): string {
  if (!uri) return ''
  try {
    const url = new URL(uri)
    return url.href.replace(/\/?$/, '/').toLowerCase()
  } catch {
    return uri.trim().replace(/\/?$/, '/').toLowerCase()
  }
}

const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase()

/** MD5 fingerprints are hex (any case); SHA256 ones are base64, where case matters. */
function sameFingerprint(a: string | null | undefined, b: string): boolean {
  return b.startsWith('SHA256:') ? (a ?? '').trim() === b : same(a, b)
}

/**
 * Whether an existing worker's endpoint is the one the user asked for: the same style, address and
 * identity (thumbprint, or SSH fingerprint + account). Proxy and platform are settings, not identity.
 */
export function endpointMatches(existing: EndpointResource | null | undefined, spec: EndpointSpec): boolean {
  const wanted = buildEndpoint(spec)
  if (!existing || existing.CommunicationStyle !== wanted.CommunicationStyle) return false
  if (spec.type === 'ssh') {
    return same(existing.Host, spec.host) && Number(existing.Port ?? 22) === spec.port && sameFingerprint(existing.Fingerprint, spec.fingerprint) && same(existing.AccountId, spec.accountId)
  }
  return normalUri(existing.Uri) === normalUri(wanted.Uri) && same(existing.Thumbprint, wanted.Thumbprint)
}
