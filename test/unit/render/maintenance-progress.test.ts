import {describe, expect, it} from 'vitest'
import {deleteEventLines, drainEventLines, estateDrainEventLines, upgradeEventLines, upgradeWarningLine} from '../../../src/views/maintenance-progress.js'
import {terminalSafeLine} from '../../../src/ui/safe.js'
import type {DrainResult, StaleLease, WorkerDrainStatus} from '../../../src/app/maintenance/drain.js'
import type {RolledWorker, RollResult} from '../../../src/app/maintenance/rolling-upgrade.js'
import type {WorkerResource} from '../../../src/octopus/types.js'
import type {LeaseRecord} from '../../../src/domain/leases/types.js'

/** A worker name that would forge a line and paint the terminal if printed raw. */
const HOSTILE = 'evil\n\u001B[31mError: forged'
/** The same name as the note writer prints it. */
const HOSTILE_SHOWN = 'evil\\n\\e[31mError: forged'
const ctx = {bin: 'octoworkers'}

function lease(id: number, taskId: string): LeaseRecord {
  return {LeaseId: `WorkerTaskLeases-${id}`, WorkerId: 'Workers-1', WorkerName: null, WorkerPoolId: 'WorkerPools-1', WorkerPoolName: 'Linux', TaskId: taskId, TaskDescription: null, SpaceId: 'Spaces-1', Exclusive: false, TakenAt: '2026-12-01T09:00:00.000Z', Source: 'api'}
}

function status(name: string, over: Partial<WorkerDrainStatus> = {}): WorkerDrainStatus {
  return {Id: `Workers-${name.length}`, Name: name, WasEnabled: true, LeasesAtStart: 1, SecondsWaited: null, Outcome: 'timed-out', Leases: [lease(1, 'ServerTasks-10')], StaleLeases: [], ...over}
}

const stale: StaleLease = {...lease(5, 'ServerTasks-12'), Stale: true, TaskState: 'Success', TaskCompletedTime: '2026-12-01T09:05:00Z'}

function worker(name: string): WorkerResource {
  return {Id: 'Workers-1', Name: name} as WorkerResource
}

/** As the command writes each line: through the note writer's escaping. */
const shown = (lines: string[]) => lines.map((line) => terminalSafeLine(line))

