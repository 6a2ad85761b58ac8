import type {SandboxContext} from './context.js'
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

export interface EndpointDoc {
  CommunicationStyle: 'TentaclePassive' | 'TentacleActive' | 'Ssh'
  Uri: string
  Thumbprint: string | null
  ProxyId?: string | null
  TentacleVersionDetails?: TentacleVersionDetails
  CertificateSignatureAlgorithm?: string | null
  Host?: string
  Port?: number
  Fingerprint?: string
  AccountId?: string
  DotNetCorePlatform?: string | null
  Id: null
  LastModifiedOn: null
  LastModifiedBy: null
  Links: Record<string, string>
}

const SUPPORTED_STYLES = ['TentaclePassive', 'TentacleActive', 'Ssh']

/**
 * Reads and checks an Endpoint object for a worker or deployment target. Server-owned parts
 * (the Tentacle version found by health checks) are kept from `previous`.
 */
export function readEndpoint(ctx: SandboxContext, spaceId: string, raw: Fields | undefined, errors: string[], previous?: EndpointDoc): EndpointDoc | undefined {
  if (!raw) {
    errors.push('Please specify the Endpoint (with a CommunicationStyle of TentaclePassive, TentacleActive or Ssh).')
    return undefined
  }
  const style = raw.optionalString('CommunicationStyle')
  const base = {Id: null, LastModifiedOn: null, LastModifiedBy: null, Links: {}} as const
  const previousVersion = previous?.CommunicationStyle === style ? previous?.TentacleVersionDetails : undefined
  if (!style || !SUPPORTED_STYLES.includes(style)) {
    errors.push(raw.errors[0] ?? `Endpoint.CommunicationStyle must be one of ${SUPPORTED_STYLES.join(', ')}${style ? `, not '${style}'` : ''}.`)
    return undefined
  }
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
      Thumbprint: null, ProxyId: proxyId, DotNetCorePlatform: platform, ...base,
    }
  }
  const uri = raw.requiredString('Uri', `Endpoint.Uri of the ${style === 'TentacleActive' ? 'polling' : 'listening'} Tentacle`)
  const thumbprint = raw.requiredString('Thumbprint', 'Tentacle thumbprint (Endpoint.Thumbprint)')
  const proxyId = style === 'TentaclePassive' ? raw.optionalString('ProxyId') : null
  const tvd = raw.object('TentacleVersionDetails')
  const upgradeLocked = tvd ? tvd.optionalBoolean('UpgradeLocked', false) : (previousVersion?.UpgradeLocked ?? false)
  errors.push(...raw.errors.map((e) => e.replace(/^(\w+) must/, 'Endpoint.$1 must')))
  if (thumbprint && !THUMBPRINT.test(thumbprint)) errors.push(`Endpoint.Thumbprint must be 40 hexadecimal characters, not '${thumbprint}'.`)
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

function checkProxy(ctx: SandboxContext, spaceId: string, proxyId: string | null, errors: string[]): void {
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

/** The host (or polling subscription ID) the health rules look at. */
export function endpointHost(endpoint: EndpointDoc): string {
  if (endpoint.CommunicationStyle === 'Ssh') return (endpoint.Host ?? '').toLowerCase()
  if (endpoint.CommunicationStyle === 'TentacleActive') return /^poll:\/\/([^/]+)/i.exec(endpoint.Uri)?.[1]?.toLowerCase() ?? ''
  try {
    return new URL(endpoint.Uri).hostname.toLowerCase()
  } catch {
    return ''
  }
}
