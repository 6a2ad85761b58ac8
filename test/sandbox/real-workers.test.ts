import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'

/**
 * Workers as real servers report them: Kubernetes agents (2024+), a CommunicationStyle the sandbox
 * cannot create (`None`), a worker stored with `Endpoint: null`; and lease logs with only the lines
 * real servers are known to write.
 */

const agentEndpoint = (subscription: string, thumbprint = 'E'.repeat(40)) => ({
  CommunicationStyle: 'KubernetesTentacle',
  TentacleEndpointConfiguration: {CommunicationMode: 'Polling', Thumbprint: thumbprint, Uri: `poll://${subscription}/`},
  KubernetesAgentDetails: {AgentVersion: '3.13.2', TentacleVersion: '9.2.4285', UpgradeStatus: 'NoUpgrades', HelmReleaseName: `octopus-agent-${subscription}`, KubernetesNamespace: `octopus-agent-${subscription}`},
  UpgradeLocked: false,
  DefaultNamespace: null,
})

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const completed = (sb: Sandbox, taskId: string) => waitFor(`task ${taskId}`, async () => {
  const task = (await api(sb, 'GET', `/api/tasks/${taskId}`)).body
  return task.IsCompleted ? task : undefined
})

describe('demo estate: the added workers (existing names and IDs unchanged)', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sb?.close())

  it('keeps the existing workers where they were and adds three after them', async () => {
    const workers = (await api(sb, 'GET', '/api/Spaces-1/workers/all')).body as Array<{Id: string; Name: string}>
    const byId = Object.fromEntries(workers.map((w) => [w.Id, w.Name]))
    expect(byId).toMatchObject({'Workers-1': 'default-linux-worker-01', 'Workers-9': 's-linux-omaha-worker-01', 'Workers-12': 'new-worker-unchecked',
      'Workers-15': 'imported-worker-none', 'Workers-16': 'imported-worker-no-endpoint', 'Workers-17': 'k8s-agent-worker-01'})
    expect((await api(sb, 'GET', '/api/Spaces-2/workers/Workers-13')).body.Name).toBe('p-k8s-london-worker-01')
    const pools = (await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body.map((p: {Id: string; Name: string}) => `${p.Id} ${p.Name}`)
    expect(pools).toEqual(expect.arrayContaining(['WorkerPools-5 test pool', 'WorkerPools-10 Kubernetes Agent Worker Pool', 'WorkerPools-11 Imported Worker Pool']))
  })

  it('seeds a Kubernetes agent worker with the real endpoint shape, checked and due an upgrade', async () => {
    const agent = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-17')).body
    expect(agent).toMatchObject({
      Name: 'k8s-agent-worker-01', WorkerPoolIds: ['WorkerPools-10'], HealthStatus: 'Healthy', Uri: 'poll://outdatedk8sagent01/',
      Endpoint: {
        CommunicationStyle: 'KubernetesTentacle',
        TentacleEndpointConfiguration: {CommunicationMode: 'Polling', Uri: 'poll://outdatedk8sagent01/', Thumbprint: agent.Thumbprint},
        KubernetesAgentDetails: {AgentVersion: '2.2.1', TentacleVersion: '8.1.1947', UpgradeStatus: 'UpgradeSuggested', HelmReleaseName: 'octopus-agent-k8s-agent-worker-01', KubernetesNamespace: 'octopus-agent-k8s-agent-worker-01'},
        UpgradeLocked: false,
        DefaultNamespace: null,
      },
    })
    expect(agent.Endpoint).not.toHaveProperty('TentacleVersionDetails')
    expect(agent.Thumbprint).toMatch(/^[0-9A-F]{40}$/)
    const filtered = (await api(sb, 'GET', '/api/Spaces-1/workers?commStyles=KubernetesTentacle')).body.Items.map((w: {Name: string}) => w.Name)
    expect(filtered).toEqual(['k8s-agent-worker-01'])
  })

  it('seeds a worker with CommunicationStyle None and one with Endpoint null, never checked', async () => {
    const none = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-15')).body
    expect(none).toMatchObject({Name: 'imported-worker-none', HealthStatus: 'Unknown', Uri: null, Thumbprint: null, Endpoint: {CommunicationStyle: 'None'}})
    const bare = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-16')).body
    expect(bare).toMatchObject({Name: 'imported-worker-no-endpoint', Endpoint: null, Uri: 'https://imported-worker-no-endpoint.corp.example:10933/', HealthStatus: 'Unknown'})
    const summary = (await api(sb, 'GET', '/api/Spaces-1/workerpools/summary?ids=WorkerPools-11')).body
    expect(summary.WorkerPoolSummaries[0]).toMatchObject({TotalMachines: 2, MachineEndpointSummaries: {None: 2}})
  })

  it('a full PUT of those two (e.g. to disable them) keeps their endpoints as they are', async () => {
    for (const id of ['Workers-15', 'Workers-16']) {
      const before = (await api(sb, 'GET', `/api/Spaces-1/workers/${id}`)).body
      const put = await api(sb, 'PUT', `/api/Spaces-1/workers/${id}`, {...before, IsDisabled: true})
      expect(put.status, put.text).toBe(200)
      expect(put.body.Endpoint).toEqual(before.Endpoint)
      expect(put.body.Uri).toBe(before.Uri)
      await api(sb, 'PUT', `/api/Spaces-1/workers/${id}`, {...before, IsDisabled: false})
    }
  })

  it('a health check reports them Unavailable with a reason, and checks the agent like a Tentacle', async () => {
    const task = await api(sb, 'POST', '/api/Spaces-1/tasks', {Name: 'Health', Arguments: {MachineIds: ['Workers-15', 'Workers-16', 'Workers-17'], RestrictedTo: 'Workers'}})
    expect(task.status, task.text).toBe(201)
    const done = await completed(sb, task.body.Id)
    expect(done.State).toBe('Failed')
    const raw = (await api(sb, 'GET', `/api/tasks/${task.body.Id}/raw`)).text
    expect(raw).toContain("imported-worker-none: Unavailable. The machine could not be contacted: its endpoint's CommunicationStyle 'None' is not one this server can connect to.")
    expect(raw).toContain('imported-worker-no-endpoint: Unavailable. The machine could not be contacted: it has no endpoint.')
    expect(raw).toMatch(/k8s-agent-worker-01: Healthy\. The machine at Kubernetes agent poll:\/\/outdatedk8sagent01\/ is healthy \(Tentacle 8\.1\.1947\)\. Kubernetes agent 2\.2\.1 is out of date/)
    expect((await api(sb, 'GET', '/api/Spaces-1/workers/Workers-16')).body).toMatchObject({HealthStatus: 'Unavailable', Endpoint: null})
    const connection = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-17/connection')).body
    expect(connection.CurrentTentacleVersion).toBe('8.1.1947')
  })

  it('leases the agent like a Tentacle and upgrades it through an Upgrade task', async () => {
    const sim = await api(sb, 'POST', '/api/sandbox/simulations', {Tasks: 1, Concurrency: 1, WorkerPoolIds: ['WorkerPools-10'], MinDurationMs: 5, MaxDurationMs: 5})
    expect(sim.status, sim.text).toBe(201)
    await completed(sb, sim.body.FirstTaskId)
    expect((await api(sb, 'GET', `/api/tasks/${sim.body.FirstTaskId}/raw`)).text).toMatch(/Leased worker k8s-agent-worker-01 from pool Kubernetes Agent Worker Pool \(lease WorkerTaskLeases-\d+\)/)
    const upgrade = await api(sb, 'POST', '/api/Spaces-1/tasks', {Name: 'Upgrade', Arguments: {MachineIds: ['Workers-17']}})
    expect((await completed(sb, upgrade.body.Id)).State).toBe('Success')
    const agent = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-17')).body
    expect(agent.Endpoint.KubernetesAgentDetails).toMatchObject({AgentVersion: '3.13.2', TentacleVersion: '9.2.4285', UpgradeStatus: 'NoUpgrades'})
    expect((await api(sb, 'GET', '/api/sandbox/leases/history')).body.at(-1)).toMatchObject({WorkerId: 'Workers-17', Exclusive: true})
  })

  it('POST /workers creates a Kubernetes agent worker and checks its endpoint', async () => {
    const count = async () => (await api(sb, 'GET', '/api/Spaces-1/workers/all')).body.length
    const before = await count()
    const created = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'k8s-agent-worker-02', WorkerPoolIds: ['WorkerPools-10'], IsDisabled: false, Endpoint: agentEndpoint('k8sagent02')})
    expect(created.status, created.text).toBe(201)
    expect(created.body).toMatchObject({Uri: 'poll://k8sagent02/', Thumbprint: 'E'.repeat(40), HealthStatus: 'Unknown', Endpoint: {KubernetesAgentDetails: {HelmReleaseName: 'octopus-agent-k8sagent02'}}})
    const bad = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'k8s-bad', WorkerPoolIds: ['WorkerPools-10'],
      Endpoint: {...agentEndpoint('x'), TentacleEndpointConfiguration: {CommunicationMode: 'Sideways', Thumbprint: 'nope', Uri: 'http://x'}}})
    expect(bad.status).toBe(400)
    expect(bad.body.Errors).toEqual(expect.arrayContaining([expect.stringMatching(/CommunicationMode must be Polling or Listening/), expect.stringMatching(/Thumbprint must be 40 hexadecimal/)]))
    const noConfig = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'k8s-bad', WorkerPoolIds: ['WorkerPools-10'], Endpoint: {CommunicationStyle: 'KubernetesTentacle'}})
    expect(noConfig.body.Errors).toEqual([expect.stringMatching(/needs Endpoint.TentacleEndpointConfiguration/)])
    const none = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'none-bad', WorkerPoolIds: ['WorkerPools-10'], Endpoint: {CommunicationStyle: 'None'}})
    expect(none.status).toBe(400)
    expect(await count()).toBe(before + 1)
  })
})

