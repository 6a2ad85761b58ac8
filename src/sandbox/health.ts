import {endpointHost, endpointIdentity, LATEST_KUBERNETES_AGENT, LATEST_TENTACLE_VERSION, OUTDATED_KUBERNETES_AGENT, OUTDATED_TENTACLE_VERSION, type EndpointDoc} from './endpoints.js'

/** Styles a health check can reach; any other (e.g. `None`) or a missing endpoint is Unavailable. */
const CHECKABLE_STYLES = ['TentaclePassive', 'TentacleActive', 'Ssh', 'KubernetesTentacle']

export type HealthStatus = 'Healthy' | 'HasWarnings' | 'Unhealthy' | 'Unavailable' | 'Unknown'

export interface HealthOutcome {
  health: Exclude<HealthStatus, 'Unknown'>
  /** The Tentacle version the "machine" reports; null for SSH (no Tentacle). */
  tentacleVersion: string | null
  /** Whether the Tentacle or Kubernetes agent is out of date (hosts containing "outdated"). */
  outdated: boolean
  /** One log line saying what happened, like Octopus's health-check log. */
  message: string
}

/**
 * The deterministic health rules (documented in index.ts). A worker's health depends only on the
 * host of its endpoint — the listening URI's host, the SSH host, or a polling Tentacle's
 * subscription ID — so tests can choose the outcome through the name they register:
 *   *.unreachable.test / poll://unreachable...  -> Unavailable
 *   *.unhealthy.test   / poll://unhealthy...    -> Unhealthy
 *   *.warnings.test    / poll://warnings...     -> HasWarnings
 *   a listening URL in plain http://            -> Unavailable (Tentacles are reached over TLS)
 *   anything else                               -> Healthy
 * A host containing "outdated" reports Tentacle 6.3.417 (upgrade suggested) until an Upgrade task
 * has run on it; others report the latest (see newerVersion).
 */
