/**
 * The one way a worker is shown: its type, endpoint, health, disabled state and upgrade advice.
 * `worker list`, `worker view`, `pool view`, `worker health` and `check` all go through here, so
 * the same worker reads the same everywhere (one vocabulary, one form per endpoint).
 *
 * Everything here tolerates what real servers may send: an unknown CommunicationStyle (shown as
 * its own name), `Endpoint: null`, missing optional fields and extra fields.
 */

import type {CommunicationStyle} from '../../octopus/types.js'

/** The four kinds of worker, as `--type` names them, and the CommunicationStyle each one is. */
export const WORKER_TYPES = ['listening', 'polling', 'ssh', 'kubernetes'] as const
export type WorkerType = (typeof WORKER_TYPES)[number]

export const COMM_STYLE_OF_TYPE: Record<WorkerType, CommunicationStyle> = {
  listening: 'TentaclePassive',
  polling: 'TentacleActive',
  ssh: 'Ssh',
  kubernetes: 'KubernetesTentacle',
}

/** The slice of an endpoint document this module reads; every field may be missing or null. */
export interface PresentableEndpoint {
  CommunicationStyle?: string | null
  Uri?: string | null
  Host?: string | null
  Port?: number | null
  Thumbprint?: string | null
  TentacleVersionDetails?: {
    Version?: string | null
    UpgradeSuggested?: boolean | null
    UpgradeRequired?: boolean | null
    UpgradeAvailable?: boolean | null
    UpgradeLocked?: boolean | null
  } | null
  TentacleEndpointConfiguration?: {CommunicationMode?: string | null; Uri?: string | null; Thumbprint?: string | null} | null
  KubernetesAgentDetails?: unknown
  UpgradeLocked?: unknown
}

export interface PresentableWorker {
  Name?: string
  HealthStatus?: string | null
  IsDisabled?: boolean | null
  /** Worker-level copy of the address (older servers, and the only one left when `Endpoint` is null). */
  Uri?: string | null
  Endpoint?: PresentableEndpoint | null
}

const LABEL_OF_STYLE: Record<string, string> = {
  tentaclepassive: 'Listening',
  tentacleactive: 'Polling',
  ssh: 'SSH',
  kubernetestentacle: 'Kubernetes',
}

/** The certificate thumbprint of a Tentacle endpoint (Kubernetes agents keep it one level down). */
export function endpointThumbprint(endpoint: PresentableEndpoint | undefined | null): string | undefined {
  return (endpoint?.Thumbprint ?? endpoint?.TentacleEndpointConfiguration?.Thumbprint) || undefined
}

/** `None` is Octopus's own "no communication style" (enum value 0); a missing endpoint reads the same. */
export const NO_STYLE = 'None'

/** The raw CommunicationStyle, `None` when the endpoint or its style is missing. */
export function communicationStyle(endpoint: PresentableEndpoint | null | undefined): string {
  const style = endpoint?.CommunicationStyle
  return typeof style === 'string' && style.trim() !== '' ? style : NO_STYLE
}

/** How tables and text name a worker without an endpoint; --json keeps Octopus's `None`. */
const NO_ENDPOINT_TEXT = 'no endpoint'

/** A worker type (workerTypeLabel's, or a raw style) as tables and text show it: `None` reads "no endpoint". */
export function workerTypeText(type: string): string {
  return type.toLowerCase() === NO_STYLE.toLowerCase() || type.trim() === '' ? NO_ENDPOINT_TEXT : type
}

/** "a Polling worker", "a worker with no endpoint": a worker's kind inside a sentence. */
export function workerKindPhrase(style: string | undefined | null): string {
  const type = workerTypeText(LABEL_OF_STYLE[(style ?? '').toLowerCase()] ?? (style ?? ''))
  return type === NO_ENDPOINT_TEXT ? 'a worker with no endpoint' : `a ${type} worker`
}

/** TYPE: Listening, Polling, SSH, Kubernetes; any other style is shown as the server names it. */
export function workerTypeLabel(endpoint: PresentableEndpoint | null | undefined): string {
  const style = communicationStyle(endpoint)
  return LABEL_OF_STYLE[style.toLowerCase()] ?? style
}

function withTrailingSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`
}

/**
 * ENDPOINT: where the server reaches the worker, or where a polling one is known from, in one form:
 * SSH always `ssh://host:port/` (servers derive that `Uri`, but not every document carries it the
 * same way); a Kubernetes agent's address from its Tentacle configuration; otherwise the endpoint's
 * `Uri`. With no endpoint, the worker-level `Uri`, else empty.
 */
export function endpointAddress(endpoint: PresentableEndpoint | null | undefined, workerUri?: string | null): string {
  if (!endpoint) return workerUri ?? ''
  const style = communicationStyle(endpoint).toLowerCase()
  if (style === 'ssh') {
    if (endpoint.Host) return `ssh://${endpoint.Host}:${endpoint.Port ?? 22}/`
    return endpoint.Uri ? withTrailingSlash(endpoint.Uri) : ''
  }
  if (style === 'kubernetestentacle') return endpoint.TentacleEndpointConfiguration?.Uri ?? endpoint.Uri ?? workerUri ?? ''
  return endpoint.Uri ?? workerUri ?? ''
}

