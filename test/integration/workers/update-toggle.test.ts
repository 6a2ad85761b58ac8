import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {expectRejected, octo, workerByName, workersOf} from './helpers.js'

let sb: Sandbox

/** A rejected command says why in one line (an optional hint aside), and prints no stack trace. */
function expectOneErrorLine(result: {stderr: string}): void {
  expect(result.stderr.trim().split('\n').filter((line) => !line.startsWith('Hint:'))).toEqual([expect.stringMatching(/^Error: \S/)])
}

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo'})
})
afterAll(async () => sb?.close())

describe('worker update', () => {
  it('moves a worker between pools and changes its policy (table form), keeping the rest of the document', async () => {
    const before = await workerByName(sb, 'default-linux-worker-01')
    const result = await octo(sb, ['worker', 'update', 'default-linux-worker-01', '--add-pool', 'Empty Windows Worker Pool', '--add-pool', 'test pool', '--remove-pool', 'Default Worker Pool', '--machine-policy', 'Default Machine Policy', '--force', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim()).toBe("default-linux-worker-01: removed from pool 'Default Worker Pool'; added to pool 'Empty Windows Worker Pool'; added to pool 'test pool'")
    expect(result.stderr).toContain("already uses machine policy 'Default Machine Policy'")
    const after = await workerByName(sb, 'default-linux-worker-01')
    // No Status: the 2026 WorkerResource (the sandbox's default profile) has none.
    expect(after).toMatchObject({...before, WorkerPoolIds: ['WorkerPools-7', 'WorkerPools-5'], LastModifiedOn: expect.any(String)})
  })

  it('renames (--json: the bulk result) and reports the changes', async () => {
    const id = (await workerByName(sb, 'default-linux-worker-01'))!.Id
    const result = await octo(sb, ['worker', 'update', 'default-linux-worker-01', '--name', 'l-linux-worker-01', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(parseJson(result)).toEqual({
      Action: 'updated',
      Results: [{Id: id, Name: 'default-linux-worker-01', Status: 'done', Message: "renamed from 'default-linux-worker-01' to 'l-linux-worker-01'"}],
      Done: 1, Unchanged: 0, Failed: 0, NotAttempted: 0, Notes: [],
    })
    expect((await workerByName(sb, 'l-linux-worker-01'))?.WorkerPoolIds).toEqual(['WorkerPools-7', 'WorkerPools-5'])
  })

  it('gives several workers, named and by --pool, the same change; one already so is unchanged', async () => {
    const staging = (await workersOf(sb)).filter((w) => w.WorkerPoolIds.includes('WorkerPools-4')).map((w) => w.Name)
    expect(staging).toEqual(['s-linux-omaha-worker-01'])
    const result = await octo(sb, ['worker', 'update', 'l-linux-worker-01', '--pool', 'WorkerPools-4', '--add-pool', 'test pool'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(['l-linux-worker-01: nothing to change', "s-linux-omaha-worker-01: added to pool 'test pool'"])
    expect(result.stderr).toContain("'l-linux-worker-01' is already in pool 'test pool'.")
    expect((await workerByName(sb, 's-linux-omaha-worker-01'))?.WorkerPoolIds).toEqual(['WorkerPools-4', 'WorkerPools-5'])
    const back = await octo(sb, ['worker', 'update', 's-linux-omaha-worker-01', '--remove-pool', 'test pool', '--json', '-y'])
    expect(parseJson(back)).toMatchObject({Done: 1, Results: [{Name: 's-linux-omaha-worker-01', Status: 'done', Message: "removed from pool 'test pool'"}]})
  })

  it('plans every worker before the first PUT: one that would be left in no pool stops all of them (exit 2)', async () => {
    // tmp-box could leave its Omaha pool (it is in 'test pool' too); Workers-9 is in the staging pool (WorkerPools-4) only, so neither changes.
    expect((await octo(sb, ['worker', 'update', 'tmp-box', '--add-pool', 'test pool'])).exitCode).toBe(0)
    await expectRejected(sb, ['worker', 'update', 'tmp-box', 'Workers-9', '--remove-pool', 'Production Database Omaha Worker Pool', '--remove-pool', 'WorkerPools-4', '-y'], 2, "This would leave worker 's-linux-omaha-worker-01' in no pool")
  })

  it.each([
    [['l-linux-worker-01', '--remove-pool', 'Empty Windows Worker Pool', '--remove-pool', 'test pool', '-y'], 2, "This would leave worker 'l-linux-worker-01' in no pool"],
    [['Workers-9', '--remove-pool', 'WorkerPools-4', '-y'], 2, 'in no pool; a worker must belong to at least one pool'],
    [['tmp-box', '--add-pool', 'test pool', '--remove-pool', 'TEST POOL', '-y'], 2, "--add-pool and --remove-pool both name 'test pool'."],
    [['tmp-box', '--add-pool', 'WorkerPools-5', '--remove-pool', 'test pool', '-y'], 2, "--add-pool and --remove-pool both name 'test pool'."],
    [['tmp-box'], 2, 'Nothing to update'],
    [['tmp-box', '--name', ''], 2, '--name must not be empty.'],
    [['tmp-box', '--name', 'y'.repeat(201)], 2, '--name is 201 characters long; the limit is 200.'],
    [['tmp-box', '--add-pool', 'Hosted Ubuntu'], 2, 'dynamic pools take no workers'],
    [['tmp-bx', '--add-pool', 'test pool'], 4, "Worker 'tmp-bx' not found. Did you mean: 'tmp-box'?"],
    [['tmp-box', '--add-pool', 'tset pool'], 4, "Worker pool 'tset pool' not found. Did you mean: 'test pool'?"],
    [['tmp-box', '--remove-pool', 'WorkerPools-99', '-y'], 4, "Worker pool 'WorkerPools-99' not found"],
    [['tmp-box', '--machine-policy', 'Strict policy'], 4, "Machine policy 'Strict policy' not found"],
    [['tmp-box', '--name', 'WORKER1'], 1, "Another worker is already named 'worker1'"],
    [['tmp-box', 'l-linux-worker-01', '--name', 'twin'], 2, '--name renames one worker: name exactly one worker, without --pool.'],
    [['--pool', 'test pool', '--name', 'twin'], 2, '--name renames one worker'],
    [['--add-pool', 'test pool'], 2, 'Name at least one worker, or a pool with --pool.'],
    [['tmp-box', 'no-such-worker', '--add-pool', 'test pool'], 4, "Worker 'no-such-worker' not found"],
    [['--pool', 'no such pool', '--add-pool', 'test pool'], 4, "Worker pool 'no such pool' not found"],
  ].map(([args, exitCode, message]) => ({args: args as string[], exitCode: exitCode as number, message: message as string})))('exit $exitCode: $message', async ({args, exitCode, message}) => {
    expectOneErrorLine(await expectRejected(sb, ['worker', 'update', ...args], exitCode, message))
  })
})

describe('worker enable / disable', () => {
  it('disables named workers; already-disabled ones are reported, not errors', async () => {
    const result = await octo(sb, ['worker', 'disable', 'p-db-omaha-worker-01', 'p-db-omaha-worker-03', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stdout.trim().split('\n')).toEqual(['p-db-omaha-worker-01: disabled', 'p-db-omaha-worker-03: already disabled'])
    expect((await workerByName(sb, 'p-db-omaha-worker-01'))?.IsDisabled).toBe(true)
  })

  it('enable --pool selects every worker of the pool (--json: the bulk result)', async () => {
    const result = await octo(sb, ['worker', 'enable', '--pool', 'Production Database Omaha Worker Pool', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    expect(doc).toMatchObject({Action: 'enabled', Done: 2, Unchanged: 2, Failed: 0, NotAttempted: 0})
    expect(doc.Results.map((i: any) => [i.Name, i.Status])).toEqual([
      ['p-db-omaha-worker-01', 'done'], ['p-db-omaha-worker-02', 'unchanged'], ['p-db-omaha-worker-03', 'done'], ['tmp-box', 'unchanged'],
    ])
    const omaha = (await workersOf(sb)).filter((w) => w.WorkerPoolIds.includes('WorkerPools-2'))
    expect(omaha.every((w) => !w.IsDisabled)).toBe(true)
  })

  it.each([
    [['disable', 'tmp-box', 'no-such-worker', '-y'], 4, "Worker 'no-such-worker' not found"],
    [['disable', 'tmp-box', '--pool', 'no such pool', '-y'], 4, "Worker pool 'no such pool' not found"],
    [['enable'], 2, 'Name at least one worker, or a pool with --pool.'],
    [['enable', 'tmp-box', '--pool', 'test pool', '--pool', 'tset pool'], 4, "Worker pool 'tset pool' not found. Did you mean: 'test pool'?"],
  ].map(([args, exitCode, message]) => ({args: args as string[], exitCode: exitCode as number, message: message as string})))('exit $exitCode: $message (nothing changed)', async ({args, exitCode, message}) => {
    expectOneErrorLine(await expectRejected(sb, ['worker', ...args], exitCode, message))
  })

  it('a pool with no workers selects nothing: one note, exit 0, nothing changed', async () => {
    const created = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Bare Pool', WorkerPoolType: 'StaticWorkerPool'})
    expect(created.status, created.text).toBe(201)
    const result = await expectRejected(sb, ['worker', 'disable', '--pool', 'Bare Pool', '-y'], 0, 'No workers selected (the pool has none); nothing was disabled.')
    expect(result.stdout).toBe('')
    const json = await octo(sb, ['worker', 'enable', '--pool', 'Bare Pool', '--json'])
    expect(parseJson(json)).toEqual({Action: 'enabled', Results: [], Done: 0, Unchanged: 0, Failed: 0, NotAttempted: 0})
  })

  it('a server failure midway says which workers were done and which not, exit 1', async () => {
    const names = ['p-db-omaha-worker-01', 'p-db-omaha-worker-02', 'p-db-omaha-worker-03']
    const fault = await api(sb, 'POST', '/api/sandbox/faults', {Method: 'PUT', PathPattern: '/api/*/workers/*', Status: 500, AfterMatches: 1, Times: 1})
    expect(fault.status, fault.text).toBe(201)
    const result = await octo(sb, ['worker', 'disable', ...names, '--force', '-y'])
    expect(result.exitCode, result.stderr).toBe(1)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0]).toBe('p-db-omaha-worker-01: disabled')
    expect(lines[1]).toMatch(/^p-db-omaha-worker-02: FAILED: HTTP 500/)
    expect(lines[2]).toBe('p-db-omaha-worker-03: not attempted (an earlier item failed)')
    expect(result.stderr).toContain('Stopped after a failure: 1 disabled, 0 already so, 1 failed, 1 not attempted.')
    const state = Object.fromEntries((await workersOf(sb)).filter((w) => names.includes(w.Name)).map((w) => [w.Name, w.IsDisabled]))
    expect(state).toEqual({'p-db-omaha-worker-01': true, 'p-db-omaha-worker-02': false, 'p-db-omaha-worker-03': false})

    // --json: the whole bulk result, the same story, exit 1; a re-run finishes the job.
    await api(sb, 'POST', '/api/sandbox/faults', {Method: 'PUT', PathPattern: '/api/*/workers/*', Status: 503, AfterMatches: 0, Times: 0})
    const json = await octo(sb, ['worker', 'enable', ...names, '--json'])
    expect(json.exitCode).toBe(1)
    const doc = parseJson(json)
    expect(doc.Results.map((i: any) => i.Status)).toEqual(['failed', 'skipped', 'skipped'])
    expect(doc).toMatchObject({Action: 'enabled', Done: 0, Unchanged: 0, Failed: 1, NotAttempted: 2})
    await api(sb, 'DELETE', '/api/sandbox/faults')
    const rerun = await octo(sb, ['worker', 'disable', ...names, '--force', '-y'])
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(rerun.stdout.trim().split('\n')).toEqual(['p-db-omaha-worker-01: already disabled', 'p-db-omaha-worker-02: disabled', 'p-db-omaha-worker-03: disabled'])
  })
})
