import {describe, expect, it} from 'vitest'
import {describeUpgradeAdvice, endpointAddress, kubernetesAgent, upgradeAdvice, workerCells, workerTypeLabel, type PresentableEndpoint} from '../../../src/domain/workers/endpoint-facts.js'
import {upgradeEligibility} from '../../../src/domain/workers/upgrade-eligibility.js'

const needed = (Endpoint: PresentableEndpoint) => upgradeEligibility({Id: 'Workers-1', Endpoint}, 'Tentacle').needed

describe('the one worker renderer', () => {
  it.each([
    [{CommunicationStyle: 'TentaclePassive', Uri: 'https://a:10933/'}, 'Listening', 'https://a:10933/'],
    [{CommunicationStyle: 'tentacleactive', Uri: 'poll://abc/'}, 'Polling', 'poll://abc/'],
    [{CommunicationStyle: 'Ssh', Host: 'h', Port: 2222, Uri: 'ssh://h:2222'}, 'SSH', 'ssh://h:2222/'],
    [{CommunicationStyle: 'Ssh', Host: 'h'}, 'SSH', 'ssh://h:22/'],
    [{CommunicationStyle: 'Ssh', Uri: 'ssh://h:22'}, 'SSH', 'ssh://h:22/'],
    [{CommunicationStyle: 'KubernetesTentacle', TentacleEndpointConfiguration: {CommunicationMode: 'Listening', Uri: 'https://agent:10933/'}}, 'Kubernetes', 'https://agent:10933/'],
    [{CommunicationStyle: 'KubernetesTentacle', TentacleEndpointConfiguration: null}, 'Kubernetes', ''],
    [{CommunicationStyle: 'StepPackage'}, 'StepPackage', ''],
    [{CommunicationStyle: ''}, 'None', ''],
    [{}, 'None', ''],
    [null, 'None', ''],
  ])('%j -> %s, %s', (endpoint, type, address) => {
    expect(workerTypeLabel(endpoint as never)).toBe(type)
    expect(endpointAddress(endpoint as never)).toBe(address)
  })

  it('with no endpoint, the address is the worker-level Uri; health and disabled are never blank', () => {
    expect(workerCells({Endpoint: null, Uri: 'https://w:10933/'})).toEqual({Type: 'None', Endpoint: 'https://w:10933/', Health: 'Unknown', Disabled: 'no'})
    expect(workerCells({Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://x/'}, HealthStatus: 'HasWarnings', IsDisabled: true})).toEqual({Type: 'Polling', Endpoint: 'poll://x/', Health: 'HasWarnings', Disabled: 'yes'})
  })
})

describe('upgrade advice', () => {
  const agent = (status: unknown, extra: Record<string, unknown> = {}) => ({CommunicationStyle: 'KubernetesTentacle', KubernetesAgentDetails: {TentacleVersion: '9.2.4285', AgentVersion: '3.13.2', UpgradeStatus: status}, ...extra})

  it.each([
    ['NoUpgrades', false, '9.2.4285'],
    ['UpgradeAvailable', false, '9.2.4285 (upgrade available)'],
    ['upgradesuggested', true, '9.2.4285 (upgrade suggested)'],
    ['UPGRADEREQUIRED', true, '9.2.4285 (upgrade required)'],
    ['SomethingNew', false, '9.2.4285'],
    [undefined, false, '9.2.4285'],
  ])('Kubernetes agent UpgradeStatus %s: needs upgrade %s, shown as %s', (status, needs, shown) => {
    const advice = upgradeAdvice(agent(status))
    expect(advice?.source).toBe('kubernetes-agent')
    expect(needed(agent(status))).toBe(needs)
    expect(describeUpgradeAdvice(advice)).toBe(shown)
  })

  it('reads the agent details, with the lock from the endpoint itself', () => {
    expect(kubernetesAgent(agent('upgraderequired', {UpgradeLocked: true}))).toEqual({agentVersion: '3.13.2', tentacleVersion: '9.2.4285', upgradeStatus: 'UpgradeRequired', helmReleaseName: undefined, namespace: undefined, upgradeLocked: true})
    expect(kubernetesAgent({CommunicationStyle: 'KubernetesTentacle', KubernetesAgentDetails: null})).toMatchObject({upgradeStatus: undefined, upgradeLocked: false})
    expect(kubernetesAgent({CommunicationStyle: 'TentaclePassive'})).toBeUndefined()
  })

  it('Tentacles: TentacleVersionDetails; UpgradeAvailable alone is shown but not asked for', () => {
    const endpoint = {CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '8.1.0', UpgradeAvailable: true}}
    const advice = upgradeAdvice(endpoint)
    expect(needed(endpoint)).toBe(false)
    expect(describeUpgradeAdvice(advice)).toBe('8.1.0 (upgrade available)')
    expect(upgradeAdvice({CommunicationStyle: 'Ssh'})).toBeUndefined()
    expect(upgradeAdvice(null)).toBeUndefined()
  })
})
