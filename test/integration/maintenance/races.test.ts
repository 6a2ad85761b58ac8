/**
 * Two commands at once. Octopus has no ETag or version on workers (a PUT is last-write-wins), so
 * two commands can both pass the floor check and both write. A proxy in front of the sandbox holds
 * requests so that the bad interleaving ("both read before either writes") happens every round,
 * and real two-process races run too. What must hold every round: no pool is left below its floor
 * with both commands reporting success; a command that saw another change put its own back (exit 5).
 *
 * RACE_ROUNDS sets the rounds of every scenario (to look for rarer outcomes).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli, type CliResult} from '../../helpers/cli.js'
import {runInPty, ENTER} from '../../helpers/pty.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {startFaultServer, type FaultServer} from '../../fault-server/index.js'
import {addPool, simulate, activeLeases, worker, spawnOcto} from './helpers.js'

/**
 * Rounds per scenario. Where the proxy forces the interleaving, every round takes the same path
 * (over 8 rounds each such scenario had the same outcome every time), so one round tests it; the
 * race between free-running processes varies from round to round, and gets several.
 */
const FORCED_ROUNDS = Number(process.env.RACE_ROUNDS ?? 1)
const FREE_ROUNDS = Number(process.env.RACE_ROUNDS ?? 4)

let sb: Sandbox
let proxy: FaultServer

beforeAll(async () => {
  sb = await startTestSandbox({seed: 'empty'})
  proxy = await startFaultServer(sb.url)
})
afterAll(async () => {
  await proxy?.close()
  await sb?.close()
})

/** A spawned CLI process talking to the sandbox through the proxy. */
function cli(args: string[]): Promise<CliResult> {
  return runCli(args, {spawn: true, env: {OCTOPUS_URL: proxy.url, OCTOPUS_API_KEY: sb.apiKey}})
}

async function poolWorkers(poolId: string): Promise<Array<Record<string, any>>> {
  return ((await api(sb, 'GET', '/api/Spaces-1/workers/all')).body as Array<Record<string, any>>).filter((w) => w.WorkerPoolIds.includes(poolId))
}

async function availableIn(poolId: string): Promise<number> {
  return (await poolWorkers(poolId)).filter((w) => !w.IsDisabled && ['Healthy', 'HasWarnings'].includes(w.HealthStatus)).length
}

async function enableAll(poolId: string): Promise<void> {
  for (const w of await poolWorkers(poolId)) if (w.IsDisabled) await api(sb, 'PUT', `/api/Spaces-1/workers/${w.Id}`, {...w, IsDisabled: false})
}

/** Every PUT of a worker waits until two are waiting: both commands have read everything before either writes. */
function bothReadBeforeEitherWrites() {
  return proxy.barrier({method: 'PUT', path: /^\/api\/Spaces-1\/workers\/Workers-/}, 2)
}

interface Tally {rounds: number; belowFloor: number; bothSucceeded: number; oneRefused: number; bothRefused: number}

/**
 * Checks one round's outcome and counts it: never below the floor; a refusal is exit 5, either
 * the floor check itself (the other command had finished before this one read) or the other
 * change seen after writing, put back.
 */
