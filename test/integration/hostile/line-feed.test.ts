/**
 * A line feed in a name that came from a server must never start a line of its own: a worker
 * named `nlw1\nError: forged worker\n::error::forged` would otherwise print a forged `Error:`
 * line, and a GitHub workflow command (`::error::`) that a CI log runs as one. Each command that
 * prints a server string is run against a live sandbox holding such names.
 */
import {randomBytes} from 'node:crypto'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {octo} from '../../helpers/octo.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {getUsageJson, putUsageDoc} from '../../../src/sandbox/model/usage.js'
import {finishedTask, simulate, startTask} from '../maintenance/helpers.js'
import type {CliResult} from '../../helpers/cli.js'

const FORGER = 'nlw1\nError: forged worker\n::error::forged'
const FORGER_SHOWN = 'nlw1\\nError: forged worker\\n::error::forged'
const FORGED_LINE = /^\s*(Error:|::error::|Warning: forged)/

/** No line of stdout or stderr was started by a server string; the escaped name is shown instead. */
function expectNoForgedLine(result: CliResult, shown = FORGER_SHOWN): void {
  const lines = [...result.stdout.split('\n'), ...result.stderr.split('\n')]
  expect(lines.filter((line) => FORGED_LINE.test(line)), `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toEqual([])
  expect(result.stdout + result.stderr).toContain(shown)
}

let sb: Sandbox
beforeAll(async () => {
  sb = await startTestSandbox({seed: 'demo', taskTiming: {healthCheckMs: 20, leaseRetryMs: 300}})
})
afterAll(async () => sb?.close())

let counter = 0
/** A static pool named `name` with listening workers on the hosts, named `<FORGER>-n`, health-checked. */
async function hostilePool(name: string, hosts: string[]): Promise<{poolId: string; workerIds: string[]; workerNames: string[]}> {
  const pool = await api(sb, 'POST', '/api/Spaces-1/workerpools', {Name: name})
  expect(pool.status, pool.text).toBe(201)
  const workerIds: string[] = []
  const workerNames: string[] = []
  for (const host of hosts) {
    const Name = `${FORGER}-${++counter}`
    const w = await api(sb, 'POST', '/api/Spaces-1/workers', {
      Name, WorkerPoolIds: [pool.body.Id],
      Endpoint: {CommunicationStyle: 'TentaclePassive', Uri: `https://${host}:10933/`, Thumbprint: randomBytes(20).toString('hex').toUpperCase()},
    })
    expect(w.status, w.text).toBe(201)
    workerIds.push(w.body.Id)
    workerNames.push(Name)
  }
  if (hosts.length) await finishedTask(sb, await startTask(sb, {Name: 'Health', Arguments: {WorkerpoolId: pool.body.Id}}))
  return {poolId: pool.body.Id, workerIds, workerNames}
}

describe('a line feed in a server name forges no line', () => {
  it('worker disable, enable and delete (bulk results)', async () => {
    const {workerIds} = await hostilePool('Bulk LF Pool', ['b1.example', 'b2.example'])
    for (const args of [['worker', 'disable', workerIds[0], '-y', '--force'], ['worker', 'enable', workerIds[0]], ['worker', 'delete', workerIds[0], '-y', '--force']]) {
      const result = await octo(sb, args)
      expect(result.exitCode, result.stderr).toBe(0)
      expectNoForgedLine(result)
    }
  })

  it('worker update: the bulk line and its notes', async () => {
    const {workerIds, poolId} = await hostilePool(`${FORGER} pool`, ['u1.example'])
    const result = await octo(sb, ['worker', 'update', workerIds[0], '--add-pool', poolId])
    expect(result.exitCode, result.stderr).toBe(0)
    expectNoForgedLine(result)
  })

  it('pool delete (the default bulk rendering) and its impact notes', async () => {
    const {poolId} = await hostilePool(`${FORGER} doomed`, [])
    const result = await octo(sb, ['pool', 'delete', poolId, '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expectNoForgedLine(result)
  })

  it('worker drain: plan, progress, summary and undo', async () => {
    const {poolId, workerIds} = await hostilePool('Drain LF Pool', ['d1.example', 'd2.example', 'd3.example', 'd4.example'])
    const sim = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})
    try {
      const leased = (await api(sb, 'GET', '/api/Spaces-1/workertaskleases?skip=0&take=100')).body.WorkerTaskLeases.Items.find((l: any) => l.ServerTaskId === sim.FirstTaskId)
      const result = await octo(sb, ['worker', 'drain', ...workerIds.filter((id) => id === leased?.WorkerId || id === workerIds[2]), '--wait-timeout', '1s', '-y'])
      expect(result.exitCode, result.stderr).toBe(1)
      expectNoForgedLine(result)
      expect(result.stderr).toMatch(/Left disabled: .*nlw1\\nError: forged worker/)
    } finally {
      await api(sb, 'POST', `/api/tasks/${sim.FirstTaskId}/cancel`)
    }
  })

  it('worker upgrade --rolling: plan, progress, the failure, summary and undo', async () => {
    await hostilePool('Upgrade LF Pool', ['g1.outdated.example', 'g2-outdated.upgrade-fails.test', 'g3.outdated.example'])
    const result = await octo(sb, ['worker', 'upgrade', '--pool', 'Upgrade LF Pool', '--rolling', '--keep-healthy', '1', '-y'])
    expect(result.exitCode, result.stderr).toBe(1)
    expectNoForgedLine(result)
    expect(result.stderr).toMatch(/Failed: 'nlw1\\nError: forged worker\\n::error::forged-\d+' \(put back as it was before the upgrade\)/)
  })

  it('worker upgrade in one task: the plan and the per-worker lines', async () => {
    await hostilePool('Upgrade LF Pool 2', ['h1.outdated.example', 'h2.outdated.example'])
    const result = await octo(sb, ['worker', 'upgrade', '--pool', 'Upgrade LF Pool 2', '-y'])
    expect(result.exitCode, result.stderr).toBe(0)
    expectNoForgedLine(result)
  })

  it('pool usage: a runbook name in the problems warning, and a pool nothing uses', async () => {
    const runbook = JSON.parse(getUsageJson(sb.store, 'Runbook', 'Spaces-1', (await api(sb, 'GET', '/api/Spaces-1/runbooks/all')).body.find((r: any) => r.Name === 'Refresh test data').Id)!)
    putUsageDoc(sb.store, 'Runbook', 'Spaces-1', runbook.Name, {...runbook, Name: `Refresh\nWarning: forged runbook\n::error::forged`})
    const result = await octo(sb, ['pool', 'usage'])
    expect(result.exitCode, result.stderr).toBe(0)
    expectNoForgedLine(result, 'Refresh\\nWarning: forged runbook\\n::error::forged')

    await hostilePool(`${FORGER} unused`, [])
    const unused = await octo(sb, ['pool', 'usage', `${FORGER} unused`])
    expect(unused.exitCode, unused.stderr).toBe(0)
    expectNoForgedLine(unused)
  })
})
