import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'

const THUMB = (c: string) => c.repeat(40)
const listening = (host: string, thumb = THUMB('A')) => ({CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: thumb})

describe('sandbox: auth, errors and resource rules', () => {
  let sb: Sandbox
  beforeAll(async () => {
    sb = await startTestSandbox({seed: 'demo'})
  })
  afterAll(async () => sb?.close())

  const poolCount = async () => (await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body.length
  const workerCount = async () => (await api(sb, 'GET', '/api/Spaces-1/workers/all')).body.length

  describe('authentication', () => {
    it('answers /api without a key but nothing else', async () => {
      const root = await fetch(`${sb.url}/api`)
      expect(root.status).toBe(200)
      const noKey = await fetch(`${sb.url}/api/Spaces-1/workers`)
      expect(noKey.status).toBe(401)
      expect(((await noKey.json()) as {ErrorMessage: string}).ErrorMessage).toMatch(/API key/)
    })

    it('rejects a wrong key with 401 and accepts header, bearer and query forms', async () => {
      expect((await api(sb, 'GET', '/api/workers', undefined, {'X-Octopus-ApiKey': 'API-WRONGKEY123'})).status).toBe(401)
      const before = await poolCount()
      expect((await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'wrong key attempt'}, {'X-Octopus-ApiKey': 'API-WRONGKEY123'})).status).toBe(401)
      expect(await poolCount()).toBe(before)
      expect((await fetch(`${sb.url}/api/workers`, {headers: {Authorization: `Bearer ${sb.apiKey}`}})).status).toBe(200)
      expect((await fetch(`${sb.url}/api/workers?apikey=${sb.apiKey}`)).status).toBe(200)
    })

    it('gives the read-only key 403 on writes and changes nothing', async () => {
      const before = await poolCount()
      const headers = {'X-Octopus-ApiKey': sb.readOnlyApiKey}
      expect((await api(sb, 'GET', '/api/Spaces-1/workerpools', undefined, headers)).status).toBe(200)
      const denied = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'read-only attempt'}, headers)
      expect(denied.status).toBe(403)
      expect((await api(sb, 'DELETE', '/api/Spaces-1/workers/Workers-1', undefined, headers)).status).toBe(403)
      expect(await poolCount()).toBe(before)
    })
  })

  describe('bad requests', () => {
    it('malformed JSON is 400 with an Octopus error body, never 500', async () => {
      const before = await poolCount()
      const r = await api(sb, 'POST', '/api/Spaces-1/workerpools', '{"Name": ')
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ErrorMessage: 'There was a problem with your request.'})
      expect(r.body.Errors[0]).toMatch(/not valid JSON/)
      expect(await poolCount()).toBe(before)
    })

    it('a body over 1 MB is 413', async () => {
      const before = await poolCount()
      const r = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'big', Description: 'x'.repeat(1024 * 1024 + 10)})
      expect(r.status).toBe(413)
      expect(await poolCount()).toBe(before)
    })

    it('wrong types are 400 and list every problem', async () => {
      const [pools, workers] = [await poolCount(), await workerCount()]
      const r = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 12, IsDefault: 'yes', SortOrder: 'first'})
      expect(r.status).toBe(400)
      expect(r.body.Errors).toEqual(expect.arrayContaining([expect.stringMatching(/Name/), expect.stringMatching(/IsDefault/), expect.stringMatching(/SortOrder/)]))
      const notObject = await api(sb, 'POST', '/api/Spaces-1/workers', [1, 2])
      expect(notObject.status).toBe(400)
      expect([await poolCount(), await workerCount()]).toEqual([pools, workers])
    })

    it('unknown IDs are 404 with a message naming them', async () => {
      const r = await api(sb, 'GET', '/api/Spaces-1/workers/Workers-999')
      expect(r.status).toBe(404)
      expect(r.body.ErrorMessage).toContain('Workers-999')
      expect((await api(sb, 'GET', '/api/Spaces-99/workers')).status).toBe(404)
      expect((await api(sb, 'GET', '/api/Spaces-2/workers/Workers-1')).status).toBe(404)
    })
  })

  describe('worker pools', () => {
    it('names are unique per space, case-insensitively, but may repeat across spaces', async () => {
      const before = await poolCount()
      const dup = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'TEST POOL'})
      expect(dup.status).toBe(400)
      expect(dup.body.Errors[0]).toMatch(/already in use/)
      expect(await poolCount()).toBe(before)
      const other = await api(sb, 'POST', '/api/Spaces-2/workerpools', {Name: 'test pool'})
      expect(other.status).toBe(201)
    })

    it('moves the default with PUT IsDefault:true, refuses to clear it or delete the default', async () => {
      const created = await api(sb, 'POST', '/api/Spaces-2/workerpools', {Name: 'Next Default'})
      const moved = await api(sb, 'PUT', `/api/Spaces-2/workerpools/${created.body.Id}`, {...created.body, IsDefault: true})
      expect(moved.status).toBe(200)
      const pools = (await api(sb, 'GET', '/api/Spaces-2/workerpools/all')).body as Array<{Id: string; IsDefault: boolean}>
      expect(pools.filter((p) => p.IsDefault).map((p) => p.Id)).toEqual([created.body.Id])
      const clear = await api(sb, 'PUT', `/api/Spaces-2/workerpools/${created.body.Id}`, {...moved.body, IsDefault: false})
      expect(clear.status).toBe(400)
      const del = await api(sb, 'DELETE', `/api/Spaces-2/workerpools/${created.body.Id}`)
      expect(del.status).toBe(400)
      expect(del.body.Errors[0]).toMatch(/default worker pool .* cannot be deleted/)
      expect((await api(sb, 'GET', `/api/Spaces-2/workerpools/${created.body.Id}`)).status).toBe(200)
    })

    it('PUT replaces the whole document: a missing Description becomes null', async () => {
      const created = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Replace Me', Description: 'something'})
      const put = await api(sb, 'PUT', `/api/Spaces-1/workerpools/${created.body.Id}`, {Name: 'Replace Me'})
      expect(put.body.Description).toBeNull()
    })

    it('sortorder needs every pool ID', async () => {
      const all = (await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Id: string}>
      const partial = await api(sb, 'PUT', '/api/Spaces-1/workerpools/sortorder', all.slice(1).map((p) => p.Id))
      expect(partial.status).toBe(400)
      expect(partial.body.Errors.join(' ')).toMatch(/every worker pool/)
      const reversed = all.map((p) => p.Id).reverse()
      expect((await api(sb, 'PUT', '/api/Spaces-1/workerpools/sortorder', reversed)).status).toBe(200)
      expect(((await api(sb, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Id: string}>).map((p) => p.Id)).toEqual(reversed)
    })

    it('dynamic pools need a known WorkerType and take no workers', async () => {
      expect((await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Dyn', WorkerPoolType: 'DynamicWorkerPool'})).status).toBe(400)
      const types = (await api(sb, 'GET', '/api/Spaces-1/workerpools/dynamicworkertypes')).body.WorkerTypes as Array<{Type: string}>
      const dyn = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Dyn', WorkerPoolType: 'DynamicWorkerPool', WorkerType: types[0].Type})
      expect(dyn.status).toBe(201)
      expect(dyn.body.CanAddWorkers).toBe(false)
      const w = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'dyn-w', WorkerPoolIds: [dyn.body.Id], Endpoint: listening('dyn-w.example')})
      expect(w.status).toBe(400)
      expect(w.body.Errors[0]).toMatch(/dynamic worker pool/)
    })

    it('deleting a pool takes it off its workers, but not if a worker would be left in no pool', async () => {
      // tmp-box (Workers-11) is in "test pool" and the Omaha pool; worker1 is only in "test pool".
      const refused = await api(sb, 'DELETE', '/api/Spaces-1/workerpools/WorkerPools-5')
      expect(refused.status).toBe(400)
      expect(refused.body.Errors[0]).toMatch(/'worker1'.*no pool|no pool/)
      const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Second Home'})
      const w = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-4')).body
      await api(sb, 'PUT', '/api/Spaces-1/workers/Workers-4', {...w, WorkerPoolIds: [...w.WorkerPoolIds, pool.body.Id]})
      expect((await api(sb, 'DELETE', `/api/Spaces-1/workerpools/${pool.body.Id}`)).status).toBe(200)
      expect((await api(sb, 'GET', '/api/Spaces-1/workers/Workers-4')).body.WorkerPoolIds).toEqual(w.WorkerPoolIds)
    })

    it('summary counts health, endpoints and upgrades per pool', async () => {
      const s = (await api(sb, 'GET', '/api/Spaces-1/workerpools/summary?ids=WorkerPools-3')).body
      const azure = s.WorkerPoolSummaries.find((p: {WorkerPool: {Id: string}}) => p.WorkerPool.Id === 'WorkerPools-3')
      expect(azure.TotalMachines).toBe(3)
      expect(azure.MachineHealthStatusSummaries).toMatchObject({Healthy: 1, Unhealthy: 1, Unavailable: 1})
      expect(s.MachineIdsForTentacleUpgrade).toEqual(expect.arrayContaining(['Workers-2', 'Workers-10']))
    })
  })

  describe('workers', () => {
    const base = {WorkerPoolIds: ['WorkerPools-2'], IsDisabled: false}

    it('needs at least one existing static pool of its own space', async () => {
      const before = await workerCount()
      for (const pools of [[], ['WorkerPools-404'], ['WorkerPools-9' /* Spaces-2 */]]) {
        const r = await api(sb, 'POST', '/api/Spaces-1/workers', {...base, Name: 'nopool', WorkerPoolIds: pools, Endpoint: listening('nopool.example')})
        expect(r.status).toBe(400)
      }
      expect(await workerCount()).toBe(before)
    })

    it('checks thumbprints, listening and polling URIs', async () => {
      const bad = [
        listening('x.example', 'XYZ'),
        {CommunicationStyle: 'TentaclePassive', Uri: 'ftp://x.example/', Thumbprint: THUMB('B')},
        {CommunicationStyle: 'TentacleActive', Uri: 'https://not-poll/', Thumbprint: THUMB('B')},
        {CommunicationStyle: 'Kubernetes'},
      ]
      const before = await workerCount()
      for (const endpoint of bad) expect((await api(sb, 'POST', '/api/Spaces-1/workers', {...base, Name: 'bad-endpoint', Endpoint: endpoint})).status).toBe(400)
      expect(await workerCount()).toBe(before)
      const polling = await api(sb, 'POST', '/api/Spaces-1/workers', {...base, Name: 'poller-01', Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://abc123/', Thumbprint: THUMB('c')}})
      expect(polling.status).toBe(201)
      expect(polling.body).toMatchObject({HealthStatus: 'Unknown', Thumbprint: THUMB('C'), Uri: 'poll://abc123/'})
    })

    it('SSH needs host, port 1-65535, fingerprint and an SSH-capable account', async () => {
      const ssh = (over: object) => ({CommunicationStyle: 'Ssh', Host: 'ssh.example', Port: 22, Fingerprint: 'SHA256:abc', AccountId: 'Accounts-1', ...over})
      const before = await workerCount()
      for (const over of [{Host: ''}, {Port: 0}, {Port: 70000}, {Fingerprint: undefined}, {AccountId: 'Accounts-404'}]) {
        expect((await api(sb, 'POST', '/api/Spaces-1/workers', {...base, Name: 'ssh-bad', Endpoint: ssh(over)})).status).toBe(400)
      }
      expect(await workerCount()).toBe(before)
      const ok = await api(sb, 'POST', '/api/Spaces-1/workers', {...base, Name: 'ssh-good', Endpoint: ssh({Port: 2222})})
      expect(ok.status).toBe(201)
      expect(ok.body.Endpoint.Uri).toBe('ssh://ssh.example:2222/')
    })

    it('names are unique per space and PUT keeps server-owned health', async () => {
      const before = await workerCount()
      expect((await api(sb, 'POST', '/api/Spaces-1/workers', {...base, Name: 'P-DB-OMAHA-WORKER-01', Endpoint: listening('dup.example')})).status).toBe(400)
      expect(await workerCount()).toBe(before)
      const w = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-7')).body
      const put = await api(sb, 'PUT', '/api/Spaces-1/workers/Workers-7', {...w, HealthStatus: 'Healthy', IsDisabled: true})
      expect(put.body).toMatchObject({HealthStatus: 'Unhealthy', IsDisabled: true})
      // The 2026 WorkerResource has no Status (the default 2026.1 profile leaves it out).
      expect(put.body).not.toHaveProperty('Status')
    })

    it('filters the list by every documented parameter (comma lists and repeated keys)', async () => {
      const names = async (q: string) => ((await api(sb, 'GET', `/api/Spaces-1/workers?take=100&${q}`)).body.Items as Array<{Name: string}>).map((w) => w.Name)
      expect(await names('healthStatuses=Unhealthy,Unavailable')).toEqual(['p-web-azcus-worker-02', 'p-web-azcus-worker-03'])
      expect(await names('healthStatuses=Unhealthy&healthStatuses=Unavailable')).toEqual(['p-web-azcus-worker-02', 'p-web-azcus-worker-03'])
      expect(await names('commStyles=Ssh')).toContain('s-linux-omaha-worker-01')
      expect(await names('workerPoolIds=WorkerPools-4')).toEqual(['s-linux-omaha-worker-01'])
      expect(await names('isDisabled=true')).toContain('p-db-omaha-worker-03')
      expect(await names('partialName=azcus')).toHaveLength(3)
      expect(await names('name=WORKER1')).toEqual(['worker1'])
      const thumb = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-3')).body.Thumbprint
      expect(await names(`thumbprint=${thumb}`)).toEqual(['p-db-omaha-worker-01', 'tmp-box'])
      const all = await api(sb, 'GET', `/api/Spaces-1/workers/all?ids=Workers-1,Workers-2`)
      expect(all.body.map((w: {Id: string}) => w.Id)).toEqual(['Workers-1', 'Workers-2'])
    })

    it('pages with Page.Next links', async () => {
      const page = (await api(sb, 'GET', '/api/Spaces-1/workers?skip=0&take=5')).body
      expect(page.Items).toHaveLength(5)
      expect(page.Links['Page.Next']).toContain('skip=5')
      const next = (await api(sb, 'GET', page.Links['Page.Next'])).body
      expect(next.Items[0].Id).not.toBe(page.Items[0].Id)
      const all = (await api(sb, 'GET', page.Links['Page.All'])).body
      expect(page.Links['Page.All']).toBe('/api/Spaces-1/workers?skip=0&take=2147483647')
      expect(all.Items).toHaveLength(all.TotalResults)
      expect(all.TotalResults).toBeGreaterThan(5)
    })
  })

  describe('features configuration', () => {
    it('PUT is a full replace that keeps flags sent back and validates types', async () => {
      const f = (await api(sb, 'GET', '/api/featuresconfiguration')).body
      const put = await api(sb, 'PUT', '/api/featuresconfiguration', {...f, IsBuiltInWorkerEnabled: false})
      expect(put.body.IsBuiltInWorkerEnabled).toBe(false)
      expect(put.body.IsKubernetesEnabled).toBe(f.IsKubernetesEnabled)
      expect((await api(sb, 'PUT', '/api/featuresconfiguration', {...f, IsBuiltInWorkerEnabled: 'no'})).status).toBe(400)
      expect((await api(sb, 'GET', '/api/featuresconfiguration')).body.IsBuiltInWorkerEnabled).toBe(false)
      await api(sb, 'PUT', '/api/featuresconfiguration', f)
    })
  })
})

