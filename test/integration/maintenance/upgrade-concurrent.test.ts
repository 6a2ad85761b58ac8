/**
 * `worker upgrade --rolling` beside other runs and other commands: two rolling upgrades at once, a
 * drain or disable of another worker of the pool while a batch is being disabled (each made
 * deterministic by a proxy in front of the sandbox that holds requests), Unavailable workers, and
 * runs stopped by SIGTERM / SIGINT / kill -9 and run again. The proxy forces each interleaving, so
 * a round takes the same path every time: the races run once per variant (RACE_ROUNDS runs more).
 */
import {readdirSync} from 'node:fs'
import {afterEach, describe, expect, it} from 'vitest'
import {parseJson} from '../../helpers/cli.js'
import {octo} from '../../helpers/octo.js'
import {startFaultServer, type FaultServer} from '../../fault-server/index.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {activeLeases, addPool, finishedTask, simulate, spawnOcto, waitFor, workersOf} from './helpers.js'

let sb: Sandbox | undefined
const proxies: FaultServer[] = []
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close()
  await sb?.close()
  sb = undefined
})

/** A proxy in front of the sandbox whose holds make two runs' interleaving deterministic. */
async function proxy(s: Sandbox): Promise<FaultServer> {
  const p = await startFaultServer(s.url)
  proxies.push(p)
  return p
}

const LATEST = '8.3.2886'

describe('two rolling upgrades of one pool at once', () => {
  it('on two machines: the other run\'s disable during this run\'s health check is reported, not a failure; both exit 0 and every worker ends upgraded and enabled', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    for (let round = 1; round <= Number(process.env.RACE_ROUNDS ?? 1); round++) {
      const pool = `Overlap Pool ${round}`
      const {workerIds} = await addPool(sb, pool, `ov${round}`, ['a.outdated.example', 'b.outdated.example', 'c.outdated.example', 'd.outdated.example'])
      const [pa, pb] = [await proxy(sb), await proxy(sb)]
      const first = new RegExp(`/workers/${workerIds[0]}$`)
      // B reads the first worker enabled, and its disable is held; A's disable is held too.
      const bDisable = pb.hold({method: 'PUT', path: first, times: 1})
      const aDisable = pa.hold({method: 'PUT', path: first, times: 1})
      // A's health check after it enabled the worker again.
      const aHealth = pa.hold({method: 'POST', path: /\/tasks$/, bodyIncludes: '"Health"', times: 1})
      const args = ['worker', 'upgrade', '--pool', pool, '--rolling', '--keep-healthy', '1', '-y', '--json']
      const a = spawnOcto(sb, args, {url: pa.url})
      const b = spawnOcto(sb, args, {url: pb.url})
      await Promise.all([aDisable.arrived, bDisable.arrived])
      await aDisable.release()
      // A drained, upgraded and enabled the worker again; now B's disable lands, then A checks health.
      await aHealth.arrived
      expect(await bDisable.release()).toEqual([200])
      // B's next write of the worker (enabling it after its own upgrade) waits until A has finished:
      // A must find the worker as B's disable left it, however quickly B goes on.
      const bNext = pb.hold({method: 'PUT', path: first, times: 1})
      await aHealth.release()
      const ra = await a.done
      bNext.end()
      const rb = await b.done
      expect(ra.exitCode, ra.stderr).toBe(0)
      expect(rb.exitCode, rb.stderr).toBe(0)
      const docA = JSON.parse(ra.stdout)
      expect(docA.Workers[0]).toMatchObject({Id: workerIds[0], Outcome: 'upgraded', DisabledByOther: true, Message: `upgraded (Tentacle 6.3.417 -> Tentacle ${LATEST}); disabled meanwhile by another change, left so`})
      expect([...docA.Workers, ...JSON.parse(rb.stdout).Workers].filter((w: any) => w.Outcome !== 'upgraded')).toEqual([])
      const after = (await workersOf(sb)).filter((w) => workerIds.includes(w.Id))
      expect(after.map((w) => [w.IsDisabled, w.Endpoint.TentacleVersionDetails.Version])).toEqual(workerIds.map(() => [false, LATEST]))
      expect(await activeLeases(sb)).toEqual([])
    }
  })

  it('on one machine: the second run skips the worker the first is upgrading, naming it; both exit 0', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    const {workerIds} = await addPool(sb, 'Shared Pool', 'shared', ['a.outdated.example', 'b.outdated.example', 'c.outdated.example', 'd.outdated.example'])
    const pa = await proxy(sb)
    const aDisable = pa.hold({method: 'PUT', path: new RegExp(`/workers/${workerIds[0]}$`), times: 1})
    const stateHome = tempDir('octoworkers-state')
    const args = ['worker', 'upgrade', '--pool', 'Shared Pool', '--rolling', '--keep-healthy', '1', '-y', '--json']
    const a = spawnOcto(sb, args, {url: pa.url, stateHome})
    // A has recorded the worker as its own before disabling it.
    await aDisable.arrived
    const b = spawnOcto(sb, args, {stateHome})
    await b.stderrContains(/skipping 'shared-01': being upgraded by another octoworkers run \(process \d+ on /)
    await aDisable.release()
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect(ra.exitCode, ra.stderr).toBe(0)
    expect(rb.exitCode, rb.stderr).toBe(0)
    expect(JSON.parse(rb.stdout).Skipped.map((s: any) => s.Name)).toEqual(['shared-01'])
    expect((await workersOf(sb)).every((w) => !w.IsDisabled && w.Endpoint.TentacleVersionDetails.Version === LATEST)).toBe(true)
  })
})

