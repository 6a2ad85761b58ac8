/**
 * Worker endpoints: the four styles a worker can have, how to show them, how to build them for a
 * registration, and when two of them are "the same" (for --if-not-exists).
 */
import type {CommunicationStyle, EndpointResource} from '../octopus/types.js'
import {pollingUri, type SshPlatform} from './validate.js'

export const WORKER_TYPES = ['listening', 'polling', 'ssh', 'kubernetes'] as const
export type WorkerType = (typeof WORKER_TYPES)[number]

export const COMM_STYLE_OF_TYPE: Record<WorkerType, CommunicationStyle> = {
  listening: 'TentaclePassive',
  polling: 'TentacleActive',
  ssh: 'Ssh',
  kubernetes: 'KubernetesTentacle',
}

const LABEL_OF_STYLE: Record<string, string> = {
  TentaclePassive: 'Listening',
  TentacleActive: 'Polling',
  Ssh: 'SSH',
  KubernetesTentacle: 'Kubernetes',
}

/** TYPE column: Listening / Polling / SSH / Kubernetes (any other style is shown as the server names it). */
export function workerTypeLabel(endpoint: EndpointResource | undefined | null): string {
  const style = endpoint?.CommunicationStyle ?? 'None'
  return LABEL_OF_STYLE[style] ?? style
}

/** ENDPOINT column: where the server reaches the worker (or where it polls from). */
export function endpointAddress(endpoint: EndpointResource | undefined | null): string {
  if (!endpoint) return ''
  switch (endpoint.CommunicationStyle) {
    case 'Ssh':
      return endpoint.Uri || (endpoint.Host ? `ssh://${endpoint.Host}:${endpoint.Port ?? 22}/` : '')
    case 'KubernetesTentacle':
      return endpoint.TentacleEndpointConfiguration?.Uri ?? ''
    default:
      return endpoint.Uri ?? ''
  }
}

/** The certificate thumbprint of a Tentacle endpoint (Kubernetes agents keep it one level down). */
export function endpointThumbprint(endpoint: EndpointResource | undefined | null): string | undefined {
  return (endpoint?.Thumbprint ?? endpoint?.TentacleEndpointConfiguration?.Thumbprint) || undefined
}

export interface TentacleVersionInfo {
  version?: string
  upgradeSuggested: boolean
  upgradeRequired: boolean
}

/** Tentacle version and upgrade advice, from either a Tentacle endpoint or a Kubernetes agent. */
export function tentacleVersion(endpoint: EndpointResource | undefined | null): TentacleVersionInfo | undefined {
  const details = endpoint?.TentacleVersionDetails
  if (details) {
    return {version: details.Version ?? undefined, upgradeSuggested: Boolean(details.UpgradeSuggested), upgradeRequired: Boolean(details.UpgradeRequired)}
  }
  const agent = endpoint?.KubernetesAgentDetails as {TentacleVersion?: string; UpgradeStatus?: string} | undefined
  if (agent) {
    return {
      version: agent.TentacleVersion,
      upgradeSuggested: agent.UpgradeStatus === 'UpgradeSuggested' || agent.UpgradeStatus === 'UpgradeRequired',
      upgradeRequired: agent.UpgradeStatus === 'UpgradeRequired',
    }
  }
  return undefined
}

export function describeTentacleVersion(info: TentacleVersionInfo | undefined): string {
  if (!info?.version) return 'unknown (run a health check)'
  if (info.upgradeRequired) return `${info.version} (upgrade required)`
  if (info.upgradeSuggested) return `${info.version} (upgrade suggested)`
  return info.version
}

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
export function endpointMatches(existing: EndpointResource, spec: EndpointSpec): boolean {
  const wanted = buildEndpoint(spec)
  if (existing.CommunicationStyle !== wanted.CommunicationStyle) return false
  if (spec.type === 'ssh') {
    return same(existing.Host, spec.host) && Number(existing.Port ?? 22) === spec.port && sameFingerprint(existing.Fingerprint, spec.fingerprint) && same(existing.AccountId, spec.accountId)
  }
  return normalUri(existing.Uri) === normalUri(wanted.Uri) && same(existing.Thumbprint, wanted.Thumbprint)
}
