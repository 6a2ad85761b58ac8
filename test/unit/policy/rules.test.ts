import {describe, expect, it} from 'vitest'
import {parseConfig} from '../../../src/config/octoworkers-yaml/load.js'
import {runCheck} from '../../../src/domain/policy/engine.js'
import {RULES} from '../../../src/domain/policy/rules/index.js'
import {RULE_IDS, type Finding, type RuleId} from '../../../src/domain/policy/types.js'
import {cleanSpace, config, pool, snapshot, space, worker} from './fixtures.js'

function findings(snap: ReturnType<typeof snapshot>, rule: RuleId, cfg = config()): Finding[] {
  return runCheck(snap, cfg).Findings.filter((f) => f.RuleId === rule)
}

describe('rule registry', () => {
  it('has exactly one rule per documented rule ID', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort())
  })

  it('a clean estate has no findings under the default config', () => {
    expect(runCheck(snapshot([cleanSpace('Default'), cleanSpace('Team B')]), config()).Findings).toEqual([])
  })
})

describe('naming rules', () => {
  it('naming/worker and naming/pool report each misnamed resource with the reason', async () => {
    const cfg = await parseConfig([
      'conventions:',
      '  worker:',
      '    template: "{env}-{role}-{location}-worker-{nn}"',
      '    tokens: {env: [d, t, s, p], role: [db, web], location: "[a-z]+", nn: "\\\\d{2}"}',
      '  pool:',
      '    regex: "(Azure|AWS) [A-Za-z ]+ (Test|Production) Worker Pool"',
    ].join('\n'), 'f')
    const good = pool('Azure Central US Production Worker Pool', {IsDefault: true})
    const bad = pool('linux')
    const snap = snapshot([space('Default', [good, bad], [
      worker('p-db-omaha-worker-01', [good, bad]),
      worker('x-db-omaha-worker-02', [good, bad]),
    ])])
    const workerFindings = findings(snap, 'naming/worker', cfg)
    expect(workerFindings.map((f) => f.Subject)).toEqual(['x-db-omaha-worker-02'])
    expect(workerFindings[0].Message).toContain("env 'x' is not one of d,t,s,p")
    expect(workerFindings[0].Fix).toBe("octoworkers worker update x-db-omaha-worker-02 --name NEW-NAME --space Default")
    const poolFindings = findings(snap, 'naming/pool', cfg)
    expect(poolFindings.map((f) => f.Subject)).toEqual(['linux'])
    expect(poolFindings[0].Severity).toBe('warning')
  })

  it('are skipped, not passed, when no convention is configured', () => {
    const report = runCheck(snapshot([cleanSpace()]), config())
    expect(report.Rules.find((r) => r.RuleId === 'naming/worker')).toMatchObject({Status: 'skipped', Reason: expect.stringContaining('conventions.worker')})
  })
})