describe('Unavailable workers', () => {
  it('are left out of the plan, named with the reason; --include-unavailable plans them, and a failed one is put back enabled as it was', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    const {workerIds} = await addPool(sb, 'Reach Pool', 'reach', ['a.outdated.example', 'b.outdated.example', 'c.outdated.example', 'gone.unreachable.test'])
    expect((await workersOf(sb)).find((w) => w.Id === workerIds[3])).toMatchObject({HealthStatus: 'Unavailable', IsDisabled: false})
    const skipped = await octo(sb, ['worker', 'upgrade', 'reach-01', 'reach-04', '--rolling', '--keep-healthy', '1', '-y', '--json'])
    expect(skipped.exitCode, skipped.stderr).toBe(0)
    expect(skipped.stderr).toContain("skipping 'reach-04': Unavailable at its last health check (Octopus could not contact it); pass --include-unavailable to upgrade it anyway.")
    const doc = parseJson(skipped)
    expect(doc.Skipped).toEqual([{Id: workerIds[3], Name: 'reach-04', Reason: expect.stringContaining('Unavailable')}])
    expect(doc.Workers.map((w: any) => [w.Name, w.Outcome])).toEqual([['reach-01', 'upgraded']])
    expect((await workersOf(sb)).find((w) => w.Id === workerIds[3])?.IsDisabled).toBe(false)

    const included = await octo(sb, ['worker', 'upgrade', 'reach-04', '--include-unavailable', '--rolling', '--keep-healthy', '1', '-y'])
    expect(included.exitCode).toBe(1)
    expect(included.stdout.trim()).toMatch(/^reach-04: FAILED: Upgrade task ServerTasks-\d+ Failed: .*could not be contacted; enabled again, as it was before \(batch 1\)$/)
    expect((await workersOf(sb)).find((w) => w.Id === workerIds[3])?.IsDisabled).toBe(false)
  })
})

