import type {ModelContext} from './context.js'
import {Fields, THUMBPRINT} from './validate.js'

/** The Tentacle version the sandbox treats as current; older ones are flagged for upgrade. */
export const LATEST_TENTACLE_VERSION = '8.3.2886'
export const OUTDATED_TENTACLE_VERSION = '6.3.417'

export interface TentacleVersionDetails {
  UpgradeLocked: boolean
  Version: string | null
  UpgradeSuggested: boolean
  UpgradeRequired: boolean
  UpgradeAvailable: boolean
}

/** `Endpoint.TentacleEndpointConfiguration` of a Kubernetes agent (how the agent's Tentacle connects). */
export interface TentacleEndpointConfiguration {
  CommunicationMode: 'Polling' | 'Listening'
  Thumbprint: string
  Uri: string
  ProxyId?: string | null
  CertificateSignatureAlgorithm: string | null
}

/** `Endpoint.KubernetesAgentDetails`: reported by the agent (server-owned; set by health checks). */
export interface KubernetesAgentDetails {
  AgentVersion: string | null
  TentacleVersion: string | null
  UpgradeStatus: 'NoUpgrades' | 'UpgradeAvailable' | 'UpgradeSuggested' | 'UpgradeRequired'
  HelmReleaseName: string | null
  KubernetesNamespace: string | null
}

/**
 * A worker's endpoint, one shape per CommunicationStyle. Listening/polling Tentacles carry
 * Uri/Thumbprint/TentacleVersionDetails; SSH carries Host/Port/Fingerprint/AccountId and no
 * Thumbprint (real SSH endpoints have none); a Kubernetes agent carries TentacleEndpointConfiguration,
 * KubernetesAgentDetails, UpgradeLocked and DefaultNamespace; any other style (e.g. `None`) is kept
 * as stored.
 */
export interface EndpointDoc {
  CommunicationStyle: string
  Uri?: string | null
  Thumbprint?: string | null
  ProxyId?: string | null
  TentacleVersionDetails?: TentacleVersionDetails
  CertificateSignatureAlgorithm?: string | null
  Host?: string
  Port?: number
  Fingerprint?: string
  AccountId?: string
  DotNetCorePlatform?: string | null
  TentacleEndpointConfiguration?: TentacleEndpointConfiguration
  KubernetesAgentDetails?: KubernetesAgentDetails
  UpgradeLocked?: boolean
  DefaultNamespace?: string | null
  Id: null
  LastModifiedOn: null
  LastModifiedBy: null
  Links: Record<string, string>
}

const TENTACLE_STYLES = ['TentaclePassive', 'TentacleActive', 'Ssh']

/** The Kubernetes agent versions the sandbox reports (chart 3.13.2 ships Tentacle 9.2.4285). */
export const LATEST_KUBERNETES_AGENT = {AgentVersion: '3.13.2', TentacleVersion: '9.2.4285'}
export const OUTDATED_KUBERNETES_AGENT = {AgentVersion: '2.2.1', TentacleVersion: '8.1.1947'}

/**
 * Reads and checks an Endpoint object for a worker or deployment target. Server-owned parts
 * (the Tentacle version found by health checks) are kept from `previous`.
 */
