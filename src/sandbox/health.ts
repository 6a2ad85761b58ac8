import {endpointHost, LATEST_TENTACLE_VERSION, OUTDATED_TENTACLE_VERSION, type EndpointDoc} from './endpoints.js'

export type HealthStatus = 'Healthy' | 'HasWarnings' | 'Unhealthy' | 'Unavailable' | 'Unknown'

export interface HealthOutcome {
  health: Exclude<HealthStatus, 'Unknown'>
  /** The Tentacle version the "machine" reports; null for SSH (no Tentacle). */
  tentacleVersion: string | null
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
 *   anything else                               -> Healthy
 * A host containing "outdated" reports Tentacle 6.3.417 (upgrade suggested); others report the latest.
 */
export function decideHealth(endpoint: EndpointDoc): HealthOutcome {
  const host = endpointHost(endpoint)
  const polling = endpoint.CommunicationStyle === 'TentacleActive'
  const is = (word: string) => (polling ? host.startsWith(word) : host === `${word}.test` || host.endsWith(`.${word}.test`))
  const tentacleVersion = endpoint.CommunicationStyle === 'Ssh' ? null : host.includes('outdated') ? OUTDATED_TENTACLE_VERSION : LATEST_TENTACLE_VERSION
  const where = endpoint.CommunicationStyle === 'TentacleActive' ? `polling Tentacle ${endpoint.Uri}` : endpoint.Uri
  if (is('unreachable')) {
    return {health: 'Unavailable', tentacleVersion: null, message: `The machine at ${where} could not be contacted: the connection timed out (no response within 00:01:00).`}
  }
  if (is('unhealthy')) {
    return {health: 'Unhealthy', tentacleVersion, message: `The health check script on ${where} failed with exit code 1: disk space is critically low.`}
  }
  const versionNote = tentacleVersion === OUTDATED_TENTACLE_VERSION ? ` Tentacle ${tentacleVersion} is out of date; version ${LATEST_TENTACLE_VERSION} is available.` : ''
  if (is('warnings')) {
    return {health: 'HasWarnings', tentacleVersion, message: `The health check on ${where} completed with warnings: free disk space is below 10%.${versionNote}`}
  }
  return {health: 'Healthy', tentacleVersion, message: `The machine at ${where} is healthy${tentacleVersion ? ` (Tentacle ${tentacleVersion})` : ''}.${versionNote}`}
}

/** The legacy `Status` field derived from health, disabled flag and Tentacle version. */
export function machineStatus(health: HealthStatus, isDisabled: boolean, tentacleVersion: string | null | undefined): string {
  if (isDisabled) return 'Disabled'
  if (health === 'Unknown') return 'Unknown'
  if (health === 'Unavailable') return 'Offline'
  if (tentacleVersion && tentacleVersion !== LATEST_TENTACLE_VERSION) return 'NeedsUpgrade'
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