describe('drainEventLines (worker drain)', () => {
  it('words each event as worker drain prints it', () => {
    expect(drainEventLines({kind: 'plan', targets: [worker('a'), {...worker('b'), IsDisabled: true}]}, ctx)).toEqual(["Drain 2 workers: 'a', 'b' (already disabled)."])
    expect(drainEventLines({kind: 'plan', targets: [worker('a')]}, ctx)).toEqual(["Drain 1 worker: 'a'."])
    expect(drainEventLines({kind: 'disabled', targets: [{Id: 'Workers-1', Name: 'a', WasEnabled: true}, {Id: 'Workers-2', Name: 'b', WasEnabled: false}], source: 'api'}, ctx))
      .toEqual(['Disabled 1 worker (1 already disabled); waiting for their leases to end (watching the lease API).'])
    expect(drainEventLines({kind: 'disabled', targets: [{Id: 'Workers-1', Name: 'a', WasEnabled: true}], source: 'logs'}, ctx))
      .toEqual(['Disabled 1 worker; waiting for its leases to end (watching executing tasks\' logs).'])
    expect(drainEventLines({kind: 'stale-lease', worker: status('a'), lease: stale}, ctx))
      .toEqual(['a: stale lease WorkerTaskLeases-5 (task ServerTasks-12 finished Success at 2026-12-01T09:05:00Z); not waiting on it (Octopus clears stale leases when the server restarts).'])
    expect(drainEventLines({kind: 'waiting', waiting: [status('a', {Leases: [lease(1, 'ServerTasks-10'), lease(2, 'ServerTasks-11')]})], elapsedMs: 65_000}, ctx))
      .toEqual(['Waiting for a: 2 leases (ServerTasks-10, ServerTasks-11) [1m 05s]'])
    const reenabled: DrainResult = {Outcome: 're-enabled', ElapsedSeconds: 3, Workers: [status('a', {Outcome: 're-enabled', Leases: []})]}
    expect(drainEventLines({kind: 're-enabled', result: reenabled}, ctx))
      .toEqual(["Not drained: 'a' was enabled again by another change while the drain waited, so new tasks can lease it. Drain again if it must be out of service."])
    const timedOut: DrainResult = {Outcome: 'timed-out', ElapsedSeconds: 5, Workers: [status('a'), status('b c', {WasEnabled: false})]}
    expect(drainEventLines({kind: 'unfinished', result: timedOut, spaceName: 'Platform Team', timeoutMs: 5000}, ctx)).toEqual([
      'Timed out after 5s: 1 task still holds leases (ServerTasks-10).',
      "Left disabled: 'a', 'b c' (no new task will lease them; running tasks go on).",
      "To put them back in service: octoworkers worker enable a --space 'Platform Team'",
    ])
  })

  it('escapes a hostile worker name exactly as the note writer always has', () => {
    expect(shown(drainEventLines({kind: 'plan', targets: [worker(HOSTILE)]}, ctx))).toEqual([`Drain 1 worker: '${HOSTILE_SHOWN}'.`])
    expect(shown(drainEventLines({kind: 'waiting', waiting: [status(HOSTILE)], elapsedMs: 0}, ctx))).toEqual([`Waiting for ${HOSTILE_SHOWN}: 1 lease (ServerTasks-10) [0s]`])
    expect(shown(drainEventLines({kind: 'stale-lease', worker: status(HOSTILE), lease: stale}, ctx))[0]).toMatch(new RegExp(`^${HOSTILE_SHOWN.replaceAll('\\', '\\\\').replace('[', '\\[')}: stale lease`))
    const stopped: DrainResult = {Outcome: 'interrupted', ElapsedSeconds: 2, Workers: [status(HOSTILE, {Outcome: 'interrupted'})]}
    expect(shown(drainEventLines({kind: 'unfinished', result: stopped, spaceName: 'Default', timeoutMs: 60_000}, ctx))).toEqual([
      'Stopped waiting after 2s; 1 task still holds leases (ServerTasks-10).',
      `Left disabled: '${HOSTILE_SHOWN}' (no new task will lease it; running tasks go on).`,
      // shellQuote keeps the raw characters inside its quotes; the writer escapes them.
      `To put it back in service: octoworkers worker enable '${HOSTILE_SHOWN}' --space Default`,
    ])
  })
})

describe('deleteEventLines (worker delete)', () => {
  it('words each event as worker delete prints it', () => {
    expect(deleteEventLines({kind: 'stale-lease-not-blocking', worker: worker('a'), lease: {LeaseId: 'WorkerTaskLeases-5', TaskId: 'ServerTasks-12', Stale: true, TaskState: 'Failed', TaskCompletedTime: null}}, ctx))
      .toEqual(["'a' has a stale lease WorkerTaskLeases-5 (task ServerTasks-12 finished Failed); it holds nothing, though the server may refuse the delete until it clears the lease (at its restart)."])
    expect(deleteEventLines({kind: 'stale-lease', worker: status('a'), lease: stale}, ctx)[0]).toMatch(/^a: stale lease WorkerTaskLeases-5 .*not waiting on it/)
    expect(deleteEventLines({kind: 'waiting', waiting: [status('a'), status('b', {Leases: [lease(1, 'T-1'), lease(2, 'T-2')]})], elapsedMs: 3000}, ctx))
      .toEqual(['Draining before delete: a (1 lease), b (2 leases) [3s]'])
    expect(deleteEventLines({kind: 'waiting', waiting: [], elapsedMs: 3000}, ctx)).toEqual([])
    const timedOut: DrainResult = {Outcome: 'timed-out', ElapsedSeconds: 5, Workers: [status('a')]}
    expect(deleteEventLines({kind: 'drain-not-finished', result: timedOut, spaceName: 'Default', timeoutMs: 5000}, ctx)).toEqual([
      'a: NOT drained (disabled; still held by ServerTasks-10)',
      'Timed out after 5s: 1 task still holds leases (ServerTasks-10).',
      "Left disabled: 'a' (no new task will lease it; running tasks go on).",
      'To put it back in service: octoworkers worker enable a --space Default',
    ])
    const reenabled: DrainResult = {Outcome: 're-enabled', ElapsedSeconds: 3, Workers: [status('a', {Outcome: 're-enabled', Leases: []})]}
    expect(deleteEventLines({kind: 'drain-not-finished', result: reenabled, spaceName: 'Default', timeoutMs: 5000}, ctx)).toEqual([
      'a: NOT drained (enabled again by another change during the wait; it can be leased)',
      "Not drained: 'a' was enabled again by another change while the drain waited, so new tasks can lease it. Drain again if it must be out of service.",
    ])
    expect(deleteEventLines({kind: 'put-back', worker: worker('a'), spaceName: 'Default'}, ctx)).toEqual(["'a' was not deleted; enabled again."])
    expect(deleteEventLines({kind: 'put-back', worker: worker("it's"), spaceName: 'Platform Team', error: 'HTTP 500'}, ctx))
      .toEqual(["'it's' was disabled to be deleted and could not be enabled again (HTTP 500): octoworkers worker enable 'it'\\''s' --space 'Platform Team'"])
  })

  it('escapes a hostile worker name', () => {
    expect(shown(deleteEventLines({kind: 'waiting', waiting: [status(HOSTILE)], elapsedMs: 0}, ctx))).toEqual([`Draining before delete: ${HOSTILE_SHOWN} (1 lease) [0s]`])
    expect(shown(deleteEventLines({kind: 'put-back', worker: worker(HOSTILE), spaceName: 'Default'}, ctx))).toEqual([`'${HOSTILE_SHOWN}' was not deleted; enabled again.`])
  })
})

