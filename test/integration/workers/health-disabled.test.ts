import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {THUMB, expectRejected, octo, tableRows, workerByName} from './helpers.js'

let sb: Sandbox
const ids: Record<string, string> = {}

/** A pool of two enabled workers (one healthy, one unreachable) and one disabled worker, never checked. */
beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty'})
  const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Build pool', WorkerPoolType: 'StaticWorkerPool'})
  expect(pool.status, pool.text).toBe(201)
  for (const [name, host, disabled] of [['build-01', 'build-01.example.com', false], ['build-02', 'build-02.example.com', false], ['build-off', 'build-off.unreachable.test', true]] as const) {
    const created = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: name, WorkerPoolIds: [pool.body.Id], IsDisabled: disabled, Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: THUMB}})
    expect(created.status, created.text).toBe(201)
    ids[name] = created.body.Id
  }
})
afterAll(async () => sb?.close())

async function taskCount(): Promise<number> {
  return (await api(sb, 'GET', '/api/tasks?take=1000')).body.TotalResults
}

describe('worker health leaves disabled workers out', () => {
  it('--pool --wait: checks the enabled workers, names the skipped one on stderr, exit 0 when they are Healthy', async () => {
    const result = await octo(sb, ['worker', 'health', '--pool', 'Build pool', '--wait'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain("Skipping disabled worker 'build-off': Octopus does not health-check disabled workers.")
    expect(result.stderr).toMatch(/Started health check ServerTasks-\d+ of 2 workers; waiting/)
    expect(tableRows(result.stdout).map((r) => r.slice(0, 2))).toEqual([['build-01', 'Healthy'], ['build-02', 'Healthy']])
    // The server really did not check it: a disabled worker stays as it was.
    expect((await workerByName(sb, 'build-off'))?.HealthStatus).toBe('Unknown')
  })

  it('--pool --wait --json: Workers holds only the checked ones, the disabled one is NotAttempted; the task names the pool', async () => {
    const result = await octo(sb, ['worker', 'health', '--pool', 'Build pool', '--wait', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    expect(doc.Workers.map((w: any) => w.Name)).toEqual(['build-01', 'build-02'])
    expect(doc.Results.map((i: any) => [i.Name, i.Status, i.Message])).toEqual([
      ['build-01', 'done', 'Healthy'], ['build-02', 'done', 'Healthy'], ['build-off', 'skipped', 'not checked: disabled (Octopus does not health-check disabled workers)'],
    ])
    expect(doc).toMatchObject({Action: 'checked', Done: 2, Failed: 0, NotAttempted: 1})
    expect(doc.Task).toMatchObject({Name: 'Health', State: 'Success', Arguments: {WorkerpoolId: expect.stringMatching(/^WorkerPools-\d+$/), MachineIds: []}})
  })

  it('named workers: the disabled one is not among the task\'s MachineIds', async () => {
    // --wait, so that the task has finished before the next test compares worker documents.
    const result = await octo(sb, ['worker', 'health', 'build-01', 'build-off', '--wait', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain("Skipping disabled worker 'build-off'")
    const doc = parseJson(result)
    expect(doc.Task.Arguments.MachineIds).toEqual([ids['build-01']])
    expect(doc.Workers.map((w: any) => w.Name)).toEqual(['build-01'])
    expect(doc.Results.filter((i: any) => i.Status === 'skipped').map((i: any) => i.Id)).toEqual([ids['build-off']])
  })

  it('naming only disabled workers: exit 2, nothing to check, no task started', async () => {
    const before = await taskCount()
    await expectRejected(sb, ['worker', 'health', 'build-off', '--wait'], 2, "Nothing to check: worker 'build-off' is disabled, and Octopus does not health-check disabled workers.")
    expect(await taskCount()).toBe(before)
  })

  it('a pool with no workers, or only disabled ones, is bad usage too: exit 2, no task started', async () => {
    const bare = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: 'Bare pool', WorkerPoolType: 'StaticWorkerPool'})
    expect(bare.status, bare.text).toBe(201)
    const before = await taskCount()
    await expectRejected(sb, ['worker', 'health', '--pool', 'Bare pool', '--wait'], 2, "Nothing to check: pool 'Bare pool' has no workers.")
    const off = await api(sb, 'POST', '/api/Spaces-1/workers', {Name: 'bare-off', WorkerPoolIds: [bare.body.Id], IsDisabled: true, Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: 'https://bare-off.example.com:10933/', Thumbprint: THUMB}})
    expect(off.status, off.text).toBe(201)
    const json = await expectRejected(sb, ['worker', 'health', '--pool', 'Bare pool', '--wait', '--json'], 2, '')
    expect(parseJson(json).Error).toMatchObject({Code: 'nothing-to-check', Message: "Nothing to check: pool 'Bare pool' has no enabled workers (disabled: 'bare-off')."})
    expect(await taskCount()).toBe(before)
    expect((await api(sb, 'DELETE', `/api/Spaces-1/workers/${off.body.Id}`)).status).toBeLessThan(300)
  })

  it('a disabled worker becomes checked again once enabled', async () => {
    expect((await octo(sb, ['worker', 'enable', 'build-off'])).exitCode).toBe(0)
    const result = await octo(sb, ['worker', 'health', '--pool', 'Build pool', '--wait'])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).not.toContain('Skipping')
    expect(tableRows(result.stdout).map((r) => r.slice(0, 2))).toEqual([['build-01', 'Healthy'], ['build-02', 'Healthy'], ['build-off', 'Unavailable']])
    expect(result.stderr).toContain('1 of 3 checked workers are not available')
    expect(result.stderr).toMatch(/ {2}build-off: Unavailable/)
  })
})