describe('sandbox: emulated versions', () => {
  it('2021.2: Spaces-N and legacy routes only, no workertaskleases, no Slug', async () => {
    const sb = await startTestSandbox({seed: 'demo', octopusVersion: '2021.2'})
    try {
      const root = (await api(sb, 'GET', '/api')).body
      expect(root.Version).toMatch(/^2021\.2\./)
      expect(root.Links.WorkerPools).toBe('/api/Spaces-1/workerpools{/id}{?name,skip,ids,take,partialName}')
      expect(root.Links.WorkerTaskLeases).toBeUndefined()
      expect((await api(sb, 'GET', '/api/spaces/Spaces-1/workerpools')).status).toBe(404)
      expect((await api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=10')).status).toBe(404)
      const pools = await api(sb, 'GET', '/api/Spaces-1/workerpools/all')
      expect(pools.text).not.toContain('"Slug"')
      expect((await api(sb, 'GET', '/api/workerpools/all')).body).toEqual(pools.body)
      expect((await api(sb, 'GET', '/api/spaces/all')).text).not.toContain('"Slug"')
    } finally {
      await sb.close()
    }
  })

  it('2026.1: also /api/spaces/Spaces-N routes, workertaskleases and Slug', async () => {
    const sb = await startTestSandbox({seed: 'demo'})
    try {
      const root = (await api(sb, 'GET', '/api')).body
      expect(root.Version).toMatch(/^2026\.1\./)
      const home = (await api(sb, 'GET', '/api/Spaces-2')).body
      expect(home.Links.Workers).toMatch(/^\/api\/Spaces-2\/workers\{/)
      const viaSpaces = await api(sb, 'GET', '/api/spaces/Spaces-2/workerpools/all')
      expect(viaSpaces.status).toBe(200)
      expect(viaSpaces.body[0].Slug).toBe('default-worker-pool')
      const leases = await api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=10')
      expect(leases.body.WorkerTaskLeases).toMatchObject({ItemType: 'WorkerTaskLease', TotalResults: 0, Items: []})
    } finally {
      await sb.close()
    }
  })
})
