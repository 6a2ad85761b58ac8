import {afterEach, describe, expect, it} from 'vitest'
import {api, startTestSandbox, type Sandbox} from '../helpers/sandbox.js'

interface HistoryItem {
  Id: string
  ServerTaskId: string
  WorkerId: string
  WorkerName: string
  WorkerPoolId: string
  Exclusive: boolean
  GrantSequence: number
  ReleaseSequence: number | null
  ReleaseReason: string | null
}

let sb: Sandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

async function simulate(s: Sandbox, body: object) {
  const created = await api(s, 'POST', '/api/sandbox/simulations', body)
  expect(created.status).toBe(201)
  return created.body as {Id: string; FirstTaskId: string; LastTaskId: string}
}

async function finished(s: Sandbox, id: string) {
  return waitFor(async () => {
    const sim = (await api(s, 'GET', `/api/sandbox/simulations/${id}`)).body
    return sim.State === 'Running' ? undefined : sim
  }, `simulation ${id}`, 60_000)
}

const history = async (s: Sandbox): Promise<HistoryItem[]> => (await api(s, 'GET', '/api/sandbox/leases/history')).body

async function addPoolWithWorkers(s: Sandbox, name: string, hosts: string[]): Promise<{poolId: string; workerIds: string[]}> {
  const pool = await api(s, 'POST', '/api/Spaces-1/workerpools', {Name: name})
  const workerIds: string[] = []
  for (const [i, host] of hosts.entries()) {
    const w = await api(s, 'POST', '/api/Spaces-1/workers', {
      Name: `${name.toLowerCase().replaceAll(' ', '-')}-${String(i + 1).padStart(2, '0')}`, WorkerPoolIds: [pool.body.Id],
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: (i + 10).toString(16).toUpperCase().repeat(40).slice(0, 40)},
    })
    expect(w.status).toBe(201)
    workerIds.push(w.body.Id)
  }
  const health = await api(s, 'POST', '/api/Spaces-1/tasks', {Name: 'Health', Arguments: {WorkerpoolId: pool.body.Id}})
  await waitFor(async () => ((await api(s, 'GET', `/api/tasks/${health.body.Id}`)).body.IsCompleted ? true : undefined), 'health check')
  return {poolId: pool.body.Id, workerIds}
}

