import {describe, expect, it} from 'vitest'
import {buildEndpoint, endpointMatches} from '../../../src/app/workers/endpoint.js'
import {endpointAddress, endpointThumbprint, workerTypeLabel} from '../../../src/domain/workers/endpoint-facts.js'
import {describeUpgradeAdvice, upgradeAdvice} from '../../../src/domain/workers/endpoint-facts.js'
import {parseHealthStatus, parseWorkerType, sortByName, toWorkerQuery, poolNames, withPoolNames} from '../../../src/app/workers/list.js'
import {workerRow} from '../../../src/views/workers.js'
import {THUMB, pool, worker} from './fixtures.js'

describe('worker type and endpoint display', () => {
  it.each([
    [{CommunicationStyle: 'TentaclePassive', Uri: 'https://a:10933/'}, 'Listening', 'https://a:10933/'],
    [{CommunicationStyle: 'TentacleActive', Uri: 'poll://abc/'}, 'Polling', 'poll://abc/'],
    [{CommunicationStyle: 'Ssh', Host: 'h', Port: 2222}, 'SSH', 'ssh://h:2222/'],
    [{CommunicationStyle: 'Ssh', Host: 'h', Port: 22, Uri: 'ssh://h:22/'}, 'SSH', 'ssh://h:22/'],
    [{CommunicationStyle: 'KubernetesTentacle', TentacleEndpointConfiguration: {CommunicationMode: 'Polling', Uri: 'poll://k8s/'}}, 'Kubernetes', 'poll://k8s/'],
    [{CommunicationStyle: 'OfflineDrop'}, 'OfflineDrop', ''],
  ])('%j -> %s, %s', (endpoint, label, address) => {
    expect(workerTypeLabel(endpoint as any)).toBe(label)
    expect(endpointAddress(endpoint as any)).toBe(address)
  })
  it('finds the thumbprint on Tentacle and Kubernetes endpoints', () => {
    expect(endpointThumbprint({CommunicationStyle: 'TentaclePassive', Thumbprint: THUMB})).toBe(THUMB)
    expect(endpointThumbprint({CommunicationStyle: 'KubernetesTentacle', TentacleEndpointConfiguration: {Thumbprint: THUMB}})).toBe(THUMB)
    expect(endpointThumbprint({CommunicationStyle: 'Ssh'})).toBeUndefined()
  })
  it('describes the Tentacle version and upgrade advice', () => {
    expect(describeUpgradeAdvice(upgradeAdvice({CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '8.3.2886'}}))).toBe('8.3.2886')
    expect(describeUpgradeAdvice(upgradeAdvice({CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '6.3.417', UpgradeSuggested: true}}))).toBe('6.3.417 (upgrade suggested)')
    expect(describeUpgradeAdvice(upgradeAdvice({CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '3.0.0', UpgradeSuggested: true, UpgradeRequired: true}}))).toBe('3.0.0 (upgrade required)')
    expect(describeUpgradeAdvice(upgradeAdvice({CommunicationStyle: 'KubernetesTentacle', KubernetesAgentDetails: {TentacleVersion: '8.1', UpgradeStatus: 'UpgradeRequired'}}))).toBe('8.1 (upgrade required)')
    expect(describeUpgradeAdvice(upgradeAdvice({CommunicationStyle: 'TentaclePassive'}))).toMatch(/unknown/)
  })
})

describe('buildEndpoint', () => {
  it('builds a listening endpoint', () => {
    expect(buildEndpoint({type: 'listening', url: 'https://a:10933/', thumbprint: THUMB, proxyId: 'Proxies-1'})).toEqual({CommunicationStyle: 'TentaclePassive', Uri: 'https://a:10933/', Thumbprint: THUMB, ProxyId: 'Proxies-1'})
  })
  it('builds a polling endpoint with a poll:// URI', () => {
    expect(buildEndpoint({type: 'polling', subscriptionId: 'abc123', thumbprint: THUMB})).toEqual({CommunicationStyle: 'TentacleActive', Uri: 'poll://abc123/', Thumbprint: THUMB})
  })
  it('builds an SSH endpoint with a derived URI', () => {
    expect(buildEndpoint({type: 'ssh', host: 'h', port: 2222, fingerprint: 'SHA256:x', accountId: 'Accounts-1', platform: 'linux-x64'})).toEqual({
      CommunicationStyle: 'Ssh', Host: 'h', Port: 2222, Fingerprint: 'SHA256:x', AccountId: 'Accounts-1', Uri: 'ssh://h:2222/', ProxyId: null, DotNetCorePlatform: 'linux-x64',
    })
  })
})