describe('estateDrainEventLines (estate apply --drain)', () => {
  it('words the drain before the deletes as worker delete --drain does', () => {
    expect(estateDrainEventLines({kind: 'waiting', waiting: [status('a')], elapsedMs: 1000}, ctx)).toEqual(['Draining before delete: a (1 lease) [1s]'])
    expect(estateDrainEventLines({kind: 'stale-lease', worker: status('a'), lease: stale}, ctx)).toEqual(deleteEventLines({kind: 'stale-lease', worker: status('a'), lease: stale}, ctx))
    const timedOut: DrainResult = {Outcome: 'timed-out', ElapsedSeconds: 5, Workers: [status('a')]}
    expect(estateDrainEventLines({kind: 'unfinished', result: timedOut, spaceName: 'Default', timeoutMs: 90_000}, ctx)[0]).toBe('Timed out after 1m 30s: 1 task still holds leases (ServerTasks-10).')
    expect(shown(estateDrainEventLines({kind: 'waiting', waiting: [status(HOSTILE)], elapsedMs: 0}, ctx))).toEqual([`Draining before delete: ${HOSTILE_SHOWN} (1 lease) [0s]`])
  })
})

function rolled(name: string, over: Partial<RolledWorker> = {}): RolledWorker {
  return {Id: 'Workers-1', Name: name, WasEnabled: true, Batch: 1, Outcome: 'upgraded', VersionBefore: 'Tentacle 6.0', VersionAfter: 'Tentacle 8.1', LeftDisabled: false, DisabledByOther: false, Message: 'upgraded', ...over}
}