function judge(tally: Tally, results: CliResult[], available: number, floor: number): void {
  tally.rounds++
  const ok = results.filter((r) => r.exitCode === 0).length
  if (available < floor) tally.belowFloor++
  if (ok === results.length) tally.bothSucceeded++
  else if (ok === 0) tally.bothRefused++
  else tally.oneRefused++
  const story = results.map((r) => `exit ${r.exitCode}\n${r.stdout}${r.stderr}`).join('\n---\n')
  expect(available, story).toBeGreaterThanOrEqual(floor)
  for (const r of results.filter((x) => x.exitCode !== 0)) {
    expect(r.exitCode, story).toBe(5)
    expect(r.stderr, story).toMatch(/another change was seen|another change was made meanwhile|would leave \d+ \(its floor is/)
  }
}

function report(name: string, tally: Tally): void {
  if (process.env.RACE_REPORT) process.stderr.write(`[race] ${name}: ${JSON.stringify(tally)}\n`)
}

describe('two drains at once', () => {
  it("of different workers of a 3-worker pool (floor 2), both reading before either writes: never 1 left; a command that sees the other command's write puts its worker back", async () => {
    const {poolId} = await addPool(sb, 'Race Pool', 'race', ['r1.example', 'r2.example', 'r3.example'])
    const tally: Tally = {rounds: 0, belowFloor: 0, bothSucceeded: 0, oneRefused: 0, bothRefused: 0}
    for (let round = 0; round < FORCED_ROUNDS; round++) {
      await enableAll(poolId)
      const barrier = bothReadBeforeEitherWrites()
      const results = await Promise.all([cli(['worker', 'drain', 'race-01', '-y']), cli(['worker', 'drain', 'race-02', '-y'])])
      barrier.end()
      judge(tally, results, await availableIn(poolId), 2)
    }
    report('drain+drain barrier', tally)
    expect(tally.belowFloor).toBe(0)
  })

  it('one finishes first, then the other\'s write goes through: the second sees the pool below its floor, enables its worker again and exits 5', async () => {
    const {poolId, workerIds} = await addPool(sb, 'Late Pool', 'late', ['l1.example', 'l2.example', 'l3.example'])
    for (let round = 0; round < FORCED_ROUNDS; round++) {
      await enableAll(poolId)
      const hold = proxy.hold({method: 'PUT', path: new RegExp(`^/api/Spaces-1/workers/${workerIds[1]}$`)})
      const second = cli(['worker', 'drain', 'late-02', '-y'])
      await hold.untilWaiting(1)
      const first = await cli(['worker', 'drain', 'late-01', '-y'])
      expect(first.exitCode, first.stderr).toBe(0)
      hold.end()
      const late = await second
      expect(late.exitCode, late.stderr).toBe(5)
      expect(late.stderr).toContain("Refusing: another change was seen while this command ran: pool 'Late Pool' has 1 available worker now (its floor is 2). Put back what this command changed: 'late-02' enabled again.")
      expect((await worker(sb, workerIds[1])).IsDisabled).toBe(false)
      expect(await availableIn(poolId)).toBe(2)
    }
  })

  it('--keep-healthy 1 on a 2-worker pool: never 0 left', async () => {
    const {poolId} = await addPool(sb, 'Pair Pool', 'pair', ['p1.example', 'p2.example'])
    const tally: Tally = {rounds: 0, belowFloor: 0, bothSucceeded: 0, oneRefused: 0, bothRefused: 0}
    for (let round = 0; round < FORCED_ROUNDS; round++) {
      await enableAll(poolId)
      const barrier = bothReadBeforeEitherWrites()
      const results = await Promise.all([cli(['worker', 'drain', 'pair-01', '--keep-healthy', '1', '-y']), cli(['worker', 'drain', 'pair-02', '--keep-healthy', '1', '-y'])])
      barrier.end()
      judge(tally, results, await availableIn(poolId), 1)
    }
    report('drain+drain keep-healthy 1 barrier', tally)
    expect(tally.belowFloor).toBe(0)
  })

  it('worker delete --drain and worker drain: never 1 left', async () => {
    const tally: Tally = {rounds: 0, belowFloor: 0, bothSucceeded: 0, oneRefused: 0, bothRefused: 0}
    for (let round = 0; round < FORCED_ROUNDS; round++) {
      const prefix = `del${round}`
      const {poolId} = await addPool(sb, `Delete Race ${round}`, prefix, ['d1.example', 'd2.example', 'd3.example'])
      const barrier = bothReadBeforeEitherWrites()
      const results = await Promise.all([cli(['worker', 'delete', `${prefix}-01`, '--drain', '-y']), cli(['worker', 'drain', `${prefix}-02`, '-y'])])
      barrier.end()
      judge(tally, results, await availableIn(poolId), 2)
      // A refused delete deleted nothing.
      if (results[0].exitCode !== 0) expect((await poolWorkers(poolId)).map((w) => w.Name)).toContain(`${prefix}-01`)
    }
    report('delete --drain + drain barrier', tally)
    expect(tally.belowFloor).toBe(0)
  })

  it('real processes started together, no proxy: never below the floor with both succeeding', async () => {
    const {poolId} = await addPool(sb, 'Free Race Pool', 'free', ['f1.example', 'f2.example', 'f3.example'])
    const tally: Tally = {rounds: 0, belowFloor: 0, bothSucceeded: 0, oneRefused: 0, bothRefused: 0}
    for (let round = 0; round < FREE_ROUNDS; round++) {
      await enableAll(poolId)
      const direct = (args: string[]) => runCli(args, {spawn: true, env: {OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey}})
      const results = await Promise.all([direct(['worker', 'drain', 'free-01', '-y']), direct(['worker', 'drain', 'free-02', '-y'])])
      judge(tally, results, await availableIn(poolId), 2)
    }
    report('drain+drain real processes', tally)
    expect(tally.belowFloor).toBe(0)
  })
})

describe('two disables at once', () => {
  it('of different workers of a 3-worker pool, both reading before either writes: never 1 left', async () => {
    const {poolId} = await addPool(sb, 'Toggle Race Pool', 'tog', ['t1.example', 't2.example', 't3.example'])
    const tally: Tally = {rounds: 0, belowFloor: 0, bothSucceeded: 0, oneRefused: 0, bothRefused: 0}
    for (let round = 0; round < FORCED_ROUNDS; round++) {
      await enableAll(poolId)
      const barrier = bothReadBeforeEitherWrites()
      const results = await Promise.all([cli(['worker', 'disable', 'tog-01', '-y']), cli(['worker', 'disable', 'tog-02', '-y'])])
      barrier.end()
      judge(tally, results, await availableIn(poolId), 2)
    }
    report('disable+disable barrier', tally)
    expect(tally.belowFloor).toBe(0)
  })

  it('worker update --remove-pool and worker disable: never 1 left', async () => {
    const {poolId} = await addPool(sb, 'Move Race Pool', 'mov', ['m1.example', 'm2.example', 'm3.example'])
    const other = await addPool(sb, 'Move Target Pool', 'movt', ['mt1.example', 'mt2.example'])
    const tally: Tally = {rounds: 0, belowFloor: 0, bothSucceeded: 0, oneRefused: 0, bothRefused: 0}
    for (let round = 0; round < FORCED_ROUNDS; round++) {
      await enableAll(poolId)
      const mover = (await poolWorkers(poolId)).find((w) => w.Name === 'mov-01') ?? (await poolWorkers(other.poolId)).find((w) => w.Name === 'mov-01')!
      await api(sb, 'PUT', `/api/Spaces-1/workers/${mover.Id}`, {...mover, IsDisabled: false, WorkerPoolIds: [poolId]})
      const barrier = bothReadBeforeEitherWrites()
      const results = await Promise.all([
        cli(['worker', 'update', 'mov-01', '--add-pool', 'Move Target Pool', '--remove-pool', 'Move Race Pool', '-y']),
        cli(['worker', 'disable', 'mov-02', '-y']),
      ])
      barrier.end()
      judge(tally, results, await availableIn(poolId), 2)
    }
    report('update --remove-pool + disable barrier', tally)
    expect(tally.belowFloor).toBe(0)
  })
})

describe('a change made while a drain asks for confirmation', () => {
  const env = () => ({OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey})

  it('another drain that finished meanwhile: the floor is checked again after the answer (exit 5, nothing changed)', async () => {
    const {poolId, workerIds} = await addPool(sb, 'Prompt Pool', 'prompt', ['q1.example', 'q2.example', 'q3.example'])
    for (let round = 0; round < 2; round++) {
      await enableAll(poolId)
      let other: CliResult | undefined
      const result = await runInPty(['worker', 'drain', 'prompt-01'], env(), [{
        waitFor: "Type the name 'prompt-01'",
        before: async () => {
          other = await runCli(['worker', 'drain', 'prompt-02', '-y'], {spawn: true, env: env()})
        },
        send: `prompt-01${ENTER}`,
      }])
      expect(other?.exitCode, other?.stderr).toBe(0)
      expect(result.exitCode, result.screen).toBe(5)
      expect(result.screen).toContain("Refusing (checked again after the confirmation: another change was made meanwhile): pool 'Prompt Pool' has 2 available workers; draining would leave 1 (its floor is 2). Nothing was changed.")
      expect((await worker(sb, workerIds[0])).IsDisabled).toBe(false)
      expect(await availableIn(poolId)).toBe(2)
    }
  })

  it('another admin added the worker to a pool meanwhile: the drain keeps that change (it writes only IsDisabled on the document as it is now)', async () => {
    const {workerIds} = await addPool(sb, 'Keep Change Pool', 'kc', ['k1.example', 'k2.example', 'k3.example'])
    const extra = await addPool(sb, 'Extra Pool', 'extra', ['x1.example', 'x2.example'])
    let other: CliResult | undefined
    const result = await runInPty(['worker', 'drain', 'kc-01'], env(), [{
      waitFor: "Type the name 'kc-01'",
      before: async () => {
        other = await runCli(['worker', 'update', 'kc-01', '--add-pool', 'Extra Pool'], {spawn: true, env: env()})
      },
      send: `kc-01${ENTER}`,
    }])
    expect(other?.exitCode, other?.stderr).toBe(0)
    expect(result.exitCode, result.screen).toBe(0)
    expect(await worker(sb, workerIds[0])).toMatchObject({IsDisabled: true, WorkerPoolIds: expect.arrayContaining([extra.poolId])})
  })

  it('pool delete --move-workers-to keeps a pool another admin added to a moved worker while it asked (it moves the worker as it is now)', async () => {
    const source = await addPool(sb, 'Move Source Pool', 'ms', ['m1.example'])
    const destination = await addPool(sb, 'Move Destination Pool', 'md', ['d1.example'])
    const extra = await addPool(sb, 'Move Extra Pool', 'mx', ['y1.example'])
    let other: CliResult | undefined
    const result = await runInPty(['pool', 'delete', 'Move Source Pool', '--move-workers-to', 'Move Destination Pool'], env(), [{
      waitFor: "Type the name 'Move Source Pool'",
      before: async () => {
        other = await runCli(['worker', 'update', 'ms-01', '--add-pool', 'Move Extra Pool'], {spawn: true, env: env()})
      },
      send: `Move Source Pool${ENTER}`,
    }])
    expect(other?.exitCode, other?.stderr).toBe(0)
    expect(result.exitCode, result.screen).toBe(0)
    const moved = await worker(sb, source.workerIds[0])
    expect([...moved.WorkerPoolIds].sort()).toEqual([destination.poolId, extra.poolId].sort())
  })
})

describe('a drain whose worker is enabled again during the wait', () => {
  it('is not reported as drained: exit 1 saying another change enabled it', async () => {
    const {poolId} = await addPool(sb, 'Reenable Pool', 'reen', ['e1.example', 'e2.example', 'e3.example'])
    const sim = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})
    const lease = (await activeLeases(sb)).find((l) => l.ServerTaskId === sim.FirstTaskId)!
    const name = (await worker(sb, lease.WorkerId)).Name
    const run = spawnOcto(sb, ['worker', 'drain', name, '-y'])
    await run.stderrContains(`Waiting for ${name}: 1 lease (${sim.FirstTaskId})`)
    const enabled = await runCli(['worker', 'enable', name], {env: {OCTOPUS_URL: sb.url, OCTOPUS_API_KEY: sb.apiKey}})
    expect(enabled.exitCode, enabled.stderr).toBe(0)
    await api(sb, 'POST', `/api/tasks/${sim.FirstTaskId}/cancel`)
    const result = await run.done
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stdout.trim()).toBe(`${name}: NOT drained (enabled again by another change during the wait; it can be leased)`)
    expect(result.stderr).toContain(`Not drained: '${name}' was enabled again by another change while the drain waited, so new tasks can lease it.`)
    expect((await worker(sb, lease.WorkerId)).IsDisabled).toBe(false)
  })
})