export function readEndpoint(ctx: ModelContext, spaceId: string, raw: Fields | undefined, errors: string[], previous?: EndpointDoc | null): EndpointDoc | undefined {
  const styles = ctx.profile.kubernetesWorkers ? [...TENTACLE_STYLES, 'KubernetesTentacle'] : TENTACLE_STYLES
  if (!raw) {
    errors.push(`Please specify the Endpoint (with a CommunicationStyle of ${styles.join(', ')}).`)
    return undefined
  }
  const style = raw.optionalString('CommunicationStyle')
  const base = {Id: null, LastModifiedOn: null, LastModifiedBy: null, Links: {}} as const
  const previousVersion = previous?.CommunicationStyle === style ? previous?.TentacleVersionDetails : undefined
  // A full-document PUT of a worker whose stored style this server cannot create (e.g. `None`)
  // keeps that endpoint as it was, so enabling or renaming such a worker still works.
  if (style && previous && style === previous.CommunicationStyle && !styles.includes(style)) return previous
  if (style === 'KubernetesTentacle' && !ctx.profile.kubernetesWorkers) {
    errors.push(`Kubernetes agent workers (CommunicationStyle KubernetesTentacle) need Octopus Server 2024.2 or later; this server is ${ctx.profile.versionString}.`)
    return undefined
  }
  if (!style || !styles.includes(style)) {
    errors.push(raw.errors[0] ?? `Endpoint.CommunicationStyle must be one of ${styles.join(', ')}${style ? `, not '${style}'` : ''}.`)
    return undefined
  }
  if (style === 'KubernetesTentacle') return readKubernetesEndpoint(ctx, spaceId, raw, errors, previous ?? undefined)
  if (style === 'Ssh') {
    const host = raw.requiredString('Host', 'SSH host (Endpoint.Host)')
    const port = raw.optionalInteger('Port', 22, 1, 65535)
    const fingerprint = raw.requiredString('Fingerprint', 'SSH host key fingerprint (Endpoint.Fingerprint)')
    const accountId = raw.requiredString('AccountId', 'account (Endpoint.AccountId) used to log in over SSH')
    const proxyId = raw.optionalString('ProxyId')
    const platform = raw.optionalString('DotNetCorePlatform')
    errors.push(...raw.errors.map((e) => e.replace(/^(\w+) must/, 'Endpoint.$1 must')))
    if (host && !/^[A-Za-z0-9.:[\]-]+$/.test(host)) errors.push(`Endpoint.Host '${host}' is not a valid host name.`)
    if (accountId) {
      const account = ctx.store.getDoc('Account', accountId)
      const type = account ? (JSON.parse(account.json) as {AccountType: string}).AccountType : undefined
      if (!account || account.space_id !== spaceId) errors.push(`Account '${accountId}' does not exist in ${spaceId}.`)
      else if (type !== 'SshKeyPair' && type !== 'UsernamePassword') errors.push(`Account '${accountId}' is a ${type} account; SSH needs an SshKeyPair or UsernamePassword account.`)
    }
    if (platform && !['linux-x64', 'linux-arm64', 'linux-arm', 'osx-x64'].includes(platform)) errors.push(`Endpoint.DotNetCorePlatform '${platform}' is not one of linux-x64, linux-arm64, linux-arm, osx-x64.`)
    checkProxy(ctx, spaceId, proxyId, errors)
    return {
      CommunicationStyle: 'Ssh', AccountId: accountId, Host: host, Port: port, Fingerprint: fingerprint, Uri: `ssh://${host}:${port}/`,
      ProxyId: proxyId, DotNetCorePlatform: platform, ...base,
    }
  }
  const uri = raw.requiredString('Uri', `Endpoint.Uri of the ${style === 'TentacleActive' ? 'polling' : 'listening'} Tentacle`)
  const thumbprint = raw.requiredString('Thumbprint', 'Tentacle thumbprint (Endpoint.Thumbprint)')
  const proxyId = style === 'TentaclePassive' ? raw.optionalString('ProxyId') : null
  const tvd = raw.object('TentacleVersionDetails')
  const upgradeLocked = tvd ? tvd.optionalBoolean('UpgradeLocked', false) : (previousVersion?.UpgradeLocked ?? false)
  errors.push(...raw.errors.map((e) => e.replace(/^(\w+) must/, 'Endpoint.$1 must')))
  if (thumbprint && !THUMBPRINT.test(thumbprint)) errors.push(`Endpoint.Thumbprint must be 40 hexadecimal characters, not '${thumbprint}'.`)
  checkTentacleUri(style as 'TentaclePassive' | 'TentacleActive', uri, errors)
  checkProxy(ctx, spaceId, proxyId, errors)
  return {
    CommunicationStyle: style as 'TentaclePassive' | 'TentacleActive',
    Uri: uri,
    Thumbprint: thumbprint.toUpperCase(),
    ...(style === 'TentaclePassive' ? {ProxyId: proxyId} : {}),
    TentacleVersionDetails: {...(previousVersion ?? unknownVersion()), UpgradeLocked: upgradeLocked},
    CertificateSignatureAlgorithm: previous?.CertificateSignatureAlgorithm ?? null,
    ...base,
  }
}

/** A listening Tentacle's https:// URI or a polling Tentacle's poll://<id>/. */
function checkTentacleUri(style: 'TentaclePassive' | 'TentacleActive', uri: string, errors: string[]): void {
  if (uri) {
    if (style === 'TentacleActive') {
      if (!/^poll:\/\/[A-Za-z0-9]+\/$/.test(uri)) errors.push(`A polling Tentacle's Endpoint.Uri must look like poll://<subscription-id>/ (letters and digits), not '${uri}'.`)
    } else {
      let parsed: URL | undefined
      try {
        parsed = new URL(uri)
      } catch {
        parsed = undefined
      }
      if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !parsed.hostname) errors.push(`A listening Tentacle's Endpoint.Uri must be an https:// URL with a host, e.g. https://worker01.example.com:10933/, not '${uri}'.`)
    }
  }
}