describe('older versions have no Kubernetes agent workers', () => {
  it('2021.2 seeds none and refuses to create one', async () => {
    const sb = await startTestSandbox({seed: 'demo', octopusVersion: '2021.2'})
    try {
      const workers = (await api(sb, 'GET', '/api/Spaces-1/workers/all')).body as Array<{Name: string; Endpoint: {CommunicationStyle: string} | null}>
      expect(workers.filter((w) => w.Endpoint?.CommunicationStyle === 'KubernetesTentacle')).toEqual([])
      expect(workers.map((w) => w.Name)).toEqual(expect.arrayContaining(['imported-worker-none', 'imported-worker-no-endpoint']))
      const refused = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'k8s-old', WorkerPoolIds: ['WorkerPools-10'], Endpoint: agentEndpoint('k8sold')})
      expect(refused.status).toBe(400)
      expect(refused.body.Errors[0]).toMatch(/need Octopus Server 2024\.2 or later; this server is 2021\.2/)
      expect((await api(sb, 'GET', '/api/Spaces-1/workers/all')).body).toHaveLength(workers.length)
    } finally {
      await sb.close()
    }
  })

  it('scale:N still seeds N workers', async () => {
    const sb = await startTestSandbox({seed: 'scale:120'})
    try {
      let total = 0
      for (const space of (await api(sb, 'GET', '/api/spaces/all')).body as Array<{Id: string}>) total += (await api(sb, 'GET', `/api/${space.Id}/workers/all`)).body.length
      expect(total).toBe(120)
    } finally {
      await sb.close()
    }
  })
})

