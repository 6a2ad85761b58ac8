import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, octo, tableRows, workerByName, workersOf} from './helpers.js'

let sb: Sandbox

/** A rejected command says why in one line (an optional hint aside), and prints no stack trace. */
function expectOneErrorLine(result: {stderr: string}): void {
  expect(result.stderr.trim().split('\n').filter((line) => !line.startsWith('Hint:'))).toEqual([expect.stringMatching(/^Error: \S/)])
}
let legacy: Sandbox

beforeAll(async () => {
  ;[sb, legacy] = await Promise.all([startTestSandbox({seed: 'demo'}), startTestSandbox({seed: 'demo', octopusVersion: '2021.2'})])
})
afterAll(async () => {
  await Promise.all([sb?.close(), legacy?.close()])
})

/** Starts a long sandbox deployment on the single-worker staging pool, so s-linux-omaha-worker-01 holds a lease. */
async function leaseStagingWorker(sandbox: Sandbox): Promise<string> {
  const sim = await api(sandbox, 'POST', '/api/sandbox/simulations', {Tasks: 1, Concurrency: 1, WorkerPoolIds: ['WorkerPools-4'], MinDurationMs: 600_000, MaxDurationMs: 600_000})
  expect(sim.status, sim.text).toBe(201)
  expect(sim.body.LeasesPerWorker).toEqual({'s-linux-omaha-worker-01': 1})
  return sim.body.FirstTaskId
}

