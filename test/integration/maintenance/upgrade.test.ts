/** `worker upgrade` against live sandboxes: rolling under deployment load, a failure that stops the roll, the big-bang path, the confirmation. */
import {afterEach, describe, expect, it} from 'vitest'
import {startFaultServer} from '../../fault-server/index.js'
import {parseJson, runCli} from '../../helpers/cli.js'
import {expectRejectedLeaving, octo} from '../../helpers/octo.js'
import {ENTER, runInPty} from '../../helpers/pty.js'
import {api, startTestSandbox, type Sandbox} from '../../helpers/sandbox.js'
import {tempDir} from '../../helpers/temp.js'
import {activeLeases, addPool, simulate, simulationStatus, spawnOcto, workersOf} from './helpers.js'

let sb: Sandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

const OUTDATED_HOSTS = ['u1.outdated.example', 'u2.outdated.example', 'u3.outdated.example', 'u4.outdated.example']

interface HistoryItem {
  ServerTaskId: string
  WorkerId: string
  Exclusive: boolean
  GrantSequence: number
  ReleaseSequence: number | null
}

describe('worker upgrade --rolling', () => {
  it('upgrades a 4-worker pool one at a time under sandbox simulate load: no failed deployment, no upgrade overlapping a step on its worker', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 30, leaseRetryMs: 5_000}})
    const {poolId, workerIds} = await addPool(sb, 'Rolling Pool', 'roll', OUTDATED_HOSTS)
    // More deployments than the roll can outlast, 4 at a time, all on this pool.
    const sim = await simulate(sb, {Tasks: 2000, Concurrency: 4, WorkerPoolIds: [poolId], MinDurationMs: 100, MaxDurationMs: 300})
    const before = await simulationStatus(sb, sim.Id)
    const result = await octo(sb, ['worker', 'upgrade', '--pool', 'Rolling Pool', '--rolling', '--keep-healthy', '2', '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    expect(doc).toMatchObject({Mode: 'rolling', Kind: 'Tentacle', Outcome: 'completed', Floors: [{PoolId: poolId, Floor: 2, AvailableNow: 4, AvailableAfter: 3}]})
    expect(doc.Batches.map((b: any) => [b.WorkerIds, b.Outcome])).toEqual(workerIds.map((id) => [[id], 'done']))
    expect(doc.Workers.map((w: any) => [w.Name, w.Outcome, w.VersionBefore, w.VersionAfter])).toEqual(
      ['roll-01', 'roll-02', 'roll-03', 'roll-04'].map((n) => [n, 'upgraded', 'Tentacle 6.3.417', 'Tentacle 8.3.2886']))
    for (const w of (await workersOf(sb)).filter((x) => workerIds.includes(x.Id))) {
      expect(w).toMatchObject({IsDisabled: false, HealthStatus: 'Healthy', Endpoint: {TentacleVersionDetails: {Version: '8.3.2886', UpgradeSuggested: false}}})
    }
    // The tasks really were Octopus's own: Upgrade then Health for each batch.
    const upgrade = (await api(sb, 'GET', `/api/tasks/${doc.Batches[0].UpgradeTaskId}`)).body
    expect(upgrade).toMatchObject({Name: 'Upgrade', State: 'Success', Arguments: {MachineIds: [workerIds[0]], RestrictedTo: 'Workers'}})
    // The deployments went on during the whole roll and none failed.
    const after = await simulationStatus(sb, sim.Id)
    expect(after.State).toBe('Running')
    expect(after.TasksFailed).toBe(0)
    expect(after.TasksCompleted).toBeGreaterThan(before.TasksCompleted)
    // Every upgrade lease was exclusive and overlapped no other lease on its worker.
    const history = (await api(sb, 'GET', '/api/sandbox/leases/history')).body as HistoryItem[]
    const exclusive = history.filter((l) => l.Exclusive)
    expect(exclusive.map((l) => l.WorkerId).sort()).toEqual([...workerIds].sort())
    for (const x of exclusive) {
      const overlapping = history.filter((l) => l !== x && l.WorkerId === x.WorkerId && l.GrantSequence < x.ReleaseSequence! && (l.ReleaseSequence ?? Infinity) > x.GrantSequence)
      expect(overlapping).toEqual([])
    }
  })

  it('a failing upgrade stops the roll: the failed worker is put back enabled as it was, the rest is not attempted, and the printed command resumes', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 30}})
    const {workerIds} = await addPool(sb, 'Fragile Pool', 'frag', ['f1.outdated.example', 'f2-outdated.upgrade-fails.test', 'f3.outdated.example', 'f4.outdated.example'])
    const result = await octo(sb, ['worker', 'upgrade', '--pool', 'Fragile Pool', '--rolling', '--keep-healthy', '2', '-y'])
    expect(result.exitCode, result.stderr).toBe(1)
    expect(result.stdout.trim().split('\n')).toEqual([
      'frag-01: upgraded (Tentacle 6.3.417 -> Tentacle 8.3.2886); available again (batch 1)',
      expect.stringMatching(/^frag-02: FAILED: Upgrade task ServerTasks-\d+ Failed: The Tentacle upgrade failed on 1 machine: frag-02: .*; enabled again, as it was before \(batch 2\)$/),
      'frag-03: not attempted (batch 3)',
      'frag-04: not attempted (batch 4)',
    ])
    expect(result.stderr).toContain('Stopped at batch 2: frag-02 failed.')
    expect(result.stderr).toContain('Upgraded: frag-01.')
    expect(result.stderr).toContain("Failed: 'frag-02' (put back as it was before the upgrade).")
    expect(result.stderr).not.toContain('Disabled by this run')
    const resume = /To resume with the rest: octoworkers (worker upgrade .*)$/m.exec(result.stderr)?.[1]
    expect(resume).toBe('worker upgrade frag-03 frag-04 --rolling --keep-healthy 2 --space Default -y')
    const after = new Map((await workersOf(sb)).map((w) => [w.Id, w]))
    expect(after.get(workerIds[1])).toMatchObject({IsDisabled: false, Endpoint: {TentacleVersionDetails: {Version: '6.3.417'}}})
    expect(after.get(workerIds[2])).toMatchObject({IsDisabled: false, Endpoint: {TentacleVersionDetails: {Version: '6.3.417'}}})

    const resumed = await octo(sb, resume!.split(' '))
    expect(resumed.exitCode, resumed.stderr).toBe(0)
    expect(resumed.stdout.trim().split('\n').map((l) => l.split(':')[0])).toEqual(['frag-03', 'frag-04'])
    const final = await workersOf(sb)
    expect(final.filter((w) => w.Endpoint.TentacleVersionDetails.Version === '8.3.2886').map((w) => w.Name).sort()).toEqual(['frag-01', 'frag-03', 'frag-04'])
    expect(await activeLeases(sb)).toEqual([])
  })

  it('Ctrl-C while a batch drains: exit 130, the batch stays disabled, with the commands to undo and to resume', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 30}})
    const {poolId, workerIds} = await addPool(sb, 'Busy Rolling Pool', 'busy', OUTDATED_HOSTS)
    // One long step on the least-leased worker (busy-01, the first batch) holds its lease.
    const sim = await simulate(sb, {Tasks: 1, Concurrency: 1, WorkerPoolIds: [poolId], MinDurationMs: 600_000, MaxDurationMs: 600_000})
    const run = spawnOcto(sb, ['worker', 'upgrade', '--pool', 'Busy Rolling Pool', '--rolling', '--keep-healthy', '2', '-y'])
    await run.stderrContains(`waiting for busy-01 (1 lease: ${sim.FirstTaskId})`)
    run.signal('SIGINT')
    const result = await run.done
    expect(result.exitCode, result.stderr).toBe(130)
    expect(result.stdout.trim().split('\n')[0]).toBe('busy-01: interrupted: drain did not finish; left disabled (batch 1)')
    expect(result.stderr).toContain(`Batch 1 did not drain: leases still held by ${sim.FirstTaskId}.`)
    expect(result.stderr).toContain("Disabled by this run and not re-enabled: 'busy-01'. To undo: octoworkers worker enable busy-01 --space Default")
    expect(result.stderr).toContain('To resume with the rest: octoworkers worker upgrade busy-01 busy-02 busy-03 busy-04 --rolling --keep-healthy 2 --space Default -y')
    const after = new Map((await workersOf(sb)).map((w) => [w.Id, w]))
    expect(workerIds.map((id) => after.get(id)!.IsDisabled)).toEqual([true, false, false, false])
    expect((await api(sb, 'GET', '/api/tasks?take=100')).body.Items.filter((t: any) => t.Name === 'Upgrade')).toEqual([])
  })

  it('refuses (exit 5, nothing changed) when even one worker at a time would go below the floor', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 30}})
    await addPool(sb, 'Pair Pool', 'pair', ['p1.outdated.example', 'p2.outdated.example'])
    const s = sb
    await expectRejectedLeaving(async () => ({workers: await workersOf(s), tasks: (await api(s, 'GET', '/api/tasks?take=100')).body.TotalResults}), s,
      ['worker', 'upgrade', '--pool', 'Pair Pool', '--rolling', '-y'], 5,
      "Refusing: pool 'Pair Pool' has 2 available workers; upgrading even one of its workers at a time would leave 1 (its floor is 2). Nothing was changed.")
  })

  it('--batch 2 upgrades two at a time where the floor allows, --calamari runs UpdateCalamari', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 30}})
    const {workerIds} = await addPool(sb, 'Calamari Pool', 'cal', OUTDATED_HOSTS)
    const result = await octo(sb, ['worker', 'upgrade', '--pool', 'Calamari Pool', '--rolling', '--calamari', '--batch', '2', '--keep-healthy', '2', '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const doc = parseJson(result)
    expect(doc.Batches.map((b: any) => b.WorkerIds)).toEqual([workerIds.slice(0, 2), workerIds.slice(2)])
    expect((await api(sb, 'GET', `/api/tasks/${doc.Batches[0].UpgradeTaskId}`)).body).toMatchObject({Name: 'UpdateCalamari', Arguments: {MachineIds: workerIds.slice(0, 2)}})
    expect((await workersOf(sb)).every((w) => w.HasLatestCalamari)).toBe(true)
  })
})