describe('upgradeEventLines (worker upgrade)', () => {
  it('words a rolling upgrade\'s progress', () => {
    expect(upgradeEventLines({kind: 'batch-skipped', batch: 2, of: 3, workers: [worker('a'), worker('b')]}, ctx)).toEqual(['Batch 2/3: skipped (another run is upgrading a, b)'])
    expect(upgradeEventLines({kind: 'batch-draining', batch: 1, of: 3, workers: [worker('a')]}, ctx)).toEqual(['Batch 1/3: draining a...'])
    expect(upgradeEventLines({kind: 'stale-lease', worker: status('a'), lease: stale}, ctx)[0]).toMatch(/^ {2}a: stale lease WorkerTaskLeases-5 /)
    expect(upgradeEventLines({kind: 'waiting', waiting: [status('a'), status('b', {Leases: [lease(1, 'T-1'), lease(2, 'T-1')]})], elapsedMs: 1}, ctx))
      .toEqual(['  waiting for a (1 lease: ServerTasks-10); b (2 leases: T-1)'])
    expect(upgradeEventLines({kind: 'waiting', waiting: [], elapsedMs: 1}, ctx)).toEqual([])
    expect(upgradeEventLines({kind: 'upgrade-task-started', upgrade: 'Tentacle', taskId: 'ServerTasks-7'}, ctx)).toEqual(['  Upgrade task ServerTasks-7 started'])
    expect(upgradeEventLines({kind: 'upgrade-task-started', upgrade: 'Calamari', taskId: 'ServerTasks-7'}, ctx)).toEqual(['  UpdateCalamari task ServerTasks-7 started'])
    expect(upgradeEventLines({kind: 'health-check', taskId: 'ServerTasks-8', workers: [worker('a'), worker('b')]}, ctx)).toEqual(['  health check ServerTasks-8 of a, b'])
    expect(upgradeEventLines({kind: 'batch-done', batch: 1, workers: [worker('a')]}, ctx)).toEqual(['  batch 1 done: a upgraded'])
  })

  it('words the plan, the replan and the resumed run', () => {
    const plan = {batches: [[{Name: 'a', Version: 'Tentacle 6.0', IsDisabled: false}], [{Name: 'b', Version: 'Tentacle 6.0', IsDisabled: true}, {Name: 'c', Version: 'Tentacle unknown', IsDisabled: false}]], floors: [{PoolId: 'WorkerPools-1', PoolName: 'Linux', Workers: 4, AvailableNow: 3, AvailableAfter: 2, Floor: 2}]}
    const lines = [
      'Rolling Tentacle upgrade of 3 worker(s) in 2 batch(es):',
      '  1. a (Tentacle 6.0)',
      '  2. b (Tentacle 6.0, disabled), c (Tentacle unknown)',
      "  pool 'Linux': 3 available now, at least 2 during the upgrade (floor 2)",
    ]
    expect(upgradeEventLines({kind: 'rolling-plan', upgrade: 'Tentacle', plan: plan as never}, ctx)).toEqual(lines)
    expect(upgradeEventLines({kind: 'rolling-replanned', upgrade: 'Calamari', plan: plan as never}, ctx))
      .toEqual(['The pools changed while you were asked; the batches now are:', lines[0].replace('Tentacle upgrade', 'Calamari update'), ...lines.slice(1)])
    expect(upgradeEventLines({kind: 'resuming-stopped-run', worker: worker('a'), wasEnabled: true, upgraded: false}, ctx))
      .toEqual(["'a' was disabled by an earlier octoworkers upgrade that was stopped (it was enabled before): finishing its upgrade."])
    expect(upgradeEventLines({kind: 'resuming-stopped-run', worker: worker('a'), wasEnabled: false, upgraded: true}, ctx))
      .toEqual(["'a' was disabled by an earlier octoworkers upgrade that was stopped (it was disabled before): it is upgraded already; putting it back."])
    expect(upgradeEventLines({kind: 'restored-health-check', workers: [worker('a'), worker('b')], taskId: 'ServerTasks-9'}, ctx)).toEqual(["Enabled 'a', 'b' again; health check ServerTasks-9..."])
  })

  it('words the single-task path', () => {
    expect(upgradeEventLines({kind: 'single-task-plan', workers: [{Name: 'a', Version: 'Tentacle 6.0'}, {Name: 'b', Version: 'Calamari out of date'}]}, ctx)).toEqual(['Upgrade a (Tentacle 6.0), b (Calamari out of date).'])
    expect(upgradeEventLines({kind: 'single-task-started', taskName: 'Upgrade', taskId: 'ServerTasks-3'}, ctx)).toEqual(['Started Upgrade task ServerTasks-3; waiting...'])
    expect(upgradeEventLines({kind: 'single-task-interrupted', taskId: 'ServerTasks-3', state: 'Executing'}, ctx)).toEqual(['Stopped waiting; task ServerTasks-3 goes on (Executing).'])
    expect(upgradeEventLines({kind: 'single-task-timed-out', taskId: 'ServerTasks-3', state: 'Queued'}, ctx)).toEqual(['Task ServerTasks-3 is still Queued at the timeout; it goes on.'])
    expect(upgradeEventLines({kind: 'single-task-failed', taskId: 'ServerTasks-3', state: 'Failed', error: 'The upgrade failed.'}, ctx)).toEqual(['Task ServerTasks-3 ended Failed: The upgrade failed.'])
    expect(upgradeEventLines({kind: 'single-task-failed', taskId: 'ServerTasks-3', state: 'Canceled'}, ctx)).toEqual(['Task ServerTasks-3 ended Canceled.'])
  })

  it('words a stopped roll: what happened, the undo and the resume command', () => {
    const result: RollResult = {Outcome: 'failed', Message: 'Stopped at batch 2: b failed.', Batches: [], Workers: [rolled('a'), rolled('b', {Outcome: 'failed', Batch: 2}), rolled('c d', {Outcome: 'not-attempted', Batch: 3, LeftDisabled: true})]}
    expect(upgradeEventLines({kind: 'roll-stopped', result, request: {kind: 'Calamari', keepHealthy: 1, batchSize: 2}, spaceName: 'Platform Team', leftDisabled: [result.Workers[2]], remaining: [result.Workers[2]]}, ctx)).toEqual([
      'Stopped at batch 2: b failed.',
      'Upgraded: a.',
      "Failed: 'b' (put back as it was before the upgrade).",
      "Disabled by this run and not re-enabled: 'c d'. To undo: octoworkers worker enable 'c d' --space 'Platform Team'",
      'Or run the upgrade again: it finds the workers this run disabled, and finishes or restores them.',
      "To resume with the rest: octoworkers worker upgrade 'c d' --rolling --keep-healthy 1 --batch 2 --calamari --space 'Platform Team' -y",
    ])
    const interrupted: RollResult = {Outcome: 'interrupted', Message: null, Batches: [], Workers: [rolled(HOSTILE, {Outcome: 'interrupted'})]}
    expect(shown(upgradeEventLines({kind: 'roll-stopped', result: interrupted, request: {kind: 'Tentacle', batchSize: 1}, spaceName: 'Default', leftDisabled: [], remaining: interrupted.Workers}, ctx))).toEqual([
      'Upgraded: none.',
      `To resume with the rest: octoworkers worker upgrade '${HOSTILE_SHOWN}' --rolling --space Default -y`,
    ])
  })

  it('escapes a hostile worker name in progress lines', () => {
    expect(shown(upgradeEventLines({kind: 'batch-draining', batch: 1, of: 1, workers: [worker(HOSTILE)]}, ctx))).toEqual([`Batch 1/1: draining ${HOSTILE_SHOWN}...`])
    expect(shown(upgradeEventLines({kind: 'resuming-stopped-run', worker: worker(HOSTILE), wasEnabled: true, upgraded: true}, ctx))[0]).toContain(`'${HOSTILE_SHOWN}' was disabled by an earlier`)
  })
})