describe('lease engine', () => {
  it('leases the healthy, enabled worker with the fewest active leases, ties by ID, many per worker', async () => {
    sb = await startTestSandbox({seed: 'demo'})
    // Omaha pool: worker-01 (Workers-3), worker-02 (Workers-4), worker-03 disabled (Workers-5), tmp-box HasWarnings (Workers-11).
    await simulate(sb, {Tasks: 7, Concurrency: 7, WorkerPoolIds: ['WorkerPools-2'], MinDurationMs: 60_000, MaxDurationMs: 60_000})
    const leases = await history(sb)
    expect(leases.map((l) => l.WorkerId)).toEqual(['Workers-3', 'Workers-4', 'Workers-11', 'Workers-3', 'Workers-4', 'Workers-11', 'Workers-3'])
    const active = (await api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=100')).body.WorkerTaskLeases
    expect(active.TotalResults).toBe(7)
    expect(active.Items[0]).toMatchObject({Id: leases[0].Id, Exclusive: false, WorkerPoolId: 'WorkerPools-2', ServerTaskId: leases[0].ServerTaskId, SpaceId: 'Spaces-1'})
  })

  it('skips unhealthy and unavailable workers', async () => {
    sb = await startTestSandbox({seed: 'demo'})
    const sim = await simulate(sb, {Tasks: 6, Concurrency: 3, WorkerPoolIds: ['WorkerPools-3'], MinDurationMs: 5, MaxDurationMs: 20})
    const done = await finished(sb, sim.Id)
    expect(done.TasksCompleted).toBe(6)
    expect(done.LeasesPerWorker).toEqual({'p-web-azcus-worker-01': 6})
  })

  it('logs the evidenced lease line (and no invented release line) and releases everything at the end', async () => {
    sb = await startTestSandbox({seed: 'demo'})
    const sim = await simulate(sb, {Tasks: 2, Concurrency: 2, WorkerPoolIds: ['WorkerPools-4'], MinDurationMs: 5, MaxDurationMs: 10, StepsPerTask: 2})
    await finished(sb, sim.Id)
    const raw = (await api(sb, 'GET', `/api/tasks/${sim.FirstTaskId}/raw`)).text
    expect(raw).toMatch(/Leased worker s-linux-omaha-worker-01 from pool Staging Linux Worker Pool \(lease WorkerTaskLeases-\d+\)/)
    // No public Octopus material shows a successful-release line, so the sandbox writes none.
    expect(raw).not.toMatch(/Released worker/)
    const details = (await api(sb, 'GET', `/api/tasks/${sim.FirstTaskId}/details?verbose=true`)).body
    const stepLogs = details.ActivityLogs[0].Children.flatMap((c: {LogElements: Array<{MessageText: string}>}) => c.LogElements.map((l) => l.MessageText))
    expect(stepLogs.filter((m: string) => m.startsWith('Leased worker'))).toHaveLength(2)
    const tail = (await api(sb, 'GET', `/api/tasks/${sim.FirstTaskId}/details?tail=1`)).body
    expect(tail.ActivityLogs[0].Children[0].LogElements).toHaveLength(1)
    expect((await history(sb)).every((l) => l.ReleaseSequence !== null)).toBe(true)
  })

  it('uses the built-in worker only for an empty default pool with the feature on', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    const ok = await finished(sb, (await simulate(sb, {Tasks: 1, Concurrency: 1, MinDurationMs: 1, MaxDurationMs: 1})).Id)
    expect(ok.TasksCompleted).toBe(1)
    expect(ok.LeasesGranted).toBe(0)
    expect((await api(sb, 'GET', `/api/tasks/${ok.FirstTaskId}/raw`)).text).toContain('built-in worker')

    const other = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Empty Other'})
    const failedOther = await finished(sb, (await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [other.body.Id], MinDurationMs: 1, MaxDurationMs: 1})).Id)
    expect(failedOther.TasksFailed).toBe(1)
    const task = (await api(sb, 'GET', `/api/tasks/${failedOther.FirstTaskId}`)).body
    expect(task.State).toBe('Failed')
    expect(task.ErrorMessage).toMatch(/pool Empty Other has no workers/)

    const f = (await api(sb, 'GET', '/api/featuresconfiguration')).body
    await api(sb, 'PUT', '/api/featuresconfiguration', {...f, IsBuiltInWorkerEnabled: false})
    const off = await finished(sb, (await simulate(sb, {Tasks: 1, Concurrency: 1, MinDurationMs: 1, MaxDurationMs: 1})).Id)
    expect(off.TasksFailed).toBe(1)
    expect((await api(sb, 'GET', `/api/tasks/${off.FirstTaskId}/raw`)).text).toMatch(/built-in worker is disabled/)
  })

  it('never falls back to the built-in worker when the default pool has only unhealthy workers', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'sick', WorkerPoolIds: ['WorkerPools-1'], Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://sick.unhealthy.test:10933/', Thumbprint: 'D'.repeat(40)}})
    const sim = await finished(sb, (await simulate(sb, {Tasks: 1, Concurrency: 1, MinDurationMs: 1, MaxDurationMs: 1})).Id)
    expect(sim.TasksFailed).toBe(1)
    expect((await api(sb, 'GET', `/api/tasks/${sim.FirstTaskId}/raw`)).text).toMatch(/The step failed: There are no healthy workers in the pool Default Worker Pool\./)
  })

  it('leases a dynamic pool\'s worker exclusively: one task at a time', async () => {
    sb = await startTestSandbox({seed: 'demo'})
    const sim = await finished(sb, (await simulate(sb, {Tasks: 3, Concurrency: 3, WorkerPoolIds: ['WorkerPools-6'], MinDurationMs: 40, MaxDurationMs: 40})).Id)
    expect(sim.TasksCompleted).toBe(3)
    const leases = (await history(sb)).sort((a, b) => a.GrantSequence - b.GrantSequence)
    expect(leases.every((l) => l.Exclusive)).toBe(true)
    for (let i = 1; i < leases.length; i++) expect(leases[i].GrantSequence).toBeGreaterThan(leases[i - 1].ReleaseSequence!)
  })

  it('a cancelled task releases its leases; a leased worker cannot be deleted until then', async () => {
    sb = await startTestSandbox({seed: 'demo'})
    const sim = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: ['WorkerPools-4'], MinDurationMs: 60_000, MaxDurationMs: 60_000})
    const [lease] = await history(sb)
    const del = await api(sb, 'DELETE', '/api/Spaces-1/workers/Workers-9')
    expect(del.status).toBe(400)
    expect(del.body.Errors[0]).toBe(`Worker s-linux-omaha-worker-01 is currently leased by ${sim.FirstTaskId} (${lease.Id}) and cannot be deleted. Wait for the task to finish or cancel it, then try again.`)
    const cancelled = await api(sb, 'POST', `/api/tasks/${sim.FirstTaskId}/cancel`)
    expect(cancelled.body.State).toBe('Canceled')
    expect((await api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=10')).body.WorkerTaskLeases.TotalResults).toBe(0)
    expect((await history(sb))[0]).toMatchObject({ReleaseReason: 'canceled'})
    expect((await api(sb, 'GET', `/api/tasks/${sim.FirstTaskId}/raw`)).text).not.toContain('Released worker')
    expect((await api(sb, 'DELETE', '/api/Spaces-1/workers/Workers-9')).status).toBe(200)
  })

  it('a Tentacle upgrade leases exclusively and brings the version up to date', async () => {
    sb = await startTestSandbox({seed: 'demo'})
    const task = await api(sb, 'POST', '/api/Spaces-1/tasks', {Name: 'Upgrade', Arguments: {MachineIds: ['Workers-2']}})
    expect(task.status).toBe(201)
    await waitFor(async () => ((await api(sb!, 'GET', `/api/tasks/${task.body.Id}`)).body.IsCompleted ? true : undefined), 'upgrade')
    expect((await history(sb))[0]).toMatchObject({WorkerId: 'Workers-2', Exclusive: true})
    const w = (await api(sb, 'GET', '/api/Spaces-1/workers/Workers-2')).body
    expect(w.Endpoint.TentacleVersionDetails).toMatchObject({Version: '8.3.2886', UpgradeSuggested: false})
  })

  it('balance: 1,000 leases at concurrency 50 keep every grant on a least-leased worker, counts within 1', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    const {poolId, workerIds} = await addPoolWithWorkers(sb, 'Balance Pool', Array.from({length: 7}, (_, i) => `balance-${i}.example`))
    // One step per task: each release is followed, in the same synchronous step, by the next grant.
    const sim = await finished(sb, (await simulate(sb, {Tasks: 1000, Concurrency: 50, WorkerPoolIds: [poolId], MinDurationMs: 1, MaxDurationMs: 30})).Id)
    expect(sim.TasksCompleted).toBe(1000)
    const leases = await history(sb)
    expect(leases).toHaveLength(1000)
    const events = leases.flatMap((l) => [{seq: l.GrantSequence, worker: l.WorkerId, grant: true}, {seq: l.ReleaseSequence!, worker: l.WorkerId, grant: false}]).sort((a, b) => a.seq - b.seq)
    const active = new Map(workerIds.map((id) => [id, 0]))
    let maxSpread = 0
    let grantsNotOnLeastLeased = 0
    for (const e of events) {
      if (e.grant && active.get(e.worker)! !== Math.min(...active.values())) grantsNotOnLeastLeased++
      active.set(e.worker, active.get(e.worker)! + (e.grant ? 1 : -1))
      if (e.grant) maxSpread = Math.max(maxSpread, Math.max(...active.values()) - Math.min(...active.values()))
    }
    expect(grantsNotOnLeastLeased).toBe(0)
    expect(maxSpread).toBeLessThanOrEqual(1)
    expect(sim.MaxLeaseSpread).toBe(maxSpread)
    expect(sim.GrantsToLeastLeased).toBe(1000)
    expect(Object.keys(sim.LeasesPerWorker)).toHaveLength(7)
  })
})
