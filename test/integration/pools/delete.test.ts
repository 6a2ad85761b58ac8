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
    expect(result.stdout.trim()).toBe('Spare A: deleted')
    expect(await poolByName(sb, 'Spare A')).toBeUndefined()
    expect((await api(sb, 'GET', `/api/Spaces-1/workers/${worker.Id}`)).body.WorkerPoolIds).toEqual(worker.WorkerPoolIds)
  })

  it('--json prints the one bulk result shape', async () => {
    const ids = await createPools('Spare B', 'Spare C')
    const result = await octo(sb, ['pool', 'delete', 'Spare B', ids[1], '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toEqual({
      Action: 'deleted',
      Results: [{Id: ids[0], Name: 'Spare B', Status: 'done', Message: 'deleted'}, {Id: ids[1], Name: 'Spare C', Status: 'done', Message: 'deleted'}],
      Done: 2, Unchanged: 0, Failed: 0, NotAttempted: 0,
    })
    expect(await poolByName(sb, 'Spare B')).toBeUndefined()
    expect(await poolByName(sb, 'Spare C')).toBeUndefined()
  })

  describe('refusals change nothing', () => {
    it('the default pool: exit 5 (unsafe), saying which pool to make default first (also in --json)', async () => {
      const defaultPool = (await poolsOf(sb)).find((p) => p.IsDefault)!
      // The seeded default pool is also the only pool of some workers: both reasons are given.
      const json = await expectRejected(sb, ['pool', 'delete', defaultPool.Name, '--force', '-y', '--json'], 5, '')
      expect(parseJson(json).Error).toMatchObject({Code: 'several-refusals', ExitCode: 5})
      expect(parseJson(json).Error.Reasons[0]).toMatchObject({Code: 'default-pool', ExitCode: 5})
      const result = await expectRejected(sb, ['pool', 'delete', defaultPool.Name, '--force', '-y'], 5, `(1) '${defaultPool.Name}' is the default worker pool and cannot be deleted; (2) '${defaultPool.Name}' is the only pool of`)
      expect(result.stderr).toMatch(/Make another pool the default first, e\.g\. `octoworkers pool set-default .+`/)
    })

    it('a pool that is some worker\'s only pool: exit 2 naming the workers', async () => {
      const pools = await poolsOf(sb)
      const workers = (await api(sb, 'GET', '/api/Spaces-1/workers?take=100000')).body.Items as Array<{Name: string; WorkerPoolIds: string[]}>
      const pool = pools.find((p) => !p.IsDefault && workers.some((w) => w.WorkerPoolIds.length === 1 && w.WorkerPoolIds[0] === p.Id))!
      const only = workers.filter((w) => w.WorkerPoolIds.length === 1 && w.WorkerPoolIds[0] === pool.Id).map((w) => w.Name)
      // --force: no in-use reason, so this is the only one.
      const result = await expectRejected(sb, ['pool', 'delete', pool.Name, '--force', '-y'], 2, `'${pool.Name}' is the only pool of`)
      for (const name of only) expect(result.stderr).toContain(name)
      expect(result.stderr).toContain('a worker must stay in at least one pool, so nothing was deleted.')
    })

    it('several reasons to refuse: one error that lists every reason (exit 5 when any is unsafe), each in --json', async () => {
      const defaultPool = (await poolsOf(sb)).find((p) => p.IsDefault)!
      const omaha = 'Production Database Omaha Worker Pool'
      const result = await expectRejected(sb, ['pool', 'delete', defaultPool.Name, omaha, '-y'], 5, /^Error: Refusing for 3 reasons; nothing was deleted: \(1\) .*is the default worker pool and cannot be deleted; \(2\) .*step actions? uses? .*; \(3\) .*is the only pool of 3 workers/m)
      expect(result.stderr.trim().split('\n').filter((l) => !l.startsWith('Hint:'))).toHaveLength(1)
      expect(result.stderr).toContain('Make another pool the default first')
      const json = await expectRejected(sb, ['pool', 'delete', defaultPool.Name, omaha, '-y', '--json'], 5, '')
      expect(parseJson(json).Error).toMatchObject({Code: 'several-refusals', ExitCode: 5})
      expect(parseJson(json).Error.Reasons.map((r: any) => [r.Code, r.ExitCode])).toEqual([['default-pool', 5], ['pool-in-use', 5], ['worker-in-no-pool', 2]])
    })

    it('a pool that steps use and that is the only pool of its workers: the unsafe reason first (exit 5), the hint names --move-workers-to', async () => {
      const omaha = 'Production Database Omaha Worker Pool'
      const result = await expectRejected(sb, ['pool', 'delete', omaha, '-y'], 5, /^Error: Refusing for 2 reasons; nothing was deleted: \(1\) \d+ step actions? uses? '.*Omaha.*'.*; \(2\) '.*Omaha.*' is the only pool of 3 workers/m)
      const hint = result.stderr.split('\n').find((l) => l.startsWith('Hint: '))!
      expect(hint).toContain(`--force`)
      expect(hint).toContain(`Add --move-workers-to to move them to another pool first (\`octoworkers pool delete '${omaha}' --move-workers-to 'Default Worker Pool'\`)`)
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
    expect(lines[0]).toBe('Bulk 1: deleted')
    expect(lines[1]).toMatch(/^Bulk 2: FAILED: HTTP 500/)
    expect(lines[2]).toBe('Bulk 3: not attempted (an earlier item failed)')
    expect(result.stderr).toContain('Stopped after a failure: 1 deleted, 0 already so, 1 failed, 1 not attempted.')
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
    expect(doc.Results.map((r: any) => [r.Name, r.Status])).toEqual([['Bulk 2', 'done'], ['Bulk 3', 'failed'], ['Keep me', 'skipped']])
    expect(doc.Results[1].Message).toContain('HTTP 500')
    expect(doc).toMatchObject({Action: 'deleted', Done: 1, Unchanged: 0, Failed: 1, NotAttempted: 1})
    expect(await poolByName(sb, 'Bulk 2')).toBeUndefined()
    expect(await poolByName(sb, 'Bulk 3')).toBeDefined()
  })

  describe('--move-workers-to', () => {
    it('adds the pool\'s workers to the destination first, so a worker whose only pool it was stays in a pool', async () => {
      const [sourceId, destId] = await createPools('Move from', 'Move to')
      const defaultPool = (await poolsOf(sb)).find((p) => p.IsDefault)!
      const workers = (await api(sb, 'GET', `/api/Spaces-1/workers?workerPoolIds=${defaultPool.Id}&take=2`)).body.Items
      // One worker only in the source pool (it would be stranded), one in the source and its own pool.
      const only = workers[0]
      const put = await api(sb, 'PUT', `/api/Spaces-1/workers/${only.Id}`, {...only, WorkerPoolIds: [sourceId]})
      expect(put.status, put.text).toBe(200)
      await addWorkerToPool(workers[1].Id, sourceId)
      const result = await octo(sb, ['pool', 'delete', 'Move from', '--move-workers-to', 'move TO', '-y', '--json'])
      expect(result.exitCode, result.stderr).toBe(0)
      expect(result.stderr).toContain(`'Move from' (${sourceId}) holds 2 workers (`)
      expect(result.stderr).toContain(`they move to 'Move to' (${destId}) first.`)
      expect(parseJson(result)).toMatchObject({Action: 'deleted', Done: 1, Results: [{Id: sourceId, Status: 'done', Message: "deleted (2 workers moved to 'Move to' first)"}]})
      expect(await poolByName(sb, 'Move from')).toBeUndefined()
      expect((await api(sb, 'GET', `/api/Spaces-1/workers/${only.Id}`)).body.WorkerPoolIds).toEqual([destId])
      expect((await api(sb, 'GET', `/api/Spaces-1/workers/${workers[1].Id}`)).body.WorkerPoolIds).toEqual([...workers[1].WorkerPoolIds, destId])
      // Put the stranded-able worker back in the default pool for the other tests.
      const back = await api(sb, 'PUT', `/api/Spaces-1/workers/${only.Id}`, {...only})
      expect(back.status, back.text).toBe(200)
    })

    it('an unknown destination: exit 4 naming the option, nothing changed', async () => {
      await createPools('Move src')
      await expectRejected(sb, ['pool', 'delete', 'Move src', '--move-workers-to', 'Nowhere at all', '-y'], 4, "--move-workers-to: Worker pool 'Nowhere at all' not found.")
      // Reported even when a pool to delete is unknown too.
      await expectRejected(sb, ['pool', 'delete', 'No such pool', '--move-workers-to', 'Nowhere at all', '-y'], 4, '--move-workers-to:')
    })

    it('a destination being deleted, or a dynamic one: exit 2, nothing changed', async () => {
      await expectRejected(sb, ['pool', 'delete', 'Move src', '--move-workers-to', 'move src', '-y'], 2, "--move-workers-to 'Move src' is one of the pools being deleted; nothing was deleted.")
      const dynamic = (await poolsOf(sb)).find((p) => p.WorkerPoolType === 'DynamicWorkerPool')!
      await expectRejected(sb, ['pool', 'delete', 'Move src', '--move-workers-to', dynamic.Id, '-y'], 2, `--move-workers-to '${dynamic.Name}' is a dynamic pool`)
    })

    it('a failed move stops the run before that pool is deleted: exit 1, the result says which pools were not attempted', async () => {
      const [firstId] = await createPools('Move fail 1', 'Move fail 2')
      const defaultPool = (await poolsOf(sb)).find((p) => p.IsDefault)!
      const worker = (await api(sb, 'GET', `/api/Spaces-1/workers?workerPoolIds=${defaultPool.Id}&take=1`)).body.Items[0]
      await addWorkerToPool(worker.Id, firstId)
      const fault = await api(sb, 'POST', '/api/sandbox/faults', {Method: 'PUT', PathPattern: '/api/Spaces-1/workers/*', Status: 500, Times: 1})
      expect(fault.status, fault.text).toBe(201)
      const result = await octo(sb, ['pool', 'delete', 'Move fail 1', 'Move fail 2', '--move-workers-to', 'Move to', '-y', '--json'])
      expect(result.exitCode, result.stderr).toBe(1)
      const doc = parseJson(result)
      expect(doc).toMatchObject({Action: 'deleted', Done: 0, Failed: 1, NotAttempted: 1})
      expect(doc.Results.map((r: any) => [r.Name, r.Status])).toEqual([['Move fail 1', 'failed'], ['Move fail 2', 'skipped']])
      expect(doc.Results[0].Message).toContain('HTTP 500')
      expect(await poolByName(sb, 'Move fail 1')).toBeDefined()
      expect(await poolByName(sb, 'Move fail 2')).toBeDefined()
    })

    it('an empty value: exit 2 before any request', async () => {
      const result = await expectRejected(sb, ['pool', 'delete', 'Move src', '--move-workers-to', '', '-y', '--debug'], 2, '--move-workers-to needs a worker pool name or ID, not an empty string.')
      expect(requestsOf(result)).toEqual([])
      expect(result.stderr).not.toContain('Parsing --')
    })
  })
})