const UPGRADE_STATUSES = ['NoUpgrades', 'UpgradeAvailable', 'UpgradeSuggested', 'UpgradeRequired']

/**
 * A Kubernetes agent worker's endpoint (the shape Octopus's clients model): the agent's Tentacle
 * connection under TentacleEndpointConfiguration (Polling, or Listening with a ProxyId), the
 * writable UpgradeLocked and DefaultNamespace, and KubernetesAgentDetails, which the agent reports:
 * accepted on create (the Helm chart's registration supplies them), kept from `previous` otherwise.
 */
function readKubernetesEndpoint(ctx: ModelContext, spaceId: string, raw: Fields, errors: string[], previous?: EndpointDoc): EndpointDoc | undefined {
  const config = raw.object('TentacleEndpointConfiguration')
  const upgradeLocked = raw.optionalBoolean('UpgradeLocked', previous?.UpgradeLocked ?? false)
  const defaultNamespace = raw.optionalString('DefaultNamespace')
  const detailsRaw = raw.object('KubernetesAgentDetails')
  errors.push(...raw.errors.map((e) => e.replace(/^(\w+) must/, 'Endpoint.$1 must')))
  if (!config) {
    errors.push('A Kubernetes agent endpoint needs Endpoint.TentacleEndpointConfiguration {CommunicationMode, Thumbprint, Uri}.')
    return undefined
  }
  const mode = config.optionalString('CommunicationMode') ?? 'Polling'
  const uri = config.requiredString('Uri', 'Endpoint.TentacleEndpointConfiguration.Uri')
  const thumbprint = config.requiredString('Thumbprint', 'Endpoint.TentacleEndpointConfiguration.Thumbprint')
  const proxyId = mode === 'Listening' ? config.optionalString('ProxyId') : null
  errors.push(...config.errors.map((e) => e.replace(/^(\w+) must/, 'Endpoint.TentacleEndpointConfiguration.$1 must')))
  if (mode !== 'Polling' && mode !== 'Listening') errors.push(`Endpoint.TentacleEndpointConfiguration.CommunicationMode must be Polling or Listening, not '${mode}'.`)
  if (thumbprint && !THUMBPRINT.test(thumbprint)) errors.push(`Endpoint.TentacleEndpointConfiguration.Thumbprint must be 40 hexadecimal characters, not '${thumbprint}'.`)
  if (mode === 'Polling' || mode === 'Listening') checkTentacleUri(mode === 'Polling' ? 'TentacleActive' : 'TentaclePassive', uri, errors)
  checkProxy(ctx, spaceId, proxyId, errors)
  let details: KubernetesAgentDetails = previous?.KubernetesAgentDetails ?? unknownAgent()
  if (detailsRaw && !previous) {
    const status = detailsRaw.optionalString('UpgradeStatus') ?? 'NoUpgrades'
    const match = UPGRADE_STATUSES.find((s) => s.toLowerCase() === status.toLowerCase())
    if (!match) errors.push(`Endpoint.KubernetesAgentDetails.UpgradeStatus must be one of ${UPGRADE_STATUSES.join(', ')}, not '${status}'.`)
    details = {
      AgentVersion: detailsRaw.optionalString('AgentVersion'),
      TentacleVersion: detailsRaw.optionalString('TentacleVersion'),
      UpgradeStatus: (match ?? 'NoUpgrades') as KubernetesAgentDetails['UpgradeStatus'],
      HelmReleaseName: detailsRaw.optionalString('HelmReleaseName'),
      KubernetesNamespace: detailsRaw.optionalString('KubernetesNamespace'),
    }
    errors.push(...detailsRaw.errors.map((e) => e.replace(/^(\w+) must/, 'Endpoint.KubernetesAgentDetails.$1 must')))
  }
  return {
    CommunicationStyle: 'KubernetesTentacle',
    TentacleEndpointConfiguration: {
      CommunicationMode: mode as 'Polling' | 'Listening', Thumbprint: thumbprint.toUpperCase(), Uri: uri,
      ...(mode === 'Listening' ? {ProxyId: proxyId} : {}),
      CertificateSignatureAlgorithm: previous?.TentacleEndpointConfiguration?.CertificateSignatureAlgorithm ?? null,
    },
    KubernetesAgentDetails: details,
    UpgradeLocked: upgradeLocked,
    DefaultNamespace: defaultNamespace,
    Id: null, LastModifiedOn: null, LastModifiedBy: null, Links: {},
  }
}