describe('upgradeWarningLine (worker upgrade)', () => {
  it('words each warning (the command adds the Warning: mark)', () => {
    expect(upgradeWarningLine({kind: 'skipping', worker: worker('ssh-01'), reason: 'an SSH worker has no Tentacle'})).toBe("skipping 'ssh-01': an SSH worker has no Tentacle.")
    expect(upgradeWarningLine({kind: 'single-task', workers: 3, upgrade: 'Calamari'}))
      .toBe("this upgrades all 3 worker(s) in one UpdateCalamari task, as the portal does: the big-bang path, with no floor. Deployments may find no worker to lease meanwhile. Use --rolling to keep each pool's floor.")
    expect(upgradeWarningLine({kind: 'stopped-run-outside-selection', worker: worker('a'), owner: {WorkerId: 'Workers-1', Pid: 4242, Host: 'build-host', ClaimedAt: '2026-01-02T03:04:05.000Z'} as never}))
      .toBe("'a' was disabled by an earlier octoworkers upgrade that was stopped (process 4242 on build-host since 2026-01-02T03:04:05.000Z) and is not in this selection; name it to finish or restore it.")
    expect(terminalSafeLine(upgradeWarningLine({kind: 'skipping', worker: worker(HOSTILE), reason: 'why'}))).toBe(`skipping '${HOSTILE_SHOWN}': why.`)
  })
})