describe('redundancy/min-workers', () => {
  const cases: Array<[string, Array<{health?: string; disabled?: boolean}>, 'error' | 'warning' | null]> = [
    ['no usable worker is an error', [{health: 'Unhealthy'}, {disabled: true}], 'error'],
    ['one usable worker is a warning', [{}, {health: 'Unavailable'}], 'warning'],
    ['HasWarnings counts as usable', [{health: 'HasWarnings'}, {}], null],
    ['two healthy workers pass', [{}, {}], null],
    ['Unknown (never checked) does not count', [{}, {health: 'Unknown'}], 'warning'],
  ]
  it.each(cases)('%s', (_name, specs, expected) => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const p = pool('Linux')
    const workers = specs.map((s, i) => worker(`w${i}`, [p], {HealthStatus: s.health ?? 'Healthy', IsDisabled: s.disabled ?? false}))
    const snap = snapshot([space('Default', [def, p], [...workers, worker('d1', [def]), worker('d2', [def])])])
    const found = findings(snap, 'redundancy/min-workers')
    expect(found.map((f) => [f.Subject, f.Severity])).toEqual(expected ? [['Linux', expected]] : [])
  })

  it('an empty default pool is an error; an empty non-default pool is left to pool/empty', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const spare = pool('Spare')
    const snap = snapshot([space('Default', [def, spare], [])])
    expect(findings(snap, 'redundancy/min-workers').map((f) => [f.Subject, f.Severity])).toEqual([['Default Worker Pool', 'error']])
    expect(findings(snap, 'pool/empty').map((f) => f.Subject)).toEqual(['Spare'])
  })

  it('honours the global threshold and per-pool overrides (by glob)', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const big = pool('Big Pool')
    const small = pool('Small Pool')
    const ws = [worker('a', [def, big, small]), worker('b', [def, big, small]), worker('c', [big])]
    const snap = snapshot([space('Default', [def, big, small], ws)])
    const cfg = config({minWorkers: 3, pools: [{match: 'small*', minWorkers: 1}, {match: 'Default Worker Pool', minWorkers: 0}]})
    expect(findings(snap, 'redundancy/min-workers', cfg)).toEqual([])
    const strict = config({minWorkers: 3})
    expect(findings(snap, 'redundancy/min-workers', strict).map((f) => f.Subject).sort()).toEqual(['Default Worker Pool', 'Small Pool'])
  })

  it('dynamic pools are not counted', () => {
    const def = pool('Hosted Ubuntu', {IsDefault: true, WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'UbuntuDefault'})
    expect(findings(snapshot([space('Default', [def], [])]), 'redundancy/min-workers')).toEqual([])
  })
})

describe('redundancy/all-unhealthy and health rules', () => {
  it('flags a pool whose enabled workers are all unhealthy, and each unhealthy worker', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const p = pool('Broken')
    const snap = snapshot([space('Default', [def, p], [
      worker('ok1', [def]), worker('ok2', [def]),
      worker('bad1', [p], {HealthStatus: 'Unhealthy'}), worker('bad2', [p], {HealthStatus: 'Unavailable'}),
      worker('off', [p], {IsDisabled: true, HealthStatus: 'Unhealthy'}),
    ])])
    expect(findings(snap, 'redundancy/all-unhealthy').map((f) => [f.Subject, f.Severity])).toEqual([['Broken', 'error']])
    expect(findings(snap, 'health/unhealthy-worker').map((f) => f.Subject)).toEqual(['bad1', 'bad2'])
  })

  it('health/upgrade-needed uses the pool summary and the Tentacle version details', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const a = worker('a', [def])
    const b = worker('b', [def], {Endpoint: {CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '6.3.417', UpgradeSuggested: true}}})
    const c = worker('c', [def])
    const snap = snapshot([space('Default', [def], [a, b, c], {summary: {MachineIdsForTentacleUpgrade: [], MachineIdsForCalamariUpgrade: [c.Id]}})])
    const found = findings(snap, 'health/upgrade-needed')
    expect(found.map((f) => [f.Subject, f.Message])).toEqual([
      ['b', "Worker 'b' needs an upgrade of Tentacle (runs 6.3.417; upgrade suggested)."],
      ['c', "Worker 'c' needs an upgrade of Calamari."],
    ])
  })

  it('health/upgrade-needed reads a Kubernetes agent\'s KubernetesAgentDetails.UpgradeStatus, in any case', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const agent = (name: string, status: string | undefined) => worker(name, [def], {Endpoint: {
      CommunicationStyle: 'KubernetesTentacle',
      TentacleEndpointConfiguration: {Thumbprint: 'A'.repeat(40), Uri: `poll://${name}/`},
      KubernetesAgentDetails: {AgentVersion: '2.2.1', TentacleVersion: '8.1.1995', ...(status === undefined ? {} : {UpgradeStatus: status})},
    }})
    const workers = [agent('required', 'UpgradeRequired'), agent('lower', 'upgradesuggested'), agent('available', 'UpgradeAvailable'), agent('current', 'NoUpgrades'), agent('unreported', undefined)]
    const found = findings(snapshot([space('Default', [def], workers, {summary: {MachineIdsForTentacleUpgrade: [], MachineIdsForCalamariUpgrade: []}})]), 'health/upgrade-needed')
    expect(found.map((f) => [f.Subject, f.Message])).toEqual([
      ['lower', "Worker 'lower' needs an upgrade of the Kubernetes agent (runs 8.1.1995; upgrade suggested)."],
      ['required', "Worker 'required' needs an upgrade of the Kubernetes agent (runs 8.1.1995; upgrade required)."],
    ])
  })

  it('health rules take a worker with no endpoint or an unknown style without failing', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const bare = worker('bare', [def], {Endpoint: null, HealthStatus: 'Unhealthy'})
    const odd = worker('odd', [def], {Endpoint: {CommunicationStyle: 'QuantumTentacle'}})
    const snap = snapshot([space('Default', [def], [bare, odd], {summary: {MachineIdsForTentacleUpgrade: [bare.Id], MachineIdsForCalamariUpgrade: []}})])
    // The summary lists 'bare', but with no endpoint there is nothing `worker upgrade` could do: not reported.
    expect(findings(snap, 'health/upgrade-needed')).toEqual([])
    expect(findings(snap, 'health/unhealthy-worker').map((f) => f.Subject)).toEqual(['bare'])
  })
})

