/**
 * `estate apply` takes workers out of service (disables, moves out of a pool, deletes) through the
 * same guard as `worker disable` and `worker delete`, against live sandboxes: a leased worker's
 * delete is refused unless --drain; another process taking workers of the same pool out of service
 * at the same time cannot leave the pool below its floor with both exiting 0.
 */
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import YAML from 'yaml'
import {octo} from '../../helpers/octo.js'
import {parseJson, repoRoot} from '../../helpers/cli.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {activeLeases, addPool, simulate, spawnOcto, workersOf} from '../maintenance/helpers.js'
import {readEstateFiles} from '../../../src/app/estate-code/files.js'
import {planEstate} from '../../../src/app/estate-code/plan.js'
import {applyExitCode, applyPlan} from '../../../src/app/estate-code/apply.js'
import {recheckAfterConfirmation} from '../../../src/app/estate-code/guarded.js'
import {defaultConfig} from '../../../src/config/octoworkers-yaml/load.js'
import {OctopusClient} from '../../../src/octopus/client.js'
import {CliError} from '../../../src/text/errors.js'
import {estateState} from './helpers.js'

function writeTemp(name: string, text: string): string {
  const file = path.join(tempDir('estate-oos'), name)
  writeFileSync(file, text)
  return file
}

/** The available workers of a pool now (enabled and healthy). */
async function availableIn(sb: Sandbox, poolId: string): Promise<string[]> {
  return (await workersOf(sb)).filter((w) => w.WorkerPoolIds.includes(poolId) && !w.IsDisabled && ['Healthy', 'HasWarnings'].includes(w.HealthStatus)).map((w) => w.Name).sort()
}

let sb: Sandbox
let poolId: string
let exported: string

beforeEach(async () => {
  sb = await startTestSandbox({seed: 'empty'})
  // Three available workers; the floor (minWorkers' default) is 2, so one may go, not two.
  poolId = (await addPool(sb, 'Guarded Pool', 'guard', ['g1.example', 'g2.example', 'g3.example'])).poolId
  await addPool(sb, 'Spare Pool', 'spare', ['s1.example'])
  const result = await octo(sb, ['estate', 'export', '--space', 'Default'])
  expect(result.exitCode, result.stderr).toBe(0)
  exported = result.stdout
  return () => sb.close()
})

/** The exported file with one change to guard-01: `disable`, `move` (out of Guarded Pool) or `delete` (left out, applied with --prune). */
function fileFor(change: 'disable' | 'move' | 'delete', worker = 'guard-01'): string {
  const doc = YAML.parse(exported)
  const space = doc.spaces.Default
  if (change === 'delete') space.workers = space.workers.filter((w: any) => w.name !== worker)
  for (const w of space.workers) {
    if (w.name !== worker) continue
    if (change === 'disable') w.enabled = false
    if (change === 'move') w.pools = ['Spare Pool']
  }
  return writeTemp(`${change}-${worker}.yaml`, YAML.stringify(doc))
}

describe('estate apply: deleting a worker that holds a lease', () => {
  it('refuses the whole apply as `worker delete` does (exit 5, the same words and code), nothing changed', async () => {
    const taskId = (await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})).FirstTaskId
    const lease = (await activeLeases(sb)).find((l) => l.ServerTaskId === taskId)!
    const leased = (await workersOf(sb)).find((w) => w.Id === lease.WorkerId)!.Name
    const file = fileFor('delete', leased)
    const before = await estateState(sb)
    const result = await octo(sb, ['estate', 'apply', '-f', file, '--prune', '-y'])
    expect(result.exitCode, result.stdout + result.stderr).toBe(5)
    expect(result.stderr).toContain(`Refusing to delete: '${leased}' is leased by task ${taskId} (${lease.Id}). Nothing was deleted.`)
    expect(await estateState(sb)).toEqual(before)
    const json = await octo(sb, ['estate', 'apply', '-f', file, '--prune', '-y', '--json'])
    expect(json.exitCode).toBe(5)
    expect(parseJson(json).Error).toMatchObject({Code: 'worker-leased'})
    expect(await estateState(sb)).toEqual(before)
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it('with --drain: disables it, waits for the lease to end, then deletes it', async () => {
    const taskId = (await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})).FirstTaskId
    const lease = (await activeLeases(sb)).find((l) => l.ServerTaskId === taskId)!
    const leased = (await workersOf(sb)).find((w) => w.Id === lease.WorkerId)!
    const run = spawnOcto(sb, ['estate', 'apply', '-f', fileFor('delete', leased.Name), '--prune', '--drain', '-y'])
    await run.stderrContains(`Draining before delete: ${leased.Name} (1 lease)`)
    // Out of service while it waits: no new task can lease it.
    expect((await workersOf(sb)).find((w) => w.Id === leased.Id)).toMatchObject({IsDisabled: true})
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
    const result = await run.done
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`done +- worker "${leased.Name}"`))
    expect((await workersOf(sb)).find((w) => w.Id === leased.Id)).toBeUndefined()
  })

  it('--wait-timeout without --drain is exit 2', async () => {
    const result = await octo(sb, ['estate', 'apply', '-f', fileFor('delete'), '--prune', '-y', '--wait-timeout', '1s'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('--drain')
  })
})

