import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, octo, poolByName, poolsOf, requestsOf} from './helpers.js'

let sb: Sandbox

async function createPools(...names: string[]): Promise<string[]> {
  const ids: string[] = []
  for (const name of names) {
    const r = await octo(sb, ['pool', 'create', name, '--json'])
    expect(r.exitCode, r.stderr).toBe(0)
    ids.push(parseJson(r).Id)
  }
  return ids
}

/** Adds a worker to a pool through the API (worker commands are another topic). */
async function addWorkerToPool(workerId: string, poolId: string): Promise<void> {
  const worker = (await api(sb, 'GET', `/api/Spaces-1/workers/${workerId}`)).body
  const put = await api(sb, 'PUT', `/api/Spaces-1/workers/${workerId}`, {...worker, WorkerPoolIds: [...worker.WorkerPoolIds, poolId]})
  expect(put.status, put.text).toBe(200)
}

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
})
afterEach(async () => {
  await api(sb, 'DELETE', '/api/sandbox/faults')
})
afterAll(async () => sb?.close())

describe('pool delete', () => {
  it('says what happens to the pool\'s workers, deletes it, and the workers stay in their other pools', async () => {
    const [spareId] = await createPools('Spare A')
    const defaultPool = (await poolsOf(sb)).find((p) => p.IsDefault)!
    const worker = (await api(sb, 'GET', `/api/Spaces-1/workers?workerPoolIds=${defaultPool.Id}&take=1`)).body.Items[0]
    await addWorkerToPool(worker.Id, spareId)
    const result = await octo(sb, ['pool', 'delete', 'spare a', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain(`'Spare A' (${spareId}) holds 1 worker (${worker.Name}); it stays registered and is removed from this pool`)
    expect(result.stdout.trim()).toBe(`Spare A (${spareId}): deleted`)
    expect(await poolByName(sb, 'Spare A')).toBeUndefined()
    expect((await api(sb, 'GET', `/api/Spaces-1/workers/${worker.Id}`)).body.WorkerPoolIds).toEqual(worker.WorkerPoolIds)
  })

  it('--json reports each pool', async () => {
    const ids = await createPools('Spare B', 'Spare C')
    const result = await octo(sb, ['pool', 'delete', 'Spare B', ids[1], '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toEqual({
      Results: [{Id: ids[0], Name: 'Spare B', Status: 'Deleted', Error: null}, {Id: ids[1], Name: 'Spare C', Status: 'Deleted', Error: null}],
      Deleted: ids,
      NotDeleted: [],
    })
    expect(await poolByName(sb, 'Spare B')).toBeUndefined()
    expect(await poolByName(sb, 'Spare C')).toBeUndefined()
  })

  describe('refusals change nothing', () => {
    it('the default pool: exit 2, saying which pool to make default first', async () => {
      const defaultPool = (await poolsOf(sb)).find((p) => p.IsDefault)!
      const result = await expectRejected(sb, ['pool', 'delete', defaultPool.Name, '-y'], 2, `'${defaultPool.Name}' is the default worker pool and cannot be deleted; nothing was deleted.`)
      expect(result.stderr).toMatch(/Make another pool the default first, e\.g\. `octoworkers pool set-default .+`/)
    })

    it('a pool that is some worker\'s only pool: exit 2 naming the workers', async () => {
      const pools = await poolsOf(sb)
      const workers = (await api(sb, 'GET', '/api/Spaces-1/workers?take=100000')).body.Items as Array<{Name: string; WorkerPoolIds: string[]}>
      const pool = pools.find((p) => !p.IsDefault && workers.some((w) => w.WorkerPoolIds.length === 1 && w.WorkerPoolIds[0] === p.Id))!
      const only = workers.filter((w) => w.WorkerPoolIds.length === 1 && w.WorkerPoolIds[0] === pool.Id).map((w) => w.Name)
      const result = await expectRejected(sb, ['pool', 'delete', pool.Name, '-y'], 2, `'${pool.Name}' is the only pool of`)
      for (const name of only) expect(result.stderr).toContain(name)
      expect(result.stderr).toContain('a worker must stay in at least one pool, so nothing was deleted.')
    })

    it('--no-prompt without -y: exit 2 (also when stdin is not a terminal)', async () => {
      await createPools('Keep me')
      const refused = await expectRejected(sb, ['pool', 'delete', 'Keep me', '--no-prompt', '--debug'], 2, "Refusing to delete worker pool 'Keep me' without confirmation")
      expect(requestsOf(refused)).toEqual([])
      await expectRejected(sb, ['pool', 'delete', 'Keep me', 'Other'], 2, 'Refusing to delete these 2 worker pools without confirmation')
      await expectRejected(sb, ['pool', 'delete', 'Keep me'], 2, 'Pass -y/--yes to confirm.')
    })

    it('an unknown name among known ones: exit 4, none deleted', async () => {
      await expectRejected(sb, ['pool', 'delete', 'Keep me', 'Keep mee', '-y'], 4, "Worker pool 'Keep mee' not found. Did you mean: 'Keep me'")
      await expectRejected(sb, ['pool', 'delete', 'Keep me', 'WorkerPools-999', '-y'], 4, "Worker pool 'WorkerPools-999' not found.")
    })
  })

  it('a failure midway says which pools were deleted and which not, exit 1', async () => {
    const ids = await createPools('Bulk 1', 'Bulk 2', 'Bulk 3')
    const fault = await api(sb, 'POST', '/api/sandbox/faults', {Method: 'DELETE', PathPattern: '/api/Spaces-1/workerpools/*', Status: 500, AfterMatches: 1, Times: 1})
    expect(fault.status, fault.text).toBe(201)
    const result = await octo(sb, ['pool', 'delete', 'Bulk 1', 'Bulk 2', 'Bulk 3', '-y'])
    expect(result.exitCode, result.stderr).toBe(1)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0]).toBe(`Bulk 1 (${ids[0]}): deleted`)
    expect(lines[1]).toMatch(new RegExp(`^Bulk 2 \\(${ids[1]}\\): FAILED: HTTP 500`))
    expect(lines[2]).toBe(`Bulk 3 (${ids[2]}): not attempted (an earlier item failed)`)
    expect(result.stderr).toContain("Deleted 1 of 3 worker pools; not deleted: 'Bulk 2', 'Bulk 3'.")
    expect(await poolByName(sb, 'Bulk 1')).toBeUndefined()
    expect((await poolByName(sb, 'Bulk 2'))?.Id).toBe(ids[1])
    expect((await poolByName(sb, 'Bulk 3'))?.Id).toBe(ids[2])
  })

  it('a failure midway in --json: one document with each pool\'s status and the error, exit 1', async () => {
    const fault = await api(sb, 'POST', '/api/sandbox/faults', {Method: 'DELETE', PathPattern: '/api/Spaces-1/workerpools/*', Status: 500, AfterMatches: 1, Times: 1})
    expect(fault.status, fault.text).toBe(201)
    const result = await octo(sb, ['pool', 'delete', 'Bulk 2', 'Bulk 3', 'Keep me', '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(1)
    const doc = parseJson(result)
    expect(doc.Results.map((r: any) => [r.Name, r.Status])).toEqual([['Bulk 2', 'Deleted'], ['Bulk 3', 'Failed'], ['Keep me', 'NotAttempted']])
    expect(doc.Results[1].Error).toContain('HTTP 500')
    expect(doc.NotDeleted).toHaveLength(2)
    expect(doc.Error).toMatchObject({Code: 'partial-failure', ExitCode: 1})
    expect(await poolByName(sb, 'Bulk 2')).toBeUndefined()
    expect(await poolByName(sb, 'Bulk 3')).toBeDefined()
  })
})