export function decideHealth(endpoint: EndpointDoc | null): HealthOutcome {
  const style = endpoint?.CommunicationStyle
  if (!endpoint || !CHECKABLE_STYLES.includes(style ?? '')) {
    return {health: 'Unavailable', tentacleVersion: null, outdated: false, message: `The machine could not be contacted: ${endpoint ? `its endpoint's CommunicationStyle '${style}' is not one this server can connect to` : 'it has no endpoint'}.`}
  }
  const host = endpointHost(endpoint)
  const kubernetes = style === 'KubernetesTentacle'
  const polling = style === 'TentacleActive' || (kubernetes && endpoint.TentacleEndpointConfiguration?.CommunicationMode === 'Polling')
  const is = (word: string) => (polling ? host.startsWith(word) : host === `${word}.test` || host.endsWith(`.${word}.test`))
  const ruleVersion = style === 'Ssh' ? null
    : kubernetes ? (host.includes('outdated') ? OUTDATED_KUBERNETES_AGENT : LATEST_KUBERNETES_AGENT).TentacleVersion
      : host.includes('outdated') ? OUTDATED_TENTACLE_VERSION : LATEST_TENTACLE_VERSION
  // What an Upgrade task already installed stays: the newer of the rule's version and the installed one.
  const installed = kubernetes ? endpoint.KubernetesAgentDetails?.TentacleVersion : endpoint.TentacleVersionDetails?.Version
  const tentacleVersion = ruleVersion === null ? null : newerVersion(ruleVersion, installed)
  const latest = kubernetes ? LATEST_KUBERNETES_AGENT.TentacleVersion : LATEST_TENTACLE_VERSION
  const outdated = tentacleVersion !== null && tentacleVersion !== latest
  const uri = endpointIdentity(endpoint).Uri
  const where = polling ? `${kubernetes ? 'Kubernetes agent' : 'polling Tentacle'} ${uri}` : uri
  // A server reaches a listening Tentacle over TLS only, so an http:// URL is never reached: the
  // docs' "not contactable", Unavailable. (That a real server gives Unavailable, not Unhealthy or
  // Unknown, is UNCONFIRMED; every reading leaves the worker not leasable, which is what matters.)
  if (style === 'TentaclePassive' && /^http:\/\//i.test(uri ?? '')) {
    return {health: 'Unavailable', tentacleVersion: null, outdated, message: `The machine at ${uri} could not be contacted: a listening Tentacle is reached over TLS, and this URL is plain http://.`}
  }
  if (is('unreachable')) {
    return {health: 'Unavailable', tentacleVersion: null, outdated, message: `The machine at ${where} could not be contacted: the connection timed out (no response within 00:01:00).`}
  }
  if (is('unhealthy')) {
    return {health: 'Unhealthy', tentacleVersion, outdated, message: `The health check script on ${where} failed with exit code 1: disk space is critically low.`}
  }
  const versionNote = !outdated || !tentacleVersion ? ''
    : kubernetes ? ` Kubernetes agent ${OUTDATED_KUBERNETES_AGENT.AgentVersion} is out of date; version ${LATEST_KUBERNETES_AGENT.AgentVersion} is available.`
      : ` Tentacle ${tentacleVersion} is out of date; version ${LATEST_TENTACLE_VERSION} is available.`
  if (is('warnings')) {
    return {health: 'HasWarnings', tentacleVersion, outdated, message: `The health check on ${where} completed with warnings: free disk space is below 10%.${versionNote}`}
  }
  return {health: 'Healthy', tentacleVersion, outdated, message: `The machine at ${where} is healthy${tentacleVersion ? ` (Tentacle ${tentacleVersion})` : ''}.${versionNote}`}
}

/**
 * Maintenance rules, by the same host naming: a listening or SSH host `*.upgrade-fails.test`, or a
 * polling subscription ID starting "upgradefails", fails every Tentacle upgrade and Calamari update
 * (deterministically, so tests can stop a rolling upgrade). A host containing "outdated" also
 * reports an out-of-date Calamari at health checks until a Calamari update has run.
 */
export function maintenanceFails(endpoint: EndpointDoc): boolean {
  const host = endpointHost(endpoint)
  if (endpoint.CommunicationStyle === 'TentacleActive') return host.startsWith('upgradefails')
  return host === 'upgrade-fails.test' || host.endsWith('.upgrade-fails.test')
}

export function reportsOutdatedCalamari(endpoint: EndpointDoc): boolean {
  return endpointHost(endpoint).includes('outdated')
}

/**
 * The newer of two dotted versions (null counts as oldest). A health check reports the newer of
 * what the machine's rule says and what an upgrade already installed: a Tentacle never goes back
 * to an old version by itself.
 */
export function newerVersion(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null
  if (!b) return a
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d > 0 ? a : b
  }
  return a
}

/** The legacy `Status` field derived from health, disabled flag and Tentacle version. */
export function machineStatus(health: HealthStatus, isDisabled: boolean, tentacleVersion: string | null | undefined): string {
  if (isDisabled) return 'Disabled'
  if (health === 'Unknown') return 'Unknown'
  if (health === 'Unavailable') return 'Offline'
  if (tentacleVersion && tentacleVersion !== LATEST_TENTACLE_VERSION && tentacleVersion !== LATEST_KUBERNETES_AGENT.TentacleVersion) return 'NeedsUpgrade'
  return 'Online'
}

export function statusSummary(health: HealthStatus): string {
  switch (health) {
    case 'Unknown': return 'This machine was recently added. Please perform a health check.'
    case 'Healthy': return 'Octopus was able to successfully establish a connection with this machine.'
    case 'HasWarnings': return 'The last health check completed with warnings.'
    case 'Unhealthy': return 'The last health check failed.'
    case 'Unavailable': return 'The machine was unavailable at the last health check.'
  }
}
