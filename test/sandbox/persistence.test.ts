import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'
import {describe, expect, it} from 'vitest'
import {api, startTestSandbox, tempDataFile} from '../helpers/sandbox.js'
import {binPath} from '../helpers/cli.js'

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  const until = Date.now() + 20_000
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('persistence', () => {
  it('a restart keeps the estate, the keys and task history; running tasks fail and release their leases', async () => {
    const dataFile = tempDataFile()
    const first = await startTestSandbox({dataFile, seed: 'demo'})
    const pool = await api(first, 'POST', '/api/Spaces-1/workerpools', {Name: 'Survives Restart'})
    const health = await api(first, 'POST', '/api/Spaces-1/tasks', {Name: 'Health', Arguments: {MachineIds: ['Workers-1']}})
    await waitFor(async () => ((await api(first, 'GET', `/api/tasks/${health.body.Id}`)).body.IsCompleted ? true : undefined), 'health check')
    const sim = (await api(first, 'POST', '/api/sandbox/simulations', {Tasks: 2, Concurrency: 2, WorkerPoolIds: ['WorkerPools-2'], MinDurationMs: 60_000, MaxDurationMs: 60_000})).body
    expect((await api(first, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=10')).body.WorkerTaskLeases.TotalResults).toBe(2)
    await first.close()

    const second = await startTestSandbox({dataFile, seed: 'empty'})
    try {
      expect(second.seeded).toBe(false)
      expect(second.seed).toBe('demo')
      expect(second.apiKey).toBe(first.apiKey)
      expect((await api(second, 'GET', `/api/Spaces-1/workerpools/${pool.body.Id}`)).body.Name).toBe('Survives Restart')
      expect((await api(second, 'GET', `/api/tasks/${health.body.Id}`)).body.State).toBe('Success')
      const interrupted = (await api(second, 'GET', `/api/tasks/${sim.FirstTaskId}`)).body
      expect(interrupted).toMatchObject({State: 'Failed', IsCompleted: true})
      expect(interrupted.ErrorMessage).toMatch(/restarted/)
      expect((await api(second, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=10')).body.WorkerTaskLeases.TotalResults).toBe(0)
      expect((await api(second, 'GET', `/api/sandbox/simulations/${sim.Id}`)).body.State).toBe('Interrupted')
      expect((await api(second, 'GET', `/api/tasks/${sim.FirstTaskId}/raw`)).text).toMatch(/Leased worker p-db-omaha-worker-01 from pool Production Database Omaha Worker Pool \(lease WorkerTaskLeases-1\)/)
      // The lease history is permanent.
      expect((await api(second, 'GET', '/api/sandbox/leases/history')).body).toHaveLength(2)
    } finally {
      await second.close()
    }
  })

  it('kill -9 during a burst of writes loses nothing that was acknowledged', async () => {
    const dataFile = tempDataFile()
    const child = spawn(process.execPath, [binPath, 'sandbox', 'start', '--json', '--port', '0', '--data', dataFile, '--seed', 'empty'], {stdio: ['ignore', 'pipe', 'pipe']})
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({input: child.stdout!}).once('line', resolve)
      child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}`)))
    })
    const started = JSON.parse(firstLine) as {Url: string; ApiKey: string}
    const acknowledged: string[] = []
    let stop = false
    const writer = async (lane: number) => {
      for (let i = 0; !stop; i++) {
        const name = `Burst Pool ${lane}-${i}`
        try {
          const r = await fetch(`${started.Url}/api/Spaces-1/workerpools`, {method: 'POST', headers: {'X-Octopus-ApiKey': started.ApiKey, 'Content-Type': 'application/json'}, body: JSON.stringify({Name: name})})
          if (r.status === 201) acknowledged.push(name)
        } catch {
          return // the server is gone
        }
      }
    }
    const lanes = Array.from({length: 8}, (_, lane) => writer(lane))
    await waitFor(async () => (acknowledged.length >= 150 ? true : undefined), '150 acknowledged writes')
    child.kill('SIGKILL')
    stop = true
    await Promise.all(lanes)
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)))

    const restarted = await startTestSandbox({dataFile})
    try {
      const names = new Set(((await api(restarted, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Name: string}>).map((p) => p.Name))
      const lost = acknowledged.filter((n) => !names.has(n))
      expect(acknowledged.length).toBeGreaterThanOrEqual(150)
      expect(lost).toEqual([])
    } finally {
      await restarted.close()
    }
  })

  it('sandbox start --json prints one JSON line and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [binPath, 'sandbox', 'start', '--json', '--port', '0', '--data', ':memory:'], {stdio: ['ignore', 'pipe', 'pipe']})
    const line = await new Promise<string>((resolve) => createInterface({input: child.stdout!}).once('line', resolve))
    const doc = JSON.parse(line)
    expect(doc).toMatchObject({Data: ':memory:', OctopusVersion: '2026.1'})
    expect(doc.ApiKey).toMatch(/^API-[A-Z0-9]+$/)
    expect((await fetch(`${doc.Url}/api`)).status).toBe(200)
    child.kill('SIGTERM')
    const code = await new Promise((r) => child.once('exit', r))
    expect(code).toBe(0)
  })
})

describe('health checks and the task list', () => {
  it('decides health from the host, logs per worker and fails when a worker is unavailable', async () => {
    const sb = await startTestSandbox({seed: 'empty'})
    try {
      const hosts = {ok: 'fine.example', warn: 'w.warnings.test', sick: 'x.unhealthy.test', gone: 'y.unreachable.test', old: 'old.outdated.example'}
      const ids: Record<string, string> = {}
      for (const [name, host] of Object.entries(hosts)) {
        ids[name] = (await api(sb, 'POST', '/api/Spaces-1/workers', {Name: name, WorkerPoolIds: ['WorkerPools-1'], Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: 'E'.repeat(40)}})).body.Id
      }
      const poll = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'poller', WorkerPoolIds: ['WorkerPools-1'], Endpoint: {CommunicationStyle: 'TentacleActive', Uri: 'poll://unreachable42/', Thumbprint: 'F'.repeat(40)}})
      const task = await api(sb, 'POST', '/api/tasks', {Name: 'Health', SpaceId: 'Spaces-1', Arguments: {WorkerpoolId: 'WorkerPools-1', RestrictedTo: 'Workers'}})
      expect(task.body.State).toBe('Queued')
      const done = await waitFor(async () => {
        const t = (await api(sb, 'GET', `/api/Spaces-1/tasks/${task.body.Id}`)).body
        return t.IsCompleted ? t : undefined
      }, 'health task')
      expect(done.State).toBe('Failed')
      const health = async (id: string) => (await api(sb, 'GET', `/api/Spaces-1/workers/${id}`)).body
      expect((await health(ids.ok)).HealthStatus).toBe('Healthy')
      expect((await health(ids.warn)).HealthStatus).toBe('HasWarnings')
      expect((await health(ids.sick)).HealthStatus).toBe('Unhealthy')
      expect((await health(ids.gone)).HealthStatus).toBe('Unavailable')
      expect((await health(poll.body.Id)).HealthStatus).toBe('Unavailable')
      expect((await health(ids.old)).Endpoint.TentacleVersionDetails).toMatchObject({Version: '6.3.417', UpgradeSuggested: true})
      const raw = (await api(sb, 'GET', `/api/tasks/${task.body.Id}/raw`)).text
      for (const name of Object.keys(hosts)) expect(raw).toContain(`${name}: `)
      const connection = (await api(sb, 'GET', `/api/Spaces-1/workers/${ids.gone}/connection`)).body
      expect(connection).toMatchObject({MachineId: ids.gone, Status: 'Offline'})
      expect(connection.Logs[0].MessageText).toMatch(/could not be contacted/)

      const unknownPool = await api(sb, 'POST', '/api/Spaces-1/tasks', {Name: 'Health', Arguments: {WorkerpoolId: 'WorkerPools-77'}})
      expect(unknownPool.status).toBe(400)
      expect((await api(sb, 'POST', '/api/Spaces-1/tasks', {Name: 'Deploy'})).status).toBe(400)
    } finally {
      await sb.close()
    }
  })

  it('filters tasks by state, name, space and completion dates, newest first', async () => {
    const sb = await startTestSandbox({seed: 'demo'})
    try {
      const seeded = await api(sb, 'POST', '/api/sandbox/seed-completed-tasks', {Count: 2000})
      expect(seeded.status).toBe(201)
      const page = (await api(sb, 'GET', '/api/tasks?name=Deploy&states=Success&take=10')).body
      expect(page.TotalResults).toBe(2000)
      expect(page.Items[0].Id).toBe(seeded.body.LastTaskId)
      const last = page.Items[0].CompletedTime as string
      const recent = (await api(sb, 'GET', `/api/Spaces-1/tasks?fromCompletedDate=${encodeURIComponent(last)}&take=5`)).body
      expect(recent.TotalResults).toBe(1)
      const old = (await api(sb, 'GET', `/api/tasks?toCompletedDate=${encodeURIComponent(new Date(Date.parse(last) - 60 * 60_000).toISOString())}&take=1`)).body
      expect(old.TotalResults).toBeGreaterThan(1900)
      expect((await api(sb, 'GET', '/api/tasks?spaces=Spaces-2&take=1')).body.TotalResults).toBe(0)
      expect((await api(sb, 'GET', '/api/tasks?fromCompletedDate=yesterday')).status).toBe(400)
      const raw = (await api(sb, 'GET', `/api/tasks/${seeded.body.FirstTaskId}/raw`)).text
      expect(raw).toMatch(/Leased worker \S+ from pool .+ \(lease WorkerTaskLeases-\d+\)/)
    } finally {
      await sb.close()
    }
  })
})
