import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, octo, workerByName, workersOf} from './helpers.js'

let sb: Sandbox

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => sb?.close())

describe('worker update', () => {
  it('moves a worker between pools and changes its policy (table form), keeping the rest of the document', async () => {
    const before = await workerByName(sb, 'default-linux-worker-01')
    const result = await octo(sb, ['worker', 'update', 'default-linux-worker-01', '--add-pool', 'Empty Windows Worker Pool', '--add-pool', 'test pool', '--remove-pool', 'Default Worker Pool', '--machine-policy', 'Default Machine Policy'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe(`Worker 'default-linux-worker-01' (${before!.Id}): removed from pool 'Default Worker Pool'; added to pool 'Empty Windows Worker Pool'; added to pool 'test pool'.`)
    expect(result.stderr).toContain("already uses machine policy 'Default Machine Policy'")
    const after = await workerByName(sb, 'default-linux-worker-01')
    // No Status: the 2026 WorkerResource (the sandbox's default profile) has none.
    expect(after).toMatchObject({...before, WorkerPoolIds: ['WorkerPools-7', 'WorkerPools-5'], LastModifiedOn: expect.any(String)})
  })

  it('renames (--json) and reports the changes', async () => {
    const result = await octo(sb, ['worker', 'update', 'default-linux-worker-01', '--name', 'l-linux-worker-01', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toMatchObject({Name: 'l-linux-worker-01', WorkerPoolNames: ['Empty Windows Worker Pool', 'test pool'], Changes: ["renamed from 'default-linux-worker-01' to 'l-linux-worker-01'"]})
    expect(await workerByName(sb, 'l-linux-worker-01')).toBeDefined()
  })

  it.each([
    [['l-linux-worker-01', '--remove-pool', 'Empty Windows Worker Pool', '--remove-pool', 'test pool'], 2, "This would leave worker 'l-linux-worker-01' in no pool"],
    [['Workers-9', '--remove-pool', 'WorkerPools-4'], 2, 'in no pool; a worker must belong to at least one pool'],
    [['tmp-box', '--add-pool', 'test pool', '--remove-pool', 'TEST POOL'], 2, "--add-pool and --remove-pool both name 'test pool'."],
    [['tmp-box', '--add-pool', 'WorkerPools-5', '--remove-pool', 'test pool'], 2, "--add-pool and --remove-pool both name 'test pool'."],
    [['tmp-box'], 2, 'Nothing to update'],
    [['tmp-box', '--name', ''], 2, '--name must not be empty.'],
    [['tmp-box', '--name', 'y'.repeat(201)], 2, '--name is 201 characters long; the limit is 200.'],
    [['tmp-box', '--add-pool', 'Hosted Ubuntu'], 2, 'dynamic pools take no workers'],
    [['tmp-bx', '--add-pool', 'test pool'], 4, "Worker 'tmp-bx' not found. Did you mean: 'tmp-box'?"],
    [['tmp-box', '--add-pool', 'tset pool'], 4, "Worker pool 'tset pool' not found. Did you mean: 'test pool'?"],
    [['tmp-box', '--remove-pool', 'WorkerPools-99'], 4, "Worker pool 'WorkerPools-99' not found"],
    [['tmp-box', '--machine-policy', 'Strict policy'], 4, "Machine policy 'Strict policy' not found"],
    [['tmp-box', '--name', 'WORKER1'], 1, "Another worker is already named 'worker1'"],
  ].map(([args, exitCode, message]) => ({args: args as string[], exitCode: exitCode as number, message: message as string})))('exit $exitCode: $message', async ({args, exitCode, message}) => {
    await expectRejected(sb, ['worker', 'update', ...args], exitCode, message)
  })
})

describe('worker enable / disable', () => {
  it('disables named workers; already-disabled ones are reported, not errors', async () => {
    const result = await octo(sb, ['worker', 'disable', 'p-db-omaha-worker-01', 'p-db-omaha-worker-03'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(['p-db-omaha-worker-01: disabled', 'p-db-omaha-worker-03: already disabled'])
    expect((await workerByName(sb, 'p-db-omaha-worker-01'))?.IsDisabled).toBe(true)
  })

  it('enable --pool selects every worker of the pool (--json result array)', async () => {
    const result = await octo(sb, ['worker', 'enable', '--pool', 'Production Database Omaha Worker Pool', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const items = parseJson<any[]>(result)
    expect(items.map((i) => [i.Name, i.Outcome])).toEqual([
      ['p-db-omaha-worker-01', 'done'], ['p-db-omaha-worker-02', 'unchanged'], ['p-db-omaha-worker-03', 'done'], ['tmp-box', 'unchanged'],
    ])
    const omaha = (await workersOf(sb)).filter((w) => w.WorkerPoolIds.includes('WorkerPools-2'))
    expect(omaha.every((w) => !w.IsDisabled)).toBe(true)
  })

  it.each([
    [['disable', 'tmp-box', 'no-such-worker'], 4, "Worker 'no-such-worker' not found"],
    [['disable', 'tmp-box', '--pool', 'no such pool'], 4, "Worker pool 'no such pool' not found"],
    [['enable'], 2, 'Name at least one worker, or a pool with --pool.'],
  ].map(([args, exitCode, message]) => ({args: args as string[], exitCode: exitCode as number, message: message as string})))('exit $exitCode: $message (nothing changed)', async ({args, exitCode, message}) => {
    await expectRejected(sb, ['worker', ...args], exitCode, message)
  })

  it('a server failure midway says which workers were done and which not, exit 1', async () => {
    const names = ['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'p-db-omaha-worker-03']
    const fault = await api(sb, 'POST', '/api/sandbox/faults', {Method: 'PUT', PathPattern: '/api/*/workers/*', Status: 500, AfterMatches: 1, Times: 1})
    expect(fault.status, fault.text).toBe(201)
    const result = await octo(sb, ['worker', 'disable', ...names])
    expect(result.exitCode, result.stderr).toBe(1)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0]).toBe('p-db-omaha-worker-01: disabled')
    expect(lines[1]).toMatch(/^p-db-omaha-worker-02: FAILED: HTTP 500/)
    expect(lines[2]).toBe('p-db-omaha-worker-03: not attempted (an earlier item failed)')
    expect(result.stderr).toContain('Stopped after a failure: 1 disabled, 0 already so, 1 failed, 1 not attempted.')
    const state = Object.fromEntries((await workersOf(sb)).filter((w) => names.includes(w.Name)).map((w) => [w.Name, w.IsDisabled]))
    expect(state).toEqual({'p-db-omaha-worker-01': true, 'p-db-omaha-worker-02': false, 'p-db-omaha-worker-03': false})

    // --json: one array, the same story, exit 1; a re-run finishes the job.
    await api(sb, 'POST', '/api/sandbox/faults', {Method: 'PUT', PathPattern: '/api/*/workers/*', Status: 503, AfterMatches: 0, Times: 0})
    const json = await octo(sb, ['worker', 'enable', ...names, '--json'])
    expect(json.exitCode).toBe(1)
    expect(parseJson<any[]>(json).map((i) => i.Outcome)).toEqual(['failed', 'skipped', 'skipped'])
    await api(sb, 'DELETE', '/api/sandbox/faults')
    const rerun = await octo(sb, ['worker', 'disable', ...names])
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(rerun.stdout.trim().split('\n')).toEqual(['p-db-omaha-worker-01: already disabled', 'p-db-omaha-worker-02: disabled', 'p-db-omaha-worker-03: disabled'])
  })
})
