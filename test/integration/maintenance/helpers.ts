import {expect} from 'vitest'
import {api, type Sandbox} from '../../helpers/sandbox.js'

/** Polls until `fn` returns a value (an event, not a fixed sleep); fails after `ms`. */
export async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export async function getTask(sb: Sandbox, id: string): Promise<Record<string, any>> {
  return (await api(sb, 'GET', `/api/tasks/${id}`)).body
}

export async function finishedTask(sb: Sandbox, id: string): Promise<Record<string, any>> {
  return waitFor(async () => {
    const task = await getTask(sb, id)
    return task.IsCompleted ? task : undefined
  }, `task ${id}`)
}

export async function startTask(sb: Sandbox, body: object): Promise<string> {
  const created = await api(sb, 'POST', '/api/Spaces-1/tasks', body)
  expect(created.status, created.text).toBe(201)
  return created.body.Id
}

export async function worker(sb: Sandbox, id: string): Promise<Record<string, any>> {
  return (await api(sb, 'GET', `/api/Spaces-1/workers/${id}`)).body
}

export async function workersOf(sb: Sandbox): Promise<Array<Record<string, any>>> {
  return (await api(sb, 'GET', '/api/Spaces-1/workers/all')).body
}

export async function activeLeases(sb: Sandbox): Promise<Array<Record<string, any>>> {
  return (await api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=1000')).body.WorkerTaskLeases.Items
}

/**
 * A new static pool of listening workers on the given hosts (names `<prefix>-01`...), health-checked
 * so that they are available. Returns the pool and worker IDs in order.
 */
export async function addPool(sb: Sandbox, name: string, prefix: string, hosts: string[]): Promise<{poolId: string; workerIds: string[]}> {
  const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: name})
  expect(pool.status, pool.text).toBe(201)
  const workerIds: string[] = []
  for (const [i, host] of hosts.entries()) {
    const thumbprint = (0xA0000 + workerIds.length + Date.now() % 1000 * 16 + i).toString(16).toUpperCase().padStart(40, '0')
    const w = await api(sb, 'POST', '/api/Spaces-1/workers', {
      Name: `${prefix}-${String(i + 1).padStart(2, '0')}`, WorkerPoolIds: [pool.body.Id],
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: thumbprint},
    })
    expect(w.status, w.text).toBe(201)
    workerIds.push(w.body.Id)
  }
  await finishedTask(sb, await startTask(sb, {Name: 'Health', Arguments: {WorkerpoolId: pool.body.Id}}))
  return {poolId: pool.body.Id, workerIds}
}

export async function simulate(sb: Sandbox, body: object): Promise<{Id: string; FirstTaskId: string}> {
  const created = await api(sb, 'POST', '/api/sandbox/simulations', body)
  expect(created.status, created.text).toBe(201)
  return created.body
}

export async function simulationStatus(sb: Sandbox, id: string): Promise<Record<string, any>> {
  return (await api(sb, 'GET', `/api/sandbox/simulations/${id}`)).body
}

export async function finishedSimulation(sb: Sandbox, id: string, ms = 120_000): Promise<Record<string, any>> {
  return waitFor(async () => {
    const sim = await simulationStatus(sb, id)
    return sim.State === 'Running' ? undefined : sim
  }, `simulation ${id}`, ms)
}