describe('worker delete', () => {
  it('deletes with -y (table form)', async () => {
    const result = await octo(sb, ['worker', 'delete', 'new-worker-unchecked', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe('new-worker-unchecked: deleted')
    expect(await workerByName(sb, 'new-worker-unchecked')).toBeUndefined()
  })

  it('deletes several with -y --json: the bulk result', async () => {
    const result = await octo(sb, ['worker', 'delete', 'WIN-7F3K2P9', 'worker1', '--force', '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toEqual({
      Action: 'deleted',
      Results: [
        {Id: 'Workers-2', Name: 'WIN-7F3K2P9', Status: 'done', Message: 'deleted'},
        {Id: 'Workers-10', Name: 'worker1', Status: 'done', Message: 'deleted'},
      ],
      Done: 2, Unchanged: 0, Failed: 0, NotAttempted: 0,
    })
    const names = (await workersOf(sb)).map((w) => w.Name)
    expect(names).not.toContain('WIN-7F3K2P9')
    expect(names).not.toContain('worker1')
  })

  it('under --no-prompt without -y: exit 2 before any request, nothing deleted', async () => {
    await expectRejected(sb, ['worker', 'delete', 'tmp-box', '--no-prompt'], 2, 'Refusing to delete workers without confirmation')
    const offline = await octo(sb, ['worker', 'delete', 'tmp-box', '--no-prompt'], {OCTOPUS_URL: 'http://127.0.0.1:9'})
    expect(offline.exitCode).toBe(2)
  })

  it('an unknown name anywhere: exit 4, nothing deleted', async () => {
    await expectRejected(sb, ['worker', 'delete', 'tmp-box', 'p-web-azcus-worker-4', '-y'], 4, "Worker 'p-web-azcus-worker-4' not found. Did you mean:")
    expectOneErrorLine(await expectRejected(sb, ['worker', 'delete', 'tmp-box', '--pool', 'no such pool', '-y'], 4, "Worker pool 'no such pool' not found"))
  })

  it('nothing selected: exit 2 before any request', async () => {
    expectOneErrorLine(await expectRejected(sb, ['worker', 'delete', '-y'], 2, 'Name at least one worker, or a pool with --pool.'))
    const offline = await octo(sb, ['worker', 'delete', '-y'], {OCTOPUS_URL: 'http://127.0.0.1:9'})
    expect(offline.exitCode).toBe(2)
  })

  it('--pool deletes every worker of the pool (repeatable, with names); an empty pool deletes nothing, exit 0', async () => {
    const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Retired Pool', WorkerPoolType: 'StaticWorkerPool'})
    expect(pool.status, pool.text).toBe(201)
    const empty = await expectRejected(sb, ['worker', 'delete', '--pool', 'Retired Pool', '-y'], 0, 'No workers selected (the pool has none); nothing was deleted.')
    expect(empty.stdout).toBe('')
    for (const name of ['retired-01', 'retired-02']) {
      const created = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: name, WorkerPoolIds: [pool.body.Id], Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${name}.example:10933/`, Thumbprint: 'A'.repeat(40)}})
      expect(created.status, created.text).toBe(201)
    }
    const result = await octo(sb, ['worker', 'delete', '--pool', 'Retired Pool', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(['retired-01: deleted', 'retired-02: deleted'])
    expect((await workersOf(sb)).filter((w) => w.WorkerPoolIds.includes(pool.body.Id))).toEqual([])
  })

  it('--pool with --drain: the floor check sees the whole selection (exit 5, nothing disabled or deleted)', async () => {
    await expectRejected(sb, ['worker', 'delete', '--pool', 'Staging Linux Worker Pool', '--drain', '-y'], 5, "pool 'Staging Linux Worker Pool' has 1 available worker")
  })

  it('refuses a worker that holds an active lease as unsafe (exit 5), naming the task (lease API), and deletes nothing', async () => {
    const taskId = await leaseStagingWorker(sb)
    const result = await expectRejected(sb, ['worker', 'delete', 'tmp-box', 's-linux-omaha-worker-01', '--force', '-y'], 5, `'s-linux-omaha-worker-01' is leased by task ${taskId} (WorkerTaskLeases-`)
    expect(result.stderr).toContain('Nothing was deleted.')
    expect(result.stderr).toContain('Hint: Run again with --drain to disable it now (no new task leases it) and delete it once its tasks finish')
    // Selected through --pool, the same refusal.
    await expectRejected(sb, ['worker', 'delete', '--pool', 'WorkerPools-4', '--force', '-y'], 5, `'s-linux-omaha-worker-01' is leased by task ${taskId}`)
    const json = await octo(sb, ['worker', 'delete', 's-linux-omaha-worker-01', '--force', '-y', '--json'])
    expect(json.exitCode).toBe(5)
    expect(parseJson(json).Error).toMatchObject({Code: 'worker-leased', Leases: [expect.objectContaining({ServerTaskId: taskId, WorkerId: 'Workers-9'})]})
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it('on a server without the lease API (2021.2), reports the server\'s own refusal naming the task', async () => {
    const taskId = await leaseStagingWorker(legacy)
    const before = await workersOf(legacy)
    const result = await octo(legacy, ['worker', 'delete', 's-linux-omaha-worker-01', '--force', '-y'])
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stdout).toMatch(new RegExp(`^s-linux-omaha-worker-01: FAILED: HTTP 400 .*currently leased by ${taskId}`))
    expect(await workersOf(legacy)).toEqual(before)
    await api(legacy, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it('a server failure midway says which were deleted and which not, exit 1', async () => {
    await api(sb, 'POST', '/api/sandbox/faults', {Method: 'DELETE', PathPattern: '/api/*/workers/*', Status: 500, AfterMatches: 1, Times: 1})
    const result = await octo(sb, ['worker', 'delete', 'p-web-azcus-worker-02', 'p-web-azcus-worker-03', 'tmp-box', '--force', '-y'])
    expect(result.exitCode).toBe(1)
    expect(result.stdout.trim().split('\n').map((l) => l.replace(/FAILED: .*/, 'FAILED'))).toEqual([
      'p-web-azcus-worker-02: deleted', 'p-web-azcus-worker-03: FAILED', 'tmp-box: not attempted (an earlier item failed)',
    ])
    expect(result.stderr).toContain('Stopped after a failure: 1 deleted, 0 already so, 1 failed, 1 not attempted.')
    const names = (await workersOf(sb)).map((w) => w.Name)
    expect(names).not.toContain('p-web-azcus-worker-02')
    expect(names).toEqual(expect.arrayContaining(['p-web-azcus-worker-03', 'tmp-box']))
    await api(sb, 'DELETE', '/api/sandbox/faults')
  })
})

describe('worker health', () => {
  it('without --wait: starts one Health task for the pool and prints its ID', async () => {
    const result = await octo(sb, ['worker', 'health', '--pool', 'Production Database Omaha Worker Pool'])
    expect(result.exitCode, result.stderr).toBe(0)
    // p-db-omaha-worker-03 is disabled, so 3 of the pool's 4 workers are checked.
    expect(result.stderr).toContain("Skipping disabled worker 'p-db-omaha-worker-03'")
    const taskId = /Started health check (ServerTasks-\d+) of 3 workers\./.exec(result.stdout)?.[1]
    expect(taskId, result.stdout).toBeDefined()
    const task = await api(sb, 'GET', `/api/tasks/${taskId}`)
    expect(task.body).toMatchObject({Name: 'Health', SpaceId: 'Spaces-1', Arguments: {WorkerpoolId: 'WorkerPools-2', RestrictedTo: 'Workers', Timeout: '00:05:00', MachineTimeout: '00:01:00'}})
  })

  it('--wait on named workers: progress on stderr, a health table, exit 0 when all are Healthy', async () => {
    const result = await octo(sb, ['worker', 'health', 'p-db-omaha-worker-01', 'Workers-4', '--wait'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/Started health check ServerTasks-\d+ of 2 workers; waiting/)
    expect(result.stderr).toMatch(/ServerTasks-\d+: Success \(\d+(ms|s)\)/)
    expect(tableRows(result.stdout).map((r) => r.slice(0, 2))).toEqual([['p-db-omaha-worker-01', 'Healthy'], ['p-db-omaha-worker-02', 'Healthy']])
  })

  it('--wait --json: exit 1 when a checked worker is not Healthy, with each worker\'s result', async () => {
    // A worker registered as unknown becomes Unavailable; the check really happens on the server.
    const reg = await octo(sb, ['worker', 'register', 'listening', 'flaky-01', '--pool', 'Empty Windows Worker Pool', '--url', 'https://flaky-01.unreachable.test:10933/', '--thumbprint', '0E80575D3BD8D30854802A4E8340A2E23AE961FD'])
    expect(reg.exitCode, reg.stderr).toBe(0)
    expect((await workerByName(sb, 'flaky-01'))?.HealthStatus).toBe('Unknown')
    const result = await octo(sb, ['worker', 'health', '--pool', 'Empty Windows Worker Pool', '--wait', '--json'])
    expect(result.exitCode, result.stderr).toBe(1)
    const doc = parseJson(result)
    expect(doc).toMatchObject({Action: 'checked', Done: 0, Failed: 1, NotAttempted: 0, Waited: true})
    expect(doc.Results).toEqual([{Id: expect.stringMatching(/^Workers-\d+$/), Name: 'flaky-01', Status: 'failed', Message: expect.stringMatching(/^Unavailable/)}])
    expect(doc.Task).toMatchObject({Name: 'Health', State: 'Failed'})
    expect(doc.Workers.map((w: any) => [w.Name, w.HealthStatus])).toEqual([['flaky-01', 'Unavailable']])
    expect((await workerByName(sb, 'flaky-01'))?.HealthStatus).toBe('Unavailable')
  })

  it('--wait that exits 1 names each worker that is not available, and why, on stderr', async () => {
    const result = await octo(sb, ['worker', 'health', 'flaky-01', 'p-db-omaha-worker-01', '--wait'])
    expect(result.exitCode, result.stderr).toBe(1)
    expect(tableRows(result.stdout).map((r) => r.slice(0, 2))).toEqual([['flaky-01', 'Unavailable'], ['p-db-omaha-worker-01', 'Healthy']])
    expect(result.stderr).toContain('1 of 2 checked workers are not available (available: enabled and Healthy or HasWarnings):')
    expect(result.stderr).toMatch(/\n {2}flaky-01: Unavailable\b/)
    expect(result.stderr).not.toMatch(/ {2}p-db-omaha-worker-01:/)
  })

  it('--wait over a pool with a disabled worker: one count of workers, the checked ones, and no second count from the server', async () => {
    const reg = await octo(sb, ['worker', 'register', 'listening', 'omaha-flaky', '--pool', 'Production Database Omaha Worker Pool', '--url', 'https://omaha-flaky.unreachable.test:10933/', '--thumbprint', '1E80575D3BD8D30854802A4E8340A2E23AE961FD'])
    expect(reg.exitCode, reg.stderr).toBe(0)
    const result = await octo(sb, ['worker', 'health', '--pool', 'Production Database Omaha Worker Pool', '--wait'])
    expect(result.exitCode, result.stderr).toBe(1)
    // p-db-omaha-worker-03 is disabled: 4 of the pool's 5 workers are checked.
    expect(result.stderr).toMatch(/Started health check ServerTasks-\d+ of 4 workers; waiting/)
    expect(result.stderr).toContain('1 of 4 checked workers are not available (available: enabled and Healthy or HasWarnings):')
    expect(result.stderr).toMatch(/\nTask ServerTasks-\d+ ended Failed\.\n/)
    expect(result.stderr).not.toMatch(/of \d+ machines/)
    // The task's own summary counts the same workers.
    const taskId = /Started health check (ServerTasks-\d+)/.exec(result.stderr)![1]
    expect((await api(sb, 'GET', `/api/tasks/${taskId}`)).body.ErrorMessage).toBe('The health check failed: 1 of 4 workers were unavailable or unhealthy.')
    await octo(sb, ['worker', 'delete', 'omaha-flaky', '--force', '-y'])
  })

  it.each([
    [['--wait', '--wait-timeout', '0'], 2, "--wait-timeout must be above 0 and at most 2147483s (about 24 days), not '0'."],
    [['no-such-worker'], 4, "Worker 'no-such-worker' not found"],
    [['--pool', 'no such pool'], 4, "Worker pool 'no such pool' not found"],
  ].map(([args, exitCode, message]) => ({args: args as string[], exitCode: exitCode as number, message: message as string})))('exit $exitCode: $message (no task started)', async ({args, exitCode, message}) => {
    const tasksBefore = (await api(sb, 'GET', '/api/tasks?take=1000')).body.TotalResults
    expectOneErrorLine(await expectRejected(sb, ['worker', 'health', ...args], exitCode, message))
    expect((await api(sb, 'GET', '/api/tasks?take=1000')).body.TotalResults).toBe(tasksBefore)
  })
})
