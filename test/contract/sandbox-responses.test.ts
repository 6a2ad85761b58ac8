import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'
import type {Exchange} from '../../src/sandbox/index.js'
import {hasRoute, validateRequest, validateResponse, type ApiVersion} from './swagger.js'

/**
 * Every Octopus route the sandbox serves is exercised through both route forms the swagger knows
 * (`/{baseSpaceId}/...` and legacy), and each response (and request body) is validated: the
 * 2021.2 profile against the 2021.2 swagger, the 2026.1 profile against it with the 2026.1
 * additions (test/fixtures/octopus/api-2026.1-additions.json) applied.
 */
describe.each<ApiVersion>(['2021.2', '2026.1'])('sandbox %s responses match the Octopus swagger', (version) => {
  let sandbox: Sandbox
  const exchanges: Exchange[] = []

  beforeAll(async () => {
    sandbox = await startTestSandbox({seed: 'demo', octopusVersion: version, onExchange: (e) => exchanges.push(e)})
  })
  afterAll(async () => sandbox?.close())

  async function waitForTask(id: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const task = await api(sandbox, 'GET', `/api/tasks/${id}`)
      if (task.body.IsCompleted) return
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`task ${id} did not complete`)
  }

  it('validates every exchange of a tour of the routes', async () => {
    const get = (p: string) => api(sandbox, 'GET', p)
    for (const prefix of ['/api/Spaces-1', '/api']) {
      for (const p of ['/workerpools', '/workerpools/all', '/workerpools/WorkerPools-2', '/workerpools/WorkerPools-2/workers', '/workerpools/summary',
        '/workerpools/dynamicworkertypes', '/workerpools/supportedtypes', '/workers', '/workers/all', '/workers/Workers-9', '/workers/Workers-3/connection',
        '/workers/operatingsystem/names/all', '/workers/operatingsystem/shells/all', '/machinepolicies', '/machinepolicies/all', '/machinepolicies/MachinePolicies-1',
        '/machinepolicies/MachinePolicies-1/workers', '/accounts', '/accounts/all', '/accounts/Accounts-1', '/proxies', '/proxies/all', '/proxies/Proxies-1',
        '/machines', '/machines/all', '/machines/Machines-1', '/tasks', '/workers/Workers-404', '/workerpools/WorkerPools-404',
        '/environments', '/environments/all', '/environments/Environments-1', '/workers/Workers-15', '/workers/Workers-16', '/workerpools/WorkerPools-11/workers']) {
        await get(prefix + p)
      }
    }
    for (const p of ['/api', '/api/Spaces-1', '/api/users/me', '/api/spaces', '/api/spaces/all', '/api/spaces/Spaces-1', '/api/featuresconfiguration',
      '/api/octopusservernodes', '/api/octopusservernodes/all', '/api/Spaces-1/octopusservernodes/all']) await get(p)

    const pool = await api(sandbox, 'POST', '/api/Spaces-1/workerpools', {Name: 'Contract Pool', WorkerPoolType: 'StaticWorkerPool', Description: 'contract', SpaceId: 'Spaces-1'})
    expect(pool.status).toBe(201)
    await api(sandbox, 'PUT', `/api/Spaces-1/workerpools/${pool.body.Id}`, {...pool.body, Description: 'changed'})
    const worker = await api(sandbox, 'POST', '/api/Spaces-1/workers', {
      Name: 'contract-worker-01', WorkerPoolIds: [pool.body.Id], SpaceId: 'Spaces-1', IsDisabled: false,
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://contract-worker-01.example:10933/', Thumbprint: 'A'.repeat(40)},
    })
    expect(worker.status).toBe(201)
    await api(sandbox, 'PUT', `/api/Spaces-1/workers/${worker.body.Id}`, {...worker.body, IsDisabled: true})
    if (version === '2026.1') {
      const agent = await api(sandbox, 'POST', '/api/Spaces-1/workers', {
        Name: 'contract-k8s-agent-01', WorkerPoolIds: [pool.body.Id], SpaceId: 'Spaces-1', IsDisabled: false, SkipInitialHealthCheck: true,
        Endpoint: {CommunicationStyle: 'KubernetesTentacle', TentacleEndpointConfiguration: {CommunicationMode: 'Polling', Thumbprint: 'C'.repeat(40), Uri: 'poll://contractk8s01/'},
          KubernetesAgentDetails: {AgentVersion: '3.13.2', TentacleVersion: '9.2.4285', UpgradeStatus: 'NoUpgrades', HelmReleaseName: 'octopus-agent-contract', KubernetesNamespace: 'octopus-agent-contract'}, UpgradeLocked: false},
      })
      expect(agent.status, agent.text).toBe(201)
      await get('/api/Spaces-1/workers/Workers-17')
      await api(sandbox, 'DELETE', `/api/Spaces-1/workers/${agent.body.Id}`)
    }
    await api(sandbox, 'POST', '/api/Spaces-1/workers', {Name: 'bad'})
    const account = await api(sandbox, 'POST', '/api/Spaces-1/accounts', {Name: 'Contract SSH', AccountType: 'SshKeyPair', Username: 'u', PrivateKeyFile: {NewValue: 'a2V5'}})
    expect(account.status).toBe(201)
    await api(sandbox, 'POST', '/api/Spaces-1/proxies', {Name: 'Contract proxy', Host: 'proxy.example', Port: 8080})
    await api(sandbox, 'POST', '/api/Spaces-1/machines', {Name: 'contract-target', EnvironmentIds: ['Environments-1'], Roles: ['web'], Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://t.example:10933/', Thumbprint: 'B'.repeat(40)}})
    const features = await get('/api/featuresconfiguration')
    await api(sandbox, 'PUT', '/api/featuresconfiguration', features.body)
    const health = await api(sandbox, 'POST', '/api/Spaces-1/tasks', {Name: 'Health', Description: 'contract', SpaceId: 'Spaces-1', Arguments: {WorkerpoolId: 'WorkerPools-2', RestrictedTo: 'Workers', Timeout: '00:05:00', MachineTimeout: '00:01:00'}})
    expect(health.status).toBe(201)
    await waitForTask(health.body.Id)
    for (const prefix of ['/api/Spaces-1', '/api']) {
      await get(`${prefix}/tasks/${health.body.Id}`)
      await get(`${prefix}/tasks/${health.body.Id}/details?verbose=true&tail=20`)
      await get(`${prefix}/tasks/${health.body.Id}/raw`)
      await get(`${prefix}/tasks?states=Success,Failed&name=Health&take=5`)
    }
    await api(sandbox, 'POST', `/api/tasks/${health.body.Id}/cancel`)
    const all = await get('/api/Spaces-1/workerpools/all')
    await api(sandbox, 'PUT', '/api/Spaces-1/workerpools/sortorder', all.body.map((p: {Id: string}) => p.Id))
    await api(sandbox, 'DELETE', `/api/Spaces-1/workers/${worker.body.Id}`)
    await api(sandbox, 'DELETE', `/api/Spaces-1/workerpools/${pool.body.Id}`)

    const problems: string[] = []
    const unknownRoutes = new Set<string>()
    for (const e of exchanges) {
      if (!hasRoute(e.method, e.route)) {
        unknownRoutes.add(`${e.method} ${e.route}`)
        continue
      }
      problems.push(...validateResponse(e.method, e.route, e.status, e.responseBody, version))
      if (e.status < 400) problems.push(...validateRequest(e.method, e.route, e.requestBody, version))
    }
    expect(exchanges.length).toBeGreaterThan(80)
    // Everything the tour touched is a 2021.2 route, so none may be missing from the swagger.
    expect([...unknownRoutes]).toEqual([])
    expect(problems).toEqual([])
  })

  it('the validator catches a wrong shape (so the test above can fail)', () => {
    const errors = validateResponse('GET', '/{baseSpaceId}/workers/{id}', 200, {Id: 5, HealthStatus: 'Splendid', WorkerPoolIds: 'WorkerPools-1'}, version)
    expect(errors.length).toBeGreaterThanOrEqual(3)
    const agent = {Id: 'Workers-1', Endpoint: {CommunicationStyle: 'KubernetesTentacle', KubernetesAgentDetails: {UpgradeStatus: 'NoUpgrades'}}}
    // A Kubernetes agent is a 2026.1 document only; a worker `Status` is a 2021.2 one only.
    expect(validateResponse('GET', '/{baseSpaceId}/workers/{id}', 200, agent, version)).toEqual(version === '2026.1' ? [] : expect.arrayContaining([expect.stringMatching(/CommunicationStyle/)]))
    expect(validateResponse('GET', '/{baseSpaceId}/workers/{id}', 200, {Id: 'Workers-1', Status: 'Online'}, version).length > 0).toBe(version === '2026.1')
    expect(validateRequest('POST', '/{baseSpaceId}/workerpools', {Name: 7})).not.toEqual([])
  })
})
