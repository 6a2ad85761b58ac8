/**
 * Every wait bound is --wait-timeout (worker drain, upgrade, delete --drain, health --wait), and
 * --timeout is the HTTP bound of each request on every command. The old spelling of delete's
 * wait (--drain-timeout) still works for now, with a note, and is not shown in --help.
 */
import {describe, expect, it} from 'vitest'
import {api, type Sandbox} from '../../helpers/sandbox.js'
import {runCli} from '../../helpers/cli.js'
import type {FaultServer} from '../../fault-server/index.js'
import {octoVia, withFaultedSandbox} from '../faults/helpers.js'
import {addPool, simulate, workersOf} from './helpers.js'

// A command that still waits when the test expects it to stop is killed, and fails the test.
const KILL_AFTER_MS = 20_000

let sandbox: Sandbox
let faults: FaultServer
withFaultedSandbox((s, f) => {
  sandbox = s
  faults = f
})

/** A long deployment step on the pool, so its least-leased worker holds a lease until cancelled. */
async function holdLease(poolId: string): Promise<string> {
  const sim = await simulate(sandbox, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})
  return sim.FirstTaskId
}

async function leasedWorkerName(prefix: string): Promise<string> {
  for (;;) {
    const leases = (await api(sandbox, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=1000')).body.WorkerTaskLeases.Items as Array<{WorkerId: string}>
    const names = new Map((await workersOf(sandbox)).map((w) => [w.Id, w.Name as string]))
    const held = leases.map((l) => names.get(l.WorkerId)).find((n) => n?.startsWith(prefix))
    if (held) return held
    await new Promise((r) => setTimeout(r, 20))
  }
}

const state = async () => (await workersOf(sandbox)).map((w) => ({Name: w.Name, IsDisabled: w.IsDisabled}))

describe('--wait-timeout bounds each wait, in the one duration grammar', () => {
  // The four waits run out at the same time: each on a pool and a held lease of its own, and none
  // of them sets a fault rule (the file clears the rules before each test).
  it.concurrent('worker drain --wait-timeout 1s: stops waiting after 1s (exit 1), the worker left disabled', async () => {
    const {poolId} = await addPool(sandbox, 'Wait Drain Pool', 'wdrain', ['a.example', 'b.example', 'c.example'])
    const taskId = await holdLease(poolId)
    const name = await leasedWorkerName('wdrain')
    const result = await octoVia(faults, sandbox, ['worker', 'drain', name, '--wait-timeout', '1s', '-y'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toContain(`Timed out after 1s: 1 task still holds leases (${taskId}).`)
    expect(result.stderr).not.toMatch(/deprecated|--timeout is the HTTP/)
    await api(sandbox, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it.concurrent('worker delete --drain --wait-timeout 1500ms: the drain runs out, nothing is deleted (exit 1)', async () => {
    const {poolId} = await addPool(sandbox, 'Wait Delete Pool', 'wdel', ['a.example', 'b.example', 'c.example'])
    const taskId = await holdLease(poolId)
    const name = await leasedWorkerName('wdel')
    const result = await octoVia(faults, sandbox, ['worker', 'delete', name, '--drain', '--wait-timeout', '1500ms', '-y'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toContain('Timed out after 2s')
    expect(result.stderr).toContain('The drain did not finish; nothing was deleted.')
    expect((await workersOf(sandbox)).find((w) => w.Name === name)).toMatchObject({IsDisabled: true})
    await api(sandbox, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it.concurrent('worker delete --drain-timeout (the old spelling) still bounds the wait, with a note naming the new one', async () => {
    const {poolId} = await addPool(sandbox, 'Old Spelling Pool', 'wold', ['a.example', 'b.example', 'c.example'])
    const taskId = await holdLease(poolId)
    const name = await leasedWorkerName('wold')
    const result = await octoVia(faults, sandbox, ['worker', 'delete', name, '--drain', '--drain-timeout=1s', '-y'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).toContain('Note: --drain-timeout is deprecated and will be removed; use --wait-timeout.')
    expect(result.stderr).toContain('Timed out after 1s')
    expect((await workersOf(sandbox)).find((w) => w.Name === name)).toMatchObject({IsDisabled: true})
    await api(sandbox, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it.concurrent('worker upgrade --wait-timeout 1s: a rolling batch whose worker holds a lease stops at 1s (exit 1)', async () => {
    const {poolId} = await addPool(sandbox, 'Wait Upgrade Pool', 'wup', ['a.example', 'b.example', 'c.example'])
    const taskId = await holdLease(poolId)
    const name = await leasedWorkerName('wup')
    const result = await octoVia(faults, sandbox, ['worker', 'upgrade', name, '--rolling', '--keep-healthy', '0', '--wait-timeout', '1s', '-y', '--json'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({Outcome: 'timed-out', Message: `Batch 1 did not drain in time: leases still held by ${taskId}.`})
    expect(result.stderr).not.toMatch(/deprecated|--timeout is the HTTP/)
    await api(sandbox, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it('worker health --wait --wait-timeout takes a duration with units or bare seconds', async () => {
    await addPool(sandbox, 'Wait Health Pool', 'whealth', ['a.example'])
    for (const bound of ['2m', '120']) {
      const result = await octoVia(faults, sandbox, ['worker', 'health', 'whealth-01', '--wait', '--wait-timeout', bound, '--json'], {}, KILL_AFTER_MS)
      expect(result.exitCode, result.stderr).toBe(0)
    }
  })

  it('--wait-timeout on delete only goes with --drain: exit 2, one line, no request', async () => {
    const result = await octoVia(faults, sandbox, ['worker', 'delete', 'whealth-01', '--wait-timeout', '5m', '-y'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr.split('\n').filter(Boolean)).toEqual(['Error: --wait-timeout only goes with --drain.', 'Hint: See `octoworkers worker delete --help`.'])
    expect(faults.requests).toEqual([])
  })
})

describe('--timeout is the HTTP bound on every command, the waiting ones too', () => {
  it.each([
    [['worker', 'drain', 'anyone', '-y']],
    [['worker', 'upgrade', 'anyone', '-y']],
    [['worker', 'delete', 'anyone', '--drain', '-y']],
  ])('%j --timeout 1: a request that hangs ends after 1s (exit 1), and a note says where the wait went', async (args) => {
    faults.add({mode: 'hang', method: 'GET', path: '/api/spaces/all'})
    faults.add({mode: 'hang', method: 'GET', path: '/api/Spaces-1/workers/all'})
    const before = await state()
    const result = await octoVia(faults, sandbox, [...args, '--timeout', '1', '--json'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(JSON.parse(result.stdout).Error).toMatchObject({Code: 'timeout'})
    if (args[1] === 'delete') expect(result.stderr).not.toContain('Note:')
    else expect(result.stderr).toContain('Note: --timeout is the HTTP timeout of each request; the wait is --wait-timeout (default 30m).')
    expect(await state()).toEqual(before)
  })

  it('no note when --wait-timeout is given beside --timeout', async () => {
    faults.add({mode: 'hang', method: 'GET', path: '/api/spaces/all'})
    faults.add({mode: 'hang', method: 'GET', path: '/api/Spaces-1/workers/all'})
    const result = await octoVia(faults, sandbox, ['worker', 'drain', 'anyone', '-y', '--timeout', '1', '--wait-timeout', '10m'], {}, KILL_AFTER_MS)
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stderr).not.toContain('Note:')
  })
})

describe('--help shows the new spelling only', () => {
  it.each([['drain'], ['upgrade'], ['delete'], ['health']])('worker %s --help: --wait-timeout, no old spelling; --timeout is the HTTP one', async (verb) => {
    const help = await runCli(['worker', verb, '--help'])
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toMatch(/--wait-timeout=<value>/)
    expect(help.stdout).not.toContain('drain-timeout')
    const timeoutLine = help.stdout.split('\n').find((l) => l.includes('--timeout=<value>'))
    expect(timeoutLine).toMatch(/How long each HTTP request may take/)
  })
})