/** A polling Kubernetes agent endpoint as the Helm chart registers it (release and namespace `octopus-agent-<name>`). */
export function thumbprintedAgent(uri: string, thumbprint: string, name: string): Partial<EndpointDoc> & {CommunicationStyle: string} {
  return {
    CommunicationStyle: 'KubernetesTentacle',
    TentacleEndpointConfiguration: {CommunicationMode: 'Polling', Thumbprint: thumbprint, Uri: uri, CertificateSignatureAlgorithm: null},
    KubernetesAgentDetails: {...unknownAgent(), HelmReleaseName: `octopus-agent-${name}`, KubernetesNamespace: `octopus-agent-${name}`},
    UpgradeLocked: false,
    DefaultNamespace: null,
  }
}

export function unknownAgent(): KubernetesAgentDetails {
  return {AgentVersion: null, TentacleVersion: null, UpgradeStatus: 'NoUpgrades', HelmReleaseName: null, KubernetesNamespace: null}
}

/** What a health check finds on a Kubernetes agent: its versions and whether an upgrade is due. */
export function agentDetails(outdated: boolean, previous: KubernetesAgentDetails | undefined): KubernetesAgentDetails {
  const versions = outdated ? OUTDATED_KUBERNETES_AGENT : LATEST_KUBERNETES_AGENT
  return {...(previous ?? unknownAgent()), ...versions, UpgradeStatus: outdated ? 'UpgradeSuggested' : 'NoUpgrades'}
}

/** The worker-level `Uri` and `Thumbprint` (Octopus repeats the endpoint's at the top level). */
export function endpointIdentity(endpoint: EndpointDoc | null): {Uri: string | null; Thumbprint: string | null} {
  if (!endpoint) return {Uri: null, Thumbprint: null}
  if (endpoint.CommunicationStyle === 'KubernetesTentacle') {
    return {Uri: endpoint.TentacleEndpointConfiguration?.Uri ?? null, Thumbprint: endpoint.TentacleEndpointConfiguration?.Thumbprint ?? null}
  }
  return {Uri: endpoint.Uri ?? null, Thumbprint: endpoint.Thumbprint ?? null}
}

/** The Tentacle version a machine reports, whatever its endpoint (null for SSH and unknown styles). */
export function reportedTentacleVersion(endpoint: EndpointDoc | null): string | null {
  if (!endpoint) return null
  if (endpoint.CommunicationStyle === 'KubernetesTentacle') return endpoint.KubernetesAgentDetails?.TentacleVersion ?? null
  return endpoint.TentacleVersionDetails?.Version ?? null
}

function checkProxy(ctx: ModelContext, spaceId: string, proxyId: string | null, errors: string[]): void {
  if (!proxyId) return
  const proxy = ctx.store.getDoc('Proxy', proxyId)
  if (!proxy || proxy.space_id !== spaceId) errors.push(`Proxy '${proxyId}' does not exist in ${spaceId}.`)
}

export function unknownVersion(): TentacleVersionDetails {
  return {UpgradeLocked: false, Version: null, UpgradeSuggested: false, UpgradeRequired: false, UpgradeAvailable: false}
}

export function versionDetails(version: string, upgradeLocked = false): TentacleVersionDetails {
  const outdated = version !== LATEST_TENTACLE_VERSION
  return {UpgradeLocked: upgradeLocked, Version: version, UpgradeSuggested: outdated, UpgradeRequired: false, UpgradeAvailable: outdated}
}

/** The host (or polling subscription ID) the health rules look at; '' when there is none. */
export function endpointHost(endpoint: EndpointDoc | null): string {
  if (!endpoint) return ''
  if (endpoint.CommunicationStyle === 'Ssh') return (endpoint.Host ?? '').toLowerCase()
  const uri = endpointIdentity(endpoint).Uri ?? ''
  if (/^poll:\/\//i.test(uri)) return /^poll:\/\/([^/]+)/i.exec(uri)?.[1]?.toLowerCase() ?? ''
  try {
    return new URL(uri).hostname.toLowerCase()
  } catch {
    return ''
  }
}