describe('endpointMatches (the --if-not-exists decision)', () => {
  const listening = {type: 'listening' as const, url: 'https://a.example.com:10933/', thumbprint: THUMB}
  it('matches the same URL and thumbprint regardless of case and trailing slash', () => {
    expect(endpointMatches({CommunicationStyle: 'TentaclePassive', Uri: 'https://A.example.com:10933', Thumbprint: THUMB.toLowerCase()}, listening)).toBe(true)
  })
  it.each([
    [{CommunicationStyle: 'TentaclePassive', Uri: 'https://b.example.com:10933/', Thumbprint: THUMB}],
    [{CommunicationStyle: 'TentaclePassive', Uri: 'https://a.example.com:10934/', Thumbprint: THUMB}],
    [{CommunicationStyle: 'TentaclePassive', Uri: 'https://a.example.com:10933/', Thumbprint: 'A'.repeat(40)}],
    [{CommunicationStyle: 'TentacleActive', Uri: 'https://a.example.com:10933/', Thumbprint: THUMB}],
  ])('does not match %j', (existing) => expect(endpointMatches(existing as any, listening)).toBe(false))
  it('compares SSH by host, port, fingerprint and account (SHA256 case-sensitively)', () => {
    const spec = {type: 'ssh' as const, host: 'h', port: 22, fingerprint: 'SHA256:AbC', accountId: 'Accounts-1'}
    const existing = {CommunicationStyle: 'Ssh', Host: 'H', Port: 22, Fingerprint: 'SHA256:AbC', AccountId: 'Accounts-1'}
    expect(endpointMatches(existing, spec)).toBe(true)
    expect(endpointMatches({...existing, Fingerprint: 'SHA256:abc'}, spec)).toBe(false)
    expect(endpointMatches({...existing, Port: 2222}, spec)).toBe(false)
    expect(endpointMatches({...existing, AccountId: 'Accounts-2'}, spec)).toBe(false)
  })
})

describe('list filters -> server query', () => {
  it('maps every filter to the server parameter', () => {
    expect(toWorkerQuery({poolIds: ['WorkerPools-1', 'WorkerPools-1', 'WorkerPools-2'], health: ['Healthy', 'Unhealthy'], disabled: true, type: 'polling', nameLike: ' omaha '})).toEqual({
      workerPoolIds: ['WorkerPools-1', 'WorkerPools-2'], healthStatuses: ['Healthy', 'Unhealthy'], isDisabled: true, commStyles: ['TentacleActive'], partialName: 'omaha',
    })
  })
  it('sends isDisabled=false for --enabled and nothing when no filter', () => {
    expect(toWorkerQuery({enabled: true}).isDisabled).toBe(false)
    expect(Object.values(toWorkerQuery({})).every((v) => v === undefined)).toBe(true)
  })
  it.each([['listening', 'TentaclePassive'], ['ssh', 'Ssh'], ['kubernetes', 'KubernetesTentacle']])('--type %s -> %s', (type, style) => {
    expect(toWorkerQuery({type: parseWorkerType(type)}).commStyles).toEqual([style])
  })
  it('parses health case-insensitively and rejects unknown values (exit 2)', () => {
    expect(parseHealthStatus('haswarnings')).toBe('HasWarnings')
    expect(() => parseHealthStatus('Sick')).toThrow(expect.objectContaining({exitCode: 2}))
    expect(() => parseWorkerType('cloud')).toThrow(expect.objectContaining({exitCode: 2}))
  })
})

describe('rows and pool names', () => {
  const pools = [pool('WorkerPools-1', 'Default Worker Pool'), pool('WorkerPools-2', 'Linux')]
  it('derives WorkerPoolNames in the worker\'s pool order, keeping unknown IDs', () => {
    expect(withPoolNames(worker('Workers-1', 'a', {WorkerPoolIds: ['WorkerPools-2', 'WorkerPools-1', 'WorkerPools-99']}), poolNames(pools)).WorkerPoolNames).toEqual(['Linux', 'Default Worker Pool', 'WorkerPools-99'])
  })
  it('renders NAME TYPE HEALTH DISABLED POOLS ENDPOINT', () => {
    const w = withPoolNames(worker('Workers-1', 'a', {IsDisabled: true, HealthStatus: 'Unavailable', WorkerPoolIds: ['WorkerPools-1', 'WorkerPools-2']}), poolNames(pools))
    expect(workerRow(w)).toEqual(['a', 'Listening', 'Unavailable', 'yes', 'Default Worker Pool, Linux', 'https://a.example.com:10933/'])
  })
  it('sorts by name case-insensitively', () => {
    expect(sortByName([{Name: 'b'}, {Name: 'A'}, {Name: 'c'}]).map((x) => x.Name)).toEqual(['A', 'b', 'c'])
  })
})