describe('stopped runs, and running the upgrade again', () => {
  it('SIGTERM while a batch drains: exit 143 with the report; a rerun without --all finishes that worker and enables it again', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    const {poolId, workerIds} = await addPool(sb, 'Term Pool', 'term', ['a.outdated.example', 'b.outdated.example', 'c.outdated.example', 'd.outdated.example'])
    const sim = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})
    const stateHome = tempDir('octoworkers-state')
    const args = ['worker', 'upgrade', '--pool', 'Term Pool', '--rolling', '--keep-healthy', '2', '-y']
    const run = spawnOcto(sb, args, {stateHome})
    await run.stderrContains(`waiting for term-01 (1 lease: ${sim.FirstTaskId})`)
    run.signal('SIGTERM')
    const stopped = await run.done
    expect(stopped.exitCode, stopped.stderr).toBe(143)
    expect(stopped.stdout.trim().split('\n')[0]).toBe('term-01: interrupted: drain did not finish; left disabled (batch 1)')
    expect(stopped.stderr).toContain("Disabled by this run and not re-enabled: 'term-01'. To undo: octoworkers worker enable term-01 --space Default")
    expect(stopped.stderr).toContain('Or run the upgrade again: it finds the workers this run disabled, and finishes or restores them.')
    expect((await workersOf(sb)).find((w) => w.Id === workerIds[0])?.IsDisabled).toBe(true)

    await api(sb, 'POST', `/api/tasks/${sim.FirstTaskId}/cancel`)
    await finishedTask(sb, sim.FirstTaskId)
    const rerun = await rerunIn(sb, args, stateHome)
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(rerun.stderr).toContain("'term-01' was disabled by an earlier octoworkers upgrade that was stopped (it was enabled before): finishing its upgrade.")
    const after = (await workersOf(sb)).filter((w) => workerIds.includes(w.Id))
    expect(after.map((w) => [w.Name, w.IsDisabled, w.Endpoint.TentacleVersionDetails.Version])).toEqual(['term-01', 'term-02', 'term-03', 'term-04'].map((n) => [n, false, LATEST]))
  })

  it('killed (kill -9) after the upgrade, before enabling the worker again: a rerun without --all puts it back instead of "Nothing to upgrade"', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    const {workerIds} = await addPool(sb, 'Killed Pool', 'kill', ['a.outdated.example', 'b.outdated.example', 'c.outdated.example'])
    const p = await proxy(sb)
    // The second PUT of the worker is the one that enables it again after its upgrade.
    const reenable = p.hold({method: 'PUT', path: new RegExp(`/workers/${workerIds[0]}$`), skip: 1, times: 1})
    const stateHome = tempDir('octoworkers-state')
    const run = spawnOcto(sb, ['worker', 'upgrade', 'kill-01', '--rolling', '--keep-healthy', '1', '-y'], {url: p.url, stateHome})
    await reenable.arrived
    run.signal('SIGKILL')
    await run.done
    reenable.drop()
    expect((await workersOf(sb)).find((w) => w.Id === workerIds[0])).toMatchObject({IsDisabled: true, Endpoint: {TentacleVersionDetails: {Version: LATEST}}})

    const rerun = await rerunIn(sb, ['worker', 'upgrade', '--pool', 'Killed Pool', '--rolling', '--keep-healthy', '1', '-y'], stateHome)
    expect(rerun.exitCode, rerun.stderr).toBe(0)
    expect(rerun.stderr).toContain("'kill-01' was disabled by an earlier octoworkers upgrade that was stopped (it was enabled before): it is upgraded already; putting it back.")
    expect(rerun.stdout).toContain('kill-01: upgraded by an earlier run that was stopped; enabled again')
    const w = await waitFor(async () => {
      const doc = (await workersOf(sb!)).find((x) => x.Id === workerIds[0])
      return doc && !doc.IsDisabled ? doc : undefined
    }, 'kill-01 enabled')
    expect(w.HealthStatus).toBe('Healthy')
    // The record is gone: a third run has nothing to restore.
    const third = await rerunIn(sb, ['worker', 'upgrade', '--pool', 'Killed Pool', '--rolling', '--keep-healthy', '1', '-y'], stateHome)
    expect(third.stderr).not.toContain('earlier octoworkers upgrade')
  })
})

/** A run with the given XDG_STATE_HOME, as a process of its own (so earlier claims are another process's). */
async function rerunIn(s: Sandbox, args: string[], stateHome: string): Promise<{stdout: string; stderr: string; exitCode: number}> {
  return spawnOcto(s, args, {stateHome}).done
}