describe('lease logs as real servers write them', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sb?.close())

  it('a release writes no line; in fault mode it writes the evidenced failure line and the lease stays held', async () => {
    const fault = await api(sb, 'POST', '/api/sandbox/faults', {Kind: 'LeaseRelease', Times: 1})
    expect(fault.status, fault.text).toBe(201)
    const sim = await api(sb, 'POST', '/api/sandbox/simulations', {Tasks: 1, Concurrency: 1, WorkerPoolIds: ['WorkerPools-4'], MinDurationMs: 5, MaxDurationMs: 5, StepsPerTask: 2})
    await completed(sb, sim.body.FirstTaskId)
    const raw = (await api(sb, 'GET', `/api/tasks/${sim.body.FirstTaskId}/raw`)).text
    const leased = [...raw.matchAll(/Leased worker s-linux-omaha-worker-01 from pool Staging Linux Worker Pool \(lease (WorkerTaskLeases-\d+)\)/g)].map((m) => m[1])
    expect(leased).toHaveLength(2)
    expect(raw).toContain(`Unable to release worker Workers-9 from lease ${leased[0]}.  Continuing anyway.  The lease will eventually be cleared by the system.  If this error persists, please contact Octopus support.`)
    expect(raw).not.toContain(`from lease ${leased[1]}`)
    expect(raw).not.toMatch(/Released worker/)
    const held = (await api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=10')).body.WorkerTaskLeases
    expect(held.Items.map((l: {Id: string}) => l.Id)).toEqual([leased[0]])
    expect((await api(sb, 'DELETE', '/api/Spaces-1/workers/Workers-9')).status).toBe(400)
    expect((await api(sb, 'GET', '/api/sandbox/faults')).body).toEqual([])
  })

  it('a bad fault body is 400 and sets nothing', async () => {
    const bad = await api(sb, 'POST', '/api/sandbox/faults', {Kind: 'LeaseRelease', Times: -1})
    expect(bad.status).toBe(400)
    expect((await api(sb, 'GET', '/api/sandbox/faults')).body).toEqual([])
  })

  it('seeded completed tasks carry the lease line only', async () => {
    const seeded = (await api(sb, 'POST', '/api/sandbox/seed-completed-tasks', {Count: 1, StepsPerTask: 2})).body
    const raw = (await api(sb, 'GET', `/api/tasks/${seeded.FirstTaskId}/raw`)).text
    expect(raw.match(/Leased worker /g)).toHaveLength(2)
    expect(raw).not.toMatch(/Released worker|release worker/i)
  })
})
