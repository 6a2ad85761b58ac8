/** The one upgrade-eligibility rule that `check` and `worker upgrade` share. */
import {describe, expect, it} from 'vitest'
import {helmUpgradeCommand} from '../../../src/domain/workers/kubernetes-agent.js'
import {upgradeEligibility, type UpgradeWorker} from '../../../src/domain/workers/upgrade-eligibility.js'

const tentacle = (details: Record<string, unknown> = {}, style = 'TentaclePassive'): UpgradeWorker => ({
  Id: 'Workers-1', HasLatestCalamari: true, Endpoint: {CommunicationStyle: style, TentacleVersionDetails: {Version: '6.3.417', UpgradeSuggested: false, UpgradeRequired: false, ...details}},
})
const agent = (status: string, extra: Record<string, unknown> = {}): UpgradeWorker => ({
  Id: 'Workers-2', HasLatestCalamari: false, Endpoint: {
    CommunicationStyle: 'KubernetesTentacle', UpgradeLocked: false,
    KubernetesAgentDetails: {AgentVersion: '2.2.1', TentacleVersion: '8.1.1947', UpgradeStatus: status, HelmReleaseName: 'octopus-agent-k8s', KubernetesNamespace: 'octopus agents'},
    ...extra,
  },
})
const ssh: UpgradeWorker = {Id: 'Workers-3', HasLatestCalamari: false, Endpoint: {CommunicationStyle: 'Ssh', Host: 'h', Port: 22}}
const everyTentacle = {MachineIdsForTentacleUpgrade: ['Workers-1', 'Workers-2', 'Workers-3', 'Workers-4'], MachineIdsForCalamariUpgrade: ['Workers-1', 'Workers-2', 'Workers-3', 'Workers-4']}

describe('upgradeEligibility', () => {
  it.each([
    [{UpgradeRequired: true}, true, 'required'],
    [{UpgradeSuggested: true}, true, 'suggested'],
    [{UpgradeAvailable: true}, false, 'available'],
    [{}, false, undefined],
  ])('a listening Tentacle with %o: needed %s (advice %s), upgraded by a task', (details, needed, advice) => {
    expect(upgradeEligibility(tentacle(details), 'Tentacle')).toEqual({needed, advice, via: 'task', locked: false})
  })

  it('the pools summary lists machines to upgrade; HasLatestCalamari false needs Calamari', () => {
    expect(upgradeEligibility(tentacle(), 'Tentacle', everyTentacle).needed).toBe(true)
    expect(upgradeEligibility(tentacle(), 'Calamari').needed).toBe(false)
    expect(upgradeEligibility({...tentacle(), HasLatestCalamari: false}, 'Calamari')).toEqual({needed: true, advice: undefined, via: 'task', locked: false})
  })

  it('a locked Tentacle needs its upgrade but is not planned; its Calamari still is', () => {
    const locked = tentacle({UpgradeSuggested: true, UpgradeLocked: true})
    expect(upgradeEligibility(locked, 'Tentacle')).toEqual({needed: true, advice: 'suggested', via: 'task', locked: true, blockedBecause: expect.stringMatching(/^its Tentacle upgrades are locked \(UpgradeLocked\)/)})
    expect(upgradeEligibility({...locked, HasLatestCalamari: false}, 'Calamari')).toEqual({needed: true, advice: undefined, via: 'task', locked: false})
  })

  it('SSH: no Tentacle to upgrade or report, whatever the summary says; Calamari by a task', () => {
    expect(upgradeEligibility(ssh, 'Tentacle', everyTentacle)).toEqual({needed: false, via: 'none', locked: false, blockedBecause: 'SSH workers have no Tentacle (use --calamari to update Calamari)'})
    expect(upgradeEligibility(ssh, 'Calamari')).toEqual({needed: true, via: 'task', locked: false})
  })

  it('a Kubernetes agent: the agent upgrade goes through Helm (its own release and namespace); its Calamari is never reported', () => {
    const due = upgradeEligibility(agent('UpgradeRequired'), 'Tentacle')
    expect(due).toMatchObject({needed: true, advice: 'required', via: 'helm', locked: false})
    expect(due.blockedBecause).toBe("Kubernetes agents upgrade through Helm (helm upgrade --atomic --namespace 'octopus agents' octopus-agent-k8s oci://registry-1.docker.io/octopusdeploy/kubernetes-agent), or from the portal's Connectivity page")
    expect(upgradeEligibility(agent('NoUpgrades'), 'Calamari', everyTentacle)).toMatchObject({needed: false, via: 'helm'})
    expect(upgradeEligibility(agent('UpgradeSuggested', {UpgradeLocked: true}), 'Tentacle')).toMatchObject({needed: true, locked: true, via: 'helm'})
  })

  it.each([
    [{Id: 'Workers-4', Endpoint: null}, 'a worker with no endpoint has no Tentacle or Calamari this tool can upgrade'],
    [{Id: 'Workers-4', Endpoint: {CommunicationStyle: 'None'}}, 'a worker of type None has no Tentacle or Calamari this tool can upgrade'],
    [{Id: 'Workers-4', Endpoint: {CommunicationStyle: 'QuantumTentacle'}}, 'a worker of type QuantumTentacle has no Tentacle or Calamari this tool can upgrade'],
  ])('%o: nothing to upgrade or report, even when the summary lists it', (worker, reason) => {
    for (const kind of ['Tentacle', 'Calamari'] as const) {
      expect(upgradeEligibility({...worker, HasLatestCalamari: false}, kind, everyTentacle)).toEqual({needed: false, via: 'none', locked: false, blockedBecause: reason})
    }
  })

  it('helmUpgradeCommand falls back to placeholders when the server reports no release', () => {
    expect(helmUpgradeCommand({CommunicationStyle: 'KubernetesTentacle'})).toBe('helm upgrade --atomic --namespace NAMESPACE RELEASE oci://registry-1.docker.io/octopusdeploy/kubernetes-agent')
  })
})