describe('health/upgrade-needed follows the rule worker upgrade uses', () => {
  const def = pool('Default Worker Pool', {IsDefault: true})
  const agentEndpoint = (extra: Record<string, unknown> = {}) => ({
    CommunicationStyle: 'KubernetesTentacle',
    TentacleEndpointConfiguration: {Thumbprint: 'A'.repeat(40), Uri: 'poll://agent/'},
    KubernetesAgentDetails: {AgentVersion: '2.2.1', TentacleVersion: '8.1.1947', UpgradeStatus: 'UpgradeSuggested', HelmReleaseName: 'octopus-agent-k8s', KubernetesNamespace: 'octopus-agent-k8s'},
    ...extra,
  })

  it('a kind worker upgrade --calamari skips (a Kubernetes agent, no endpoint) is not reported for Calamari', () => {
    const agent = worker('k8s-agent', [def], {Endpoint: agentEndpoint({KubernetesAgentDetails: {UpgradeStatus: 'NoUpgrades'}})})
    const none = worker('imported', [def], {Endpoint: {CommunicationStyle: 'None'}})
    const snap = snapshot([space('Default', [def], [agent, none], {summary: {MachineIdsForTentacleUpgrade: [], MachineIdsForCalamariUpgrade: [agent.Id, none.Id]}})])
    expect(findings(snap, 'health/upgrade-needed')).toEqual([])
  })

  it('the fix is this tool\'s own command, shell-quoted with its space; --calamari for Calamari', () => {
    const tentacle = worker('web 01', [def], {Endpoint: {CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '6.3.417', UpgradeRequired: true}}})
    const sshBox = worker('ssh-01', [def], {Endpoint: {CommunicationStyle: 'Ssh'}, HasLatestCalamari: false})
    const snap = snapshot([space('Team A', [def], [tentacle, sshBox], {summary: {MachineIdsForTentacleUpgrade: [sshBox.Id], MachineIdsForCalamariUpgrade: [tentacle.Id]}})])
    expect(findings(snap, 'health/upgrade-needed').map((f) => [f.Subject, f.Severity, f.Message, f.Fix])).toEqual([
      ['ssh-01', 'warning', "Worker 'ssh-01' needs an upgrade of Calamari.", "octoworkers worker upgrade ssh-01 --calamari --space 'Team A'"],
      ['web 01', 'warning', "Worker 'web 01' needs an upgrade of Tentacle (runs 6.3.417; upgrade required) and Calamari.",
        "octoworkers worker upgrade 'web 01' --space 'Team A' && octoworkers worker upgrade 'web 01' --calamari --space 'Team A'"],
    ])
  })

  it('a Kubernetes agent\'s fix is its Helm upgrade, with its own release and namespace', () => {
    const agent = worker('k8s-agent', [def], {Endpoint: agentEndpoint()})
    const [finding] = findings(snapshot([space('Default', [def], [agent])]), 'health/upgrade-needed')
    expect(finding).toMatchObject({
      Severity: 'warning',
      Message: "Worker 'k8s-agent' needs an upgrade of the Kubernetes agent (runs 8.1.1947; upgrade suggested).",
      Fix: 'helm upgrade --atomic --namespace octopus-agent-k8s octopus-agent-k8s oci://registry-1.docker.io/octopusdeploy/kubernetes-agent',
    })
  })

  it('a locked Tentacle is a note that says it is locked and how to unlock it', () => {
    const locked = worker('locked-01', [def], {Endpoint: {CommunicationStyle: 'TentaclePassive', TentacleVersionDetails: {Version: '6.3.417', UpgradeSuggested: true, UpgradeLocked: true}}})
    const snap = snapshot([space('Default', [def], [locked])])
    const [finding] = findings(snap, 'health/upgrade-needed')
    expect(finding.Severity).toBe('note')
    expect(finding.Message).toBe("Worker 'locked-01' needs an upgrade of Tentacle (runs 6.3.417; upgrade suggested). Its Tentacle upgrades are locked (UpgradeLocked): `octoworkers worker upgrade` leaves it alone.")
    expect(finding.Fix).toBe(`Unlock its Tentacle upgrades on its Connectivity page (https://octopus.example.com/app#/${snap.spaces[0].space.Id}/infrastructure/workers/${locked.Id}/connection), then: octoworkers worker upgrade locked-01 --space Default`)
  })

  it('a locked Kubernetes agent says Octopus does not upgrade it automatically', () => {
    const agent = worker('k8s-locked', [def], {Endpoint: agentEndpoint({UpgradeLocked: true})})
    const [finding] = findings(snapshot([space('Default', [def], [agent])]), 'health/upgrade-needed')
    expect(finding).toMatchObject({Severity: 'note', Message: expect.stringContaining('Its upgrades are locked (UpgradeLocked): Octopus does not upgrade it automatically.'), Fix: expect.stringMatching(/^helm upgrade /)})
  })
})

