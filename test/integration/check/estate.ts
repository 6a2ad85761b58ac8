/** Builds extra estate in a sandbox through the Octopus API, for the check and builtin-worker tests. */
import {randomBytes} from 'node:crypto'
import {api, type Sandbox} from '../../helpers/sandbox.js'

export function thumbprint(): string {
  return randomBytes(20).toString('hex').toUpperCase()
}

export async function createPool(sandbox: Sandbox, spaceId: string, name: string): Promise<{Id: string; Name: string}> {
  const res = await api(sandbox, 'POST', `/api/${spaceId}/workerpools`, {Name: name, WorkerPoolType: 'StaticWorkerPool', IsDefault: false, SpaceId: spaceId})
  if (res.status !== 201) throw new Error(`create pool ${name}: ${res.status} ${res.text}`)
  return res.body
}

/** A listening worker; the host decides its health in the sandbox (e.g. `x.unhealthy.test`). */
export async function createWorker(sandbox: Sandbox, spaceId: string, name: string, poolIds: string[], host = `${name}.example.test`): Promise<{Id: string; Name: string}> {
  const res = await api(sandbox, 'POST', `/api/${spaceId}/workers`, {
    Name: name, SpaceId: spaceId, WorkerPoolIds: poolIds, IsDisabled: false,
    Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: thumbprint()},
  })
  if (res.status !== 201) throw new Error(`create worker ${name}: ${res.status} ${res.text}`)
  return res.body
}

/** Runs an Octopus Health task over the given workers and waits for it to finish. */
export async function healthCheck(sandbox: Sandbox, spaceId: string, workerIds: string[]): Promise<void> {
  const res = await api(sandbox, 'POST', `/api/${spaceId}/tasks`, {Name: 'Health', Description: 'test health check', SpaceId: spaceId, Arguments: {MachineIds: workerIds, RestrictedTo: 'Workers'}})
  if (res.status !== 201) throw new Error(`health task: ${res.status} ${res.text}`)
  for (let i = 0; i < 400; i++) {
    const task = await api(sandbox, 'GET', `/api/tasks/${res.body.Id}`)
    if (task.body.IsCompleted) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('health task did not finish')
}

export async function setWorkerDisabled(sandbox: Sandbox, spaceId: string, workerId: string, disabled: boolean): Promise<void> {
  const current = await api(sandbox, 'GET', `/api/${spaceId}/workers/${workerId}`)
  const res = await api(sandbox, 'PUT', `/api/${spaceId}/workers/${workerId}`, {...current.body, IsDisabled: disabled})
  if (res.status !== 200) throw new Error(`update worker: ${res.status} ${res.text}`)
}

export async function features(sandbox: Sandbox): Promise<Record<string, unknown>> {
  const {Links: _links, ...doc} = (await api(sandbox, 'GET', '/api/featuresconfiguration')).body
  return doc
}

export function cliEnv(sandbox: Sandbox, apiKey = sandbox.apiKey): Record<string, string> {
  return {OCTOPUS_URL: sandbox.url, OCTOPUS_API_KEY: apiKey}
}
