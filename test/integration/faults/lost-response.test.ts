import {describe, expect, it} from 'vitest'
import {api, type Sandbox} from '../../helpers/sandbox.js'
import type {FaultServer} from '../../fault-server/index.js'
import {octoVia, withFaultedSandbox} from './helpers.js'

// The server applied a DELETE or PUT but its answer was lost (the connection
// was reset after the sandbox had done the work). The client reads the resource back and
// reports what is true, instead of "Deleted 0 of 1" with the pool gone.

let sandbox: Sandbox
let faults: FaultServer
withFaultedSandbox((s, f) => {
  sandbox = s
  faults = f
})

async function poolNamed(name: string): Promise<{Id: string; Name: string; Description?: string} | undefined> {
  const pools = (await api(sandbox, 'GET', '/api/Spaces-1/workerpools/all')).body as Array<{Id: string; Name: string; Description?: string}>
  return pools.find((p) => p.Name === name)
}

describe('a lost answer to a write that the server applied', () => {
  it('pool delete: the read-back 404 means deleted, exit 0', async () => {
    const created = await api(sandbox, 'POST', '/api/Spaces-1/workerpools', {Name: 'Lost Delete Pool', WorkerPoolType: 'StaticWorkerPool'})
    expect(created.status).toBe(201)
    faults.add({mode: 'reset-after-apply', method: 'DELETE', path: `/api/Spaces-1/workerpools/${created.body.Id}`, times: 1})
    const result = await octoVia(faults, sandbox, ['pool', 'delete', 'Lost Delete Pool', '-y', '--no-prompt'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe("Lost Delete Pool: deleted")
    expect(await poolNamed('Lost Delete Pool')).toBeUndefined()
    // The lost answer was followed by a read-back, not by a blind second DELETE.
    const after = faults.requests.slice(faults.requests.findIndex((r) => r.fault === 'reset-after-apply'))
    expect(after.map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /api/Spaces-1/workerpools/${created.body.Id}`, `GET /api/Spaces-1/workerpools/${created.body.Id}`])
  })

  it('worker delete: the same shared mechanism, exit 0', async () => {
    const created = await api(sandbox, 'POST', '/api/Spaces-1/workers', {
      Name: 'lost-delete-worker',
      WorkerPoolIds: ['WorkerPools-1'],
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://lost-delete:10933/', Thumbprint: 'A'.repeat(40)},
    })
    expect(created.status).toBe(201)
    faults.add({mode: 'reset-after-apply', method: 'DELETE', path: `/api/Spaces-1/workers/${created.body.Id}`, times: 1})
    const result = await octoVia(faults, sandbox, ['worker', 'delete', 'lost-delete-worker', '-y', '--no-prompt', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect((await api(sandbox, 'GET', `/api/Spaces-1/workers/${created.body.Id}`)).status).toBe(404)
  })

  it('pool update: a read-back equal to what was sent means updated, exit 0, and the PUT is not sent twice', async () => {
    const created = await api(sandbox, 'POST', '/api/Spaces-1/workerpools', {Name: 'Lost Update Pool', WorkerPoolType: 'StaticWorkerPool'})
    faults.add({mode: 'reset-after-apply', method: 'PUT', path: `/api/Spaces-1/workerpools/${created.body.Id}`, times: 1})
    const result = await octoVia(faults, sandbox, ['pool', 'update', 'Lost Update Pool', '--description', 'after a lost answer'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect((await poolNamed('Lost Update Pool'))?.Description).toBe('after a lost answer')
    expect(faults.requests.filter((r) => r.method === 'PUT')).toHaveLength(1)
  })

  it('a DELETE cut by --timeout before the server saw it says it may or may not have happened (exit 1), and the pool is still there', async () => {
    const created = await api(sandbox, 'POST', '/api/Spaces-1/workerpools', {Name: 'Hung Delete Pool', WorkerPoolType: 'StaticWorkerPool'})
    // The DELETE never reaches the sandbox (the fault server holds it): nothing can be read back in time.
    faults.add({mode: 'hang', method: 'DELETE', path: `/api/Spaces-1/workerpools/${created.body.Id}`, times: 1})
    const result = await octoVia(faults, sandbox, ['pool', 'delete', 'Hung Delete Pool', '-y', '--no-prompt', '--timeout', '2'])
    expect(result.exitCode).toBe(1)
    expect(result.stdout + result.stderr).toMatch(/may or may not have been applied/)
    expect(await poolNamed('Hung Delete Pool')).toBeDefined()
  })
})