describe('worker upgrade: selection and the big-bang path', () => {
  it('without --rolling: one Upgrade task for all of them, with the big-bang warning; SSH workers are named and skipped', async () => {
    sb = await startTestSandbox({seed: 'demo', taskTiming: {healthCheckMs: 30}})
    const result = await octo(sb, ['worker', 'upgrade', 'WIN-7F3K2P9', 'worker1', 's-linux-omaha-worker-01', '-y', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    expect(result.stderr).toContain("skipping 's-linux-omaha-worker-01': SSH workers have no Tentacle")
    expect(result.stderr).toContain('the big-bang path')
    const doc = parseJson(result)
    expect(doc).toMatchObject({Mode: 'single-task', Outcome: 'Success', Task: {Name: 'Upgrade', Arguments: {MachineIds: ['Workers-2', 'Workers-10'], RestrictedTo: 'Workers'}}})
    expect(doc.Workers.map((w: any) => [w.Name, w.VersionAfter, w.Current])).toEqual([['WIN-7F3K2P9', 'Tentacle 8.3.2886', true], ['worker1', 'Tentacle 8.3.2886', true]])
  })

  it('--pool picks only the workers that need it; nothing to do is exit 0', async () => {
    sb = await startTestSandbox({seed: 'demo', taskTiming: {healthCheckMs: 30}})
    const none = await octo(sb, ['worker', 'upgrade', '--pool', 'Production Database Omaha Worker Pool', '-y'])
    expect(none.exitCode, none.stderr).toBe(0)
    expect(none.stdout).toContain('Nothing to upgrade:')
    const some = await octo(sb, ['worker', 'upgrade', '--pool', 'Default Worker Pool', '--rolling', '--keep-healthy', '1', '-y', '--json'])
    expect(some.exitCode, some.stderr).toBe(0)
    expect(parseJson(some).Workers.map((w: any) => w.Name)).toEqual(['WIN-7F3K2P9'])
  })

  it('bad usage is exit 2 before any request', async () => {
    sb = await startTestSandbox({seed: 'demo'})
    const s = sb
    await expectRejectedLeaving(() => workersOf(s), s, ['worker', 'upgrade', '--pool', 'Default Worker Pool', '--batch', '2', '-y'], 2, '--batch only goes with --rolling.')
    await expectRejectedLeaving(() => workersOf(s), s, ['worker', 'upgrade', '--pool', 'Default Worker Pool', '--rolling', '--batch', '0', '-y'], 2, "--batch must be a whole number of workers (1 or more), not '0'.")
    await expectRejectedLeaving(() => workersOf(s), s, ['worker', 'upgrade', '-y'], 2, 'Name at least one worker, or a pool with --pool.')
    await expectRejectedLeaving(() => workersOf(s), s, ['worker', 'upgrade', 'worker1', '--no-prompt'], 2, 'Refusing to upgrade workers without confirmation')
  })
})

describe('worker upgrade asks like every destructive command', () => {
  const env = (s: Sandbox, extra: Record<string, string> = {}) => ({OCTOPUS_URL: s.url, OCTOPUS_API_KEY: s.apiKey, XDG_STATE_HOME: tempDir('octoworkers-state'), ...extra})
  const upgradeTasks = async (s: Sandbox) => (await api(s, 'GET', '/api/tasks?take=1000')).body.Items.filter((t: any) => t.Name === 'Upgrade')

  it('rolling, on a terminal: the worker\'s name is typed; a wrong answer changes nothing (exit 2), the right one upgrades', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    const {workerIds} = await addPool(sb, 'Confirm Pool', 'cf', ['c1.outdated.example', 'c2.outdated.example', 'c3.outdated.example'])
    const before = await workersOf(sb)
    const wrong = await runInPty(['worker', 'upgrade', 'cf-01', '--rolling'], env(sb), [{waitFor: "Type the name 'cf-01' to upgrade this worker", send: `cf-02${ENTER}`}])
    expect(wrong.exitCode, wrong.screen).toBe(2)
    expect(wrong.screen).toContain('Confirmation did not match; nothing was changed.')
    expect(await workersOf(sb)).toEqual(before)
    expect(await upgradeTasks(sb)).toEqual([])

    const right = await runInPty(['worker', 'upgrade', 'cf-01', '--rolling'], env(sb), [{waitFor: "Type the name 'cf-01' to upgrade this worker", send: `cf-01${ENTER}`}])
    expect(right.exitCode, right.screen).toBe(0)
    expect(right.screen).toContain(`cf-01: upgraded (Tentacle 6.3.417 -> Tentacle 8.3.2886); available again (batch 1)`)
    expect((await workersOf(sb)).find((w) => w.Id === workerIds[0])).toMatchObject({IsDisabled: false, Endpoint: {TentacleVersionDetails: {Version: '8.3.2886'}}})
  })

  it('in one task, on a terminal: the number of workers is typed', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    await addPool(sb, 'Count Pool', 'cnt', ['n1.outdated.example', 'n2.outdated.example'])
    const result = await runInPty(['worker', 'upgrade', '--pool', 'Count Pool'], env(sb), [{waitFor: 'Type 2 (the number of items) to upgrade these 2 workers', send: `2${ENTER}`}])
    expect(result.exitCode, result.screen).toBe(0)
    expect((await workersOf(sb)).map((w) => w.Endpoint.TentacleVersionDetails.Version)).toEqual(['8.3.2886', '8.3.2886'])
  })

  it('a drain that finished while the rolling upgrade asked: the floor is checked again after the answer (exit 5, nothing changed)', async () => {
    sb = await startTestSandbox({seed: 'empty', taskTiming: {healthCheckMs: 20}})
    const s = sb
    const {workerIds} = await addPool(sb, 'Asked Pool', 'ask', ['k1.outdated.example', 'k2.outdated.example', 'k3.outdated.example'])
    let other: Awaited<ReturnType<typeof octo>> | undefined
    const result = await runInPty(['worker', 'upgrade', 'ask-01', '--rolling', '--keep-healthy', '2'], env(sb), [{
      waitFor: "Type the name 'ask-01' to upgrade this worker",
      before: async () => {
        other = await octo(s, ['worker', 'drain', 'ask-02', '-y'])
      },
      send: `ask-01${ENTER}`,
    }])
    expect(other?.exitCode, other?.stderr).toBe(0)
    expect(result.exitCode, result.screen).toBe(5)
    expect(result.screen).toContain("Refusing (checked again after the confirmation: another change was made meanwhile): pool 'Asked Pool' has 2 available workers; upgrading even one of its workers at a time would leave 1 (its floor is 2). Nothing was changed.")
    expect((await workersOf(sb)).find((w) => w.Id === workerIds[0])).toMatchObject({IsDisabled: false, Endpoint: {TentacleVersionDetails: {Version: '6.3.417'}}})
    expect(await upgradeTasks(sb)).toEqual([])
  })

  it('with prompts off and no -y (--no-prompt, or CI): exit 2 before any request, rolling or not', async () => {
    sb = await startTestSandbox({seed: 'empty'})
    await addPool(sb, 'Quiet Pool', 'quiet', ['q1.outdated.example', 'q2.outdated.example', 'q3.outdated.example'])
    const proxy = await startFaultServer(sb.url)
    try {
      for (const [args, extra] of [
        [['worker', 'upgrade', 'quiet-01', '--rolling', '--no-prompt'], {}],
        [['worker', 'upgrade', '--pool', 'Quiet Pool', '--no-prompt'], {}],
        [['worker', 'upgrade', 'quiet-01', '--rolling'], {CI: 'true'}],
      ] as Array<[string[], Record<string, string>]>) {
        const result = await runCli(args, {env: {OCTOPUS_URL: proxy.url, OCTOPUS_API_KEY: sb.apiKey, ...extra}})
        expect(result.exitCode, result.stderr).toBe(2)
        expect(result.stderr).toContain('Refusing to upgrade workers without confirmation: prompts are off (--no-prompt, CI, or no terminal).')
        expect(proxy.requests).toEqual([])
      }
    } finally {
      await proxy.close()
    }
  })
})