describe('another command takes a worker of the same pool out of service while a batch is being disabled', () => {
  // Odd rounds drain and print text, even rounds disable and print --json: two rounds cover both.
  const ROUNDS = Number(process.env.RACE_ROUNDS ?? 2)

  it('the pool is below its floor once the batch is disabled: the run enables the batch again and refuses it, saying another change was seen; the earlier batch stays done, so the exit is 1 (drain and disable in turn, every round)', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    const p = await proxy(sb)
    for (let round = 1; round <= ROUNDS; round++) {
      const pool = `Race Upgrade Pool ${round}`
      const prefix = `ru${round}`
      const [first, second, third] = [`${prefix}-01`, `${prefix}-02`, `${prefix}-03`]
      const {workerIds} = await addPool(sb, pool, prefix, ['a.outdated.example', 'b.outdated.example', 'c.outdated.example'])
      // Batch 2's disable of the second worker waits until the other command has finished.
      const batchTwoDisable = p.hold({method: 'PUT', path: new RegExp(`/workers/${workerIds[1]}$`), times: 1})
      const json = round % 2 === 0
      const stateHome = tempDir('octoworkers-state')
      const upgrade = spawnOcto(sb, ['worker', 'upgrade', first, second, '--rolling', '--keep-healthy', '2', '-y', ...(json ? ['--json'] : [])], {url: p.url, stateHome})
      await batchTwoDisable.arrived
      // The other command reads the second worker still enabled: 3 available, 2 once it is done.
      const other = await octo(sb, ['worker', round % 2 === 1 ? 'drain' : 'disable', third, '-y'])
      expect(other.exitCode, other.stderr).toBe(0)
      expect(await batchTwoDisable.release()).toEqual([200])
      const result = await upgrade.done
      const story = `${result.stdout}\n${result.stderr}`
      // Batch 1 was upgraded, so the run changed something: a failure that names the refusal, not exit 5.
      expect(result.exitCode, story).toBe(1)
      expect(result.stderr).toContain(`Stopped at batch 2: another change was seen while this command ran: pool '${pool}' has 1 available worker now (its floor is 2). Put back what this command changed: '${second}' enabled again.`)
      expect(result.stderr).toContain(`Upgraded: ${first}.`)
      expect(result.stderr).toContain(`To resume with the rest: octoworkers worker upgrade ${second} --rolling --keep-healthy 2 --space Default -y`)
      expect(result.stderr).not.toContain('To undo')
      const refusedLine = `not upgraded: another change took the pool below its floor while this batch was disabled; enabled again, as it was before`
      if (json) {
        const doc = JSON.parse(result.stdout)
        expect(doc).toMatchObject({Mode: 'rolling', Outcome: 'refused', Message: expect.stringContaining('another change was seen')})
        expect(doc.Batches.map((b: any) => b.Outcome)).toEqual(['done', 'refused'])
        expect(doc.Batches[1].UpgradeTaskId).toBeNull()
        expect(doc.Workers.map((w: any) => [w.Name, w.Outcome, w.LeftDisabled])).toEqual([[first, 'upgraded', false], [second, 'refused', false]])
        expect(doc.Workers[1].Message).toBe(refusedLine)
      } else {
        expect(result.stdout.trim().split('\n')).toEqual([
          `${first}: upgraded (Tentacle 6.3.417 -> Tentacle ${LATEST}); available again (batch 1)`,
          `${second}: refused: ${refusedLine} (batch 2)`,
        ])
      }
      const after = new Map((await workersOf(sb)).map((w) => [w.Id, w]))
      expect(workerIds.map((id) => [after.get(id)!.IsDisabled, after.get(id)!.Endpoint.TentacleVersionDetails.Version])).toEqual([[false, LATEST], [false, '6.3.417'], [true, '6.3.417']])
      const upgrades = (await api(sb, 'GET', '/api/tasks?take=1000')).body.Items.filter((t: any) => t.Name === 'Upgrade' && t.Arguments.MachineIds.includes(workerIds[1]))
      expect(upgrades).toEqual([])
      // The put-back worker is not this run's any more: no record is left for a rerun to finish.
      expect(readdirSync(stateHome, {recursive: true, withFileTypes: true}).filter((e) => e.isFile())).toEqual([])
    }
  })
})