describe('a pool below its floor: the fix for the pool\'s kind', () => {
  const agentEndpoint = {CommunicationStyle: 'KubernetesTentacle', TentacleEndpointConfiguration: {Thumbprint: 'B'.repeat(40), Uri: 'poll://agent/'}}

  it('a pool of Kubernetes agents takes another agent through the Helm chart, not worker register listening', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const agents = pool('Kubernetes Agent Worker Pool')
    const snap = snapshot([space('Platform Team', [def, agents], [
      worker('a', [def]), worker('b', [def]),
      worker('k8s-agent-worker-01', [agents], {Endpoint: agentEndpoint}),
    ])])
    const [finding] = findings(snap, 'redundancy/min-workers')
    expect(finding.Subject).toBe('Kubernetes Agent Worker Pool')
    expect(finding.Fix).not.toContain('worker register')
    expect(finding.Fix).toBe([
      'helm upgrade --install --atomic --create-namespace --namespace octopus-agent-NAME octopus-agent-NAME oci://registry-1.docker.io/octopusdeploy/kubernetes-agent',
      '--set agent.acceptEula=Y --set agent.name=NAME --set agent.serverUrl=https://octopus.example.com --set agent.serverCommsAddress=https://octopus.example.com:10943/',
      `--set 'agent.space=Platform Team' --set agent.worker.enabled=true --set 'agent.worker.initial.workerPools={${agents.Id}}' --set agent.bearerToken=TOKEN`,
    ].join(' '))
  })

  it('a pool of Tentacles (or of mixed kinds) still gets worker register listening', () => {
    const def = pool('Default Worker Pool', {IsDefault: true})
    const mixed = pool('Mixed Pool')
    const snap = snapshot([space('Default', [def, mixed], [worker('a', [def]), worker('b', [def]), worker('k8s', [mixed], {Endpoint: agentEndpoint}), worker('t', [mixed], {HealthStatus: 'Unhealthy'})])])
    expect(findings(snap, 'redundancy/min-workers')[0].Fix).toMatch(/^octoworkers worker register listening NAME --pool 'Mixed Pool' /)
  })
})