describe('estate plan: a worker it deletes holds a lease', () => {
  it('warns on stderr, one line per leased worker, that apply will refuse it without --drain; the plan itself succeeds and writes nothing', async () => {
    const taskId = (await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})).FirstTaskId
    const lease = (await activeLeases(sb)).find((l) => l.ServerTaskId === taskId)!
    const leased = (await workersOf(sb)).find((w) => w.Id === lease.WorkerId)!.Name
    const file = fileFor('delete', leased)
    const before = await estateState(sb)
    const result = await octo(sb, ['estate', 'plan', '-f', file, '--prune'])
    expect(result.exitCode, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toContain(`- worker "${leased}"`)
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('Warning:'))
    expect(warnings).toEqual([`Warning: '${leased}' (space 'Default'), which this plan deletes, holds a lease now: task ${taskId} (${lease.Id}); \`octoworkers estate apply\` refuses to delete it without --drain.`])
    // --json keeps stdout one document; the warning stays on stderr.
    const json = await octo(sb, ['estate', 'plan', '-f', file, '--prune', '--json'])
    expect(json.exitCode).toBe(0)
    expect(parseJson(json).Summary.Delete).toBe(1)
    expect(json.stderr).toContain(`'${leased}' (space 'Default'), which this plan deletes, holds a lease now`)
    expect(await estateState(sb)).toEqual(before)
    await api(sb, 'POST', `/api/tasks/${taskId}/cancel`)
  })

  it('reads the leases once per space it deletes workers from, and not at all when it deletes none; no warning for a worker without a lease', async () => {
    const unchanged = writeTemp('unchanged.yaml', exported)
    const none = await octo(sb, ['estate', 'plan', '-f', unchanged, '--prune', '--json'])
    expect(none.exitCode, none.stderr).toBe(0)
    const deleting = await octo(sb, ['estate', 'plan', '-f', fileFor('delete'), '--prune', '--json'])
    expect(deleting.exitCode, deleting.stderr).toBe(0)
    expect(parseJson(deleting).Summary.Delete).toBe(1)
    expect(deleting.stderr).not.toContain('holds a lease')
    expect(parseJson(deleting).HttpRequests).toBe(parseJson(none).HttpRequests + 1)
  })
})

describe('estate apply and another admin at the same time: the floor of the one guard', () => {
  it.each(['disable', 'move', 'delete'] as const)('%s: another process disables a worker of the same pool between the plan and the write; the apply puts its change back and refuses', async (change) => {
    const client = await OctopusClient.connect({server: sb.url, apiKey: sb.apiKey})
    const {desired} = await readEstateFiles([fileFor(change)], repoRoot)
    const context = await planEstate(client, desired, {prune: change === 'delete', force: false, failOn: 'error', config: defaultConfig(), bin: 'octoworkers'})
    let other: number | undefined
    const result = await applyPlan(context, {
      beforeItem: async () => {
        // Alone, each change leaves two of three: both pass their floor check.
        if (other === undefined) other = (await octo(sb, ['worker', 'disable', 'guard-02', '-y'])).exitCode
      },
    })
    expect(other).toBe(0)
    expect(result.Results.map((r) => [r.Name, r.Status])).toEqual([['guard-01', 'refused']])
    // Nothing else was written, so the command exits 5 (unsafe, refused), as `worker disable` would.
    expect(applyExitCode(result)).toBe(5)
    expect(result.Refusal?.Message).toContain("another change was seen while this command ran: pool 'Guarded Pool' has 1 available worker now (its floor is 2)")
    // The pool kept its floor: guard-01 is back as it was, and the other admin's disable survives.
    expect(await availableIn(sb, poolId)).toEqual(['guard-01', 'guard-03'])
    expect((await workersOf(sb)).find((w) => w.Name === 'guard-02')).toMatchObject({IsDisabled: true})
  })

  it.each([
    ['worker disable', ['worker', 'disable', 'guard-02', '-y']],
    ['estate apply', ['estate', 'apply', '-f', '<disable guard-02>', '-y']],
  ])('two processes at once (estate apply and %s): the pool never ends below its floor', async (_what, args) => {
    const second = args.map((a) => (a === '<disable guard-02>' ? fileFor('disable', 'guard-02') : a))
    const a = spawnOcto(sb, ['estate', 'apply', '-f', fileFor('disable'), '-y'])
    const b = spawnOcto(sb, second)
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect([0, 1, 5]).toContain(ra.exitCode)
    expect([0, 1, 5]).toContain(rb.exitCode)
    // Alone, each leaves two of three. Together: one refuses (exit 5, its change put back), or both do,
    // or the second plans after the first wrote and refuses before writing (the floor, exit 5), or a
    // second apply's file enables guard-01 again.
    const output = `${ra.stdout}${ra.stderr}\n${rb.stdout}${rb.stderr}`
    expect((await availableIn(sb, poolId)).length, output).toBeGreaterThanOrEqual(2)
    for (const r of [ra, rb]) if (r.exitCode === 5) expect(r.stdout + r.stderr).toMatch(/another change was (seen|made)|^Error: Refusing: pool 'Guarded Pool' has 2 available workers/m)
  })

  it('after the confirmation, the floor is checked again on a fresh read (exit 5, nothing written)', async () => {
    const client = await OctopusClient.connect({server: sb.url, apiKey: sb.apiKey})
    const {desired} = await readEstateFiles([fileFor('move')], repoRoot)
    const context = await planEstate(client, desired, {prune: false, force: false, failOn: 'error', config: defaultConfig(), bin: 'octoworkers'})
    // While the prompt waits, another admin disables a worker of the same pool.
    expect((await octo(sb, ['worker', 'disable', 'guard-02', '-y'])).exitCode).toBe(0)
    const before = await estateState(sb)
    const error = await recheckAfterConfirmation(context).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(CliError)
    expect((error as CliError).exitCode).toBe(5)
    expect((error as CliError).message).toContain("Refusing (checked again after the confirmation: another change was made meanwhile): pool 'Guarded Pool' has 2 available workers; applying this plan would leave 1 (its floor is 2)")
    expect(await estateState(sb)).toEqual(before)
  })
})