/** HEALTH: the server's value; a worker with none has not been checked (`Unknown`). */
export function healthLabel(worker: PresentableWorker): string {
  const health = worker.HealthStatus
  return typeof health === 'string' && health.trim() !== '' ? health : 'Unknown'
}

/** DISABLED: `yes` or `no`, never blank. */
export function disabledLabel(worker: PresentableWorker): string {
  return worker.IsDisabled === true ? 'yes' : 'no'
}

export interface WorkerCells {
  Type: string
  Endpoint: string
  Health: string
  Disabled: string
}

/** The four shared cells of a worker row. */
export function workerCells(worker: PresentableWorker): WorkerCells {
  return {
    Type: workerTypeLabel(worker.Endpoint),
    Endpoint: endpointAddress(worker.Endpoint, worker.Uri),
    Health: healthLabel(worker),
    Disabled: disabledLabel(worker),
  }
}

// ---- versions and upgrades ----------------------------------------------------------------------

/** Kubernetes agent upgrade states (servers compare them case-insensitively). */
export const KUBERNETES_UPGRADE_STATUSES = ['NoUpgrades', 'UpgradeAvailable', 'UpgradeSuggested', 'UpgradeRequired'] as const

export interface KubernetesAgentInfo {
  agentVersion?: string
  tentacleVersion?: string
  /** As the server sent it, in its canonical spelling when it is a known value. */
  upgradeStatus?: string
  helmReleaseName?: string
  namespace?: string
  upgradeLocked: boolean
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

/** The `KubernetesAgentDetails` of a Kubernetes agent endpoint, or undefined for any other worker. */
export function kubernetesAgent(endpoint: PresentableEndpoint | null | undefined): KubernetesAgentInfo | undefined {
  if (!endpoint) return undefined
  const details = endpoint.KubernetesAgentDetails
  const isAgent = communicationStyle(endpoint).toLowerCase() === 'kubernetestentacle'
  if (!isAgent && (details === undefined || details === null)) return undefined
  const d = (details && typeof details === 'object' ? details : {}) as Record<string, unknown>
  const status = text(d.UpgradeStatus)
  return {
    agentVersion: text(d.AgentVersion),
    tentacleVersion: text(d.TentacleVersion),
    upgradeStatus: status ? (KUBERNETES_UPGRADE_STATUSES.find((s) => s.toLowerCase() === status.toLowerCase()) ?? status) : undefined,
    helmReleaseName: text(d.HelmReleaseName),
    namespace: text(d.KubernetesNamespace),
    upgradeLocked: endpoint.UpgradeLocked === true,
  }
}

export interface UpgradeAdvice {
  /** The Tentacle version the worker runs, when the server knows it. */
  version?: string
  /** An upgrade Octopus offers but does not push (`UpgradeAvailable`). */
  upgradeAvailable: boolean
  upgradeSuggested: boolean
  upgradeRequired: boolean
  /** Where the advice came from. */
  source: 'tentacle' | 'kubernetes-agent'
}

/**
 * Tentacle version and upgrade advice, from a Tentacle endpoint's `TentacleVersionDetails` or a
 * Kubernetes agent's `KubernetesAgentDetails.UpgradeStatus`. Undefined when the endpoint has
 * neither (SSH, unknown styles, no endpoint).
 */
export function upgradeAdvice(endpoint: PresentableEndpoint | null | undefined): UpgradeAdvice | undefined {
  const details = endpoint?.TentacleVersionDetails
  if (details && typeof details === 'object') {
    return {
      version: text(details.Version),
      upgradeAvailable: details.UpgradeAvailable === true,
      upgradeSuggested: details.UpgradeSuggested === true,
      upgradeRequired: details.UpgradeRequired === true,
      source: 'tentacle',
    }
  }
  const agent = kubernetesAgent(endpoint)
  if (agent) {
    const status = agent.upgradeStatus
    return {
      version: agent.tentacleVersion,
      upgradeAvailable: status === 'UpgradeAvailable',
      upgradeSuggested: status === 'UpgradeSuggested',
      upgradeRequired: status === 'UpgradeRequired',
      source: 'kubernetes-agent',
    }
  }
  return undefined
}

/** `9.2.4285 (upgrade required)`, or why the version is not known. */
export function describeUpgradeAdvice(advice: UpgradeAdvice | undefined): string {
  if (!advice?.version) return 'unknown (run a health check)'
  if (advice.upgradeRequired) return `${advice.version} (upgrade required)`
  if (advice.upgradeSuggested) return `${advice.version} (upgrade suggested)`
  if (advice.upgradeAvailable) return `${advice.version} (upgrade available)`
  return advice.version
}