describe('built-in worker rules', () => {
  it('builtin/enabled fires once for the server; builtin/in-use for each space whose static default pool is empty', () => {
    const emptyDefault = space('Empty', [pool('Default Worker Pool', {IsDefault: true})], [])
    const dynamicDefault = space('Cloud', [pool('Hosted Ubuntu', {IsDefault: true, WorkerPoolType: 'DynamicWorkerPool'})], [])
    const snap = snapshot([cleanSpace('Default'), emptyDefault, dynamicDefault], {builtInWorkerEnabled: true})
    expect(findings(snap, 'builtin/enabled')).toEqual([expect.objectContaining({Subject: 'Octopus Server', SpaceId: null, Fix: 'octoworkers builtin-worker disable'})])
    expect(findings(snap, 'builtin/in-use').map((f) => f.SpaceName)).toEqual(['Empty'])
  })

  it('neither fires when the built-in worker is off; both are skipped when the features are unreadable', () => {
    const emptyDefault = space('Empty', [pool('Default Worker Pool', {IsDefault: true})], [])
    expect(findings(snapshot([emptyDefault], {builtInWorkerEnabled: false}), 'builtin/in-use')).toEqual([])
    const report = runCheck(snapshot([emptyDefault], {builtInWorkerEnabled: undefined}), config())
    expect(report.Rules.filter((r) => r.Status === 'skipped').map((r) => r.RuleId)).toEqual(['naming/worker', 'naming/pool', 'builtin/enabled', 'builtin/in-use', 'usage/pool-without-workers', 'usage/missing-variable-value', 'usage/default-pool', 'usage/unused-pool', 'usage/no-execution-container'])
  })
})

describe('inventory rules', () => {
  it('worker/duplicate-name: across spaces, ignoring case', () => {
    const a = cleanSpace('Alpha')
    const b = cleanSpace('Beta')
    b.workers.push(worker('ALPHA-A', [b.pools[0]]))
    const found = findings(snapshot([a, b]), 'worker/duplicate-name')
    expect(found.map((f) => [f.SpaceName, f.Subject])).toEqual([['Alpha', 'alpha-a'], ['Beta', 'ALPHA-A']])
    expect(found[0].Message).toContain("also used by 'ALPHA-A'")
  })

  it('worker/duplicate-thumbprint: the same Tentacle twice in one space (not across spaces)', () => {
    const thumb = 'AB'.repeat(20)
    const s1 = cleanSpace('Alpha')
    s1.workers.push(worker('dup-1', [s1.pools[0]], {thumbprint: thumb}), worker('dup-2', [s1.pools[1]], {thumbprint: thumb.toLowerCase()}))
    const s2 = cleanSpace('Beta')
    s2.workers.push(worker('same-tentacle-other-space', [s2.pools[0]], {thumbprint: thumb}))
    expect(findings(snapshot([s1, s2]), 'worker/duplicate-thumbprint').map((f) => f.Subject)).toEqual(['dup-1', 'dup-2'])
  })

  it('worker/also-deployment-target: a listening worker whose thumbprint or URI is a target\'s', () => {
    const s = cleanSpace('Default')
    const [w1, w2] = s.workers
    s.deploymentTargets = [
      {Id: 'Machines-1', Name: 'web-01', Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://elsewhere:10933/', Thumbprint: w1.Endpoint!.Thumbprint}},
      {Id: 'Machines-2', Name: 'web-02', Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: w2.Endpoint!.Uri!.toUpperCase(), Thumbprint: 'F'.repeat(40)}},
    ]
    const polling = worker('poller', [s.pools[0]], {style: 'TentacleActive', thumbprint: 'C'.repeat(40)})
    s.workers.push(polling)
    s.deploymentTargets.push({Id: 'Machines-3', Name: 'poll-target', Endpoint: {CommunicationStyle: 'TentacleActive', Thumbprint: 'C'.repeat(40)}})
    const found = findings(snapshot([s]), 'worker/also-deployment-target')
    expect(found.map((f) => f.Subject)).toEqual([w1.Name, w2.Name])
    expect(found[0].Message).toContain("'web-01' (Machines-1 in space 'Default')")
  })

  it('worker/also-deployment-target: every matching target once, in the order the spaces list them, whatever matched', () => {
    const s1 = cleanSpace('Alpha')
    const s2 = cleanSpace('Beta')
    const [w] = s2.workers
    const thumbprint = w.Endpoint!.Thumbprint!
    s1.deploymentTargets = [
      {Id: 'Machines-1', Name: 'by-address', Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `${w.Endpoint!.Uri!.toUpperCase()}//`, Thumbprint: 'E'.repeat(40)}},
      {Id: 'Machines-2', Name: 'polling-twin', Endpoint: {CommunicationStyle: 'TentacleActive', Thumbprint: thumbprint}},
    ]
    s2.deploymentTargets = [
      {Id: 'Machines-3', Name: 'by-both', Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: w.Endpoint!.Uri, Thumbprint: thumbprint.toLowerCase()}},
      {Id: 'Machines-4', Name: 'by-thumbprint, style unsaid', Thumbprint: ` ${thumbprint} `},
    ]
    const found = findings(snapshot([s1, s2]), 'worker/also-deployment-target').filter((f) => f.Subject === w.Name)
    expect(found).toHaveLength(1)
    expect(found[0].Message).toContain("deployment target 'by-address' (Machines-1 in space 'Alpha'), 'by-both' (Machines-3 in space 'Beta'), 'by-thumbprint, style unsaid' (Machines-4 in space 'Beta');")
  })

  it('dynamic/in-use is a note per dynamic pool', () => {
    const s = cleanSpace()
    s.pools.push(pool('Hosted Windows', {WorkerPoolType: 'DynamicWorkerPool', WorkerType: 'WindowsDefault'}))
    expect(findings(snapshot([s]), 'dynamic/in-use').map((f) => [f.Subject, f.Severity])).toEqual([['Hosted Windows', 'note']])
  })
})

describe('ha/too-few-workers', () => {
  it('fires when a space has fewer usable workers than server nodes', () => {
    const nodes = [1, 2, 3].map((n) => ({Id: `OctopusServerNodes-${n}`, Name: `node-${n}`}))
    const found = findings(snapshot([cleanSpace('Default')], {serverNodes: nodes}), 'ha/too-few-workers')
    expect(found.map((f) => f.Message)).toEqual(["Space 'Default' has 2 healthy, enabled external workers but the server has 3 nodes (node-1, node-2, node-3); provision at least one worker per node."])
    expect(findings(snapshot([cleanSpace('Default')], {serverNodes: nodes.slice(0, 2)}), 'ha/too-few-workers')).toEqual([])
  })
})

describe('suggested fixes for pools that need workers', () => {
  it('min-workers, builtin/in-use and ha/too-few-workers suggest registering a worker in the right pool and space', () => {
    const teamDefault = pool('Default Worker Pool', {IsDefault: true})
    const team = space("Ops Team's", [teamDefault], [])
    const snap = snapshot([team], {builtInWorkerEnabled: true})
    const register = (poolArg: string) => `octoworkers worker register listening NAME --pool ${poolArg} --url https://HOST:10933/ --thumbprint THUMBPRINT --space 'Ops Team'\\''s'`
    expect(findings(snap, 'redundancy/min-workers').map((f) => f.Fix)).toEqual([register("'Default Worker Pool'")])
    expect(findings(snap, 'builtin/in-use').map((f) => f.Fix)).toEqual([register("'Default Worker Pool'")])
    expect(findings(snap, 'ha/too-few-workers').map((f) => f.Fix)).toEqual([register('POOL')])
  })
})
