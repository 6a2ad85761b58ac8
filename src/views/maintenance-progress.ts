/**
 * The stderr lines of the long-running maintenance use cases (drain, delete --drain, upgrade,
 * estate apply --drain): each use case emits typed progress events, and one function per use case
 * here turns an event into its line(s). The lines hold server strings raw; the command writes each
 * through its note writer, which escapes them (src/ui/output.ts writeStderrLine).
 */
import {shellQuote} from '../text/shell.js'
import {formatDuration} from '../text/duration.js'
import {describeProcess, nounFor, plural} from '../text/wording.js'
import type {SourceKind} from '../domain/leases/types.js'
import type {DrainResult, DrainTarget, DrainWaitEvent, StaleLease, WorkerDrainStatus} from '../app/maintenance/drain.js'
import type {WorkerDrainEvent} from '../app/maintenance/drain-run.js'
import type {StaleLeaseSeen, WorkerDeleteEvent} from '../app/maintenance/delete-run.js'
import type {RollEvent} from '../app/maintenance/rolling-upgrade.js'
import type {PlannedBatches, WorkerUpgradeEvent, WorkerUpgradeWarning} from '../app/maintenance/worker-upgrade.js'
import type {UpgradeKind} from '../app/maintenance/upgrade-plan.js'
import type {ClaimWarning} from '../app/maintenance/upgrade-claims.js'
import type {EstateDrainEvent} from '../app/estate-code/apply.js'

/** What every maintenance view needs besides the event: the CLI's name, for the commands it prints. */
export interface ProgressViewContext {
  bin: string
}

/** "stale lease WorkerTaskLeases-5 (task ServerTasks-12 finished Success at 2026-01-02T03:04:05Z)". */
export function describeStaleLease(lease: {LeaseId: string; TaskId: string; TaskState: string | null; TaskCompletedTime: string | null}): string {
  const at = lease.TaskCompletedTime ? ` at ${lease.TaskCompletedTime}` : ''
  return `stale lease ${lease.LeaseId} (task ${lease.TaskId} finished ${lease.TaskState ?? 'unknown'}${at})`
}

/** "build-01: stale lease WorkerTaskLeases-5 (task ServerTasks-12 finished Success at T); not waiting on it." */
export function staleLeaseLine(worker: {Name: string}, lease: StaleLease): string {
  return `${worker.Name}: ${describeStaleLease(lease)}; not waiting on it (Octopus clears stale leases when the server restarts).`
}

/** A stale lease found before a delete without --drain: it does not refuse the delete. */
export function staleLeaseBeforeDeleteLine(seen: StaleLeaseSeen): string {
  return `'${seen.worker.Name}' has a ${describeStaleLease(seen.lease)}; it holds nothing, though the server may refuse the delete until it clears the lease (at its restart).`
}

/** `build-01: 2 leases (ServerTasks-12, ServerTasks-13)`, one worker still waited on. */
function describeHeld(status: WorkerDrainStatus): string {
  return `${status.Name}: ${plural(status.Leases.length, 'lease')} (${tasksOf(status).join(', ')})`
}

function tasksOf(status: WorkerDrainStatus): string[] {
  return [...new Set(status.Leases.map((l) => l.TaskId))]
}

/** One stderr progress line: which workers, how many leases, which tasks, elapsed. */
export function drainProgressLine(waiting: WorkerDrainStatus[], elapsedMs: number): string {
  if (waiting.length === 0) return `All drained (${formatDuration(elapsedMs)}).`
  return `Waiting for ${waiting.map(describeHeld).join('; ')} [${formatDuration(elapsedMs)}]`
}

/** The progress line of a drain before a delete (`worker delete --drain`, `estate apply --drain`). */
function drainingBeforeDeleteLine(waiting: WorkerDrainStatus[], elapsedMs: number): string {
  return `Draining before delete: ${waiting.map((w) => `${w.Name} (${plural(w.Leases.length, 'lease')})`).join(', ')} [${formatDuration(elapsedMs)}]`
}

/** The command that puts the drained workers back: enable those the drain disabled. */
export function reenableCommand(bin: string, targets: DrainTarget[], spaceName: string): string | undefined {
  const names = targets.filter((t) => t.WasEnabled).map((t) => shellQuote(t.Name))
  return names.length ? `${bin} worker enable ${names.join(' ')} --space ${shellQuote(spaceName)}` : undefined
}

/** One line per worker (stdout of `worker drain`, stderr of a delete whose drain did not finish). */
export function describeDrainStatus(st: WorkerDrainStatus): string {
  const before = st.WasEnabled ? 'disabled' : 'was already disabled'
  const stale = st.StaleLeases.length ? `; ${plural(st.StaleLeases.length, 'stale lease')} of finished ${nounFor(st.StaleLeases.length, 'task')} ${[...new Set(st.StaleLeases.map((l) => l.TaskId))].join(', ')} not waited on` : ''
  const leases = `${plural(st.LeasesAtStart, 'lease')} at start${stale}`
  switch (st.Outcome) {
    case 'drained': return `${st.Name}: drained (${before}; ${leases}; free after ${formatDuration((st.SecondsWaited ?? 0) * 1000)})`
    case 'timed-out': return `${st.Name}: NOT drained (${before}; still held by ${tasksOf(st).join(', ')})`
    case 'interrupted': return `${st.Name}: waiting stopped (${before}; still held by ${tasksOf(st).join(', ')})`
    case 're-enabled': return `${st.Name}: NOT drained (enabled again by another change during the wait; it can be leased)`
  }
}

/** The closing line when another change enabled drained workers during the wait. */
export function reenabledSummary(result: DrainResult): string[] {
  const names = result.Workers.filter((w) => w.Outcome === 're-enabled').map((w) => `'${w.Name}'`)
  if (names.length === 0) return []
  const one = names.length === 1
  return [`Not drained: ${names.join(', ')} ${one ? 'was' : 'were'} enabled again by another change while the drain waited, so new tasks can lease ${one ? 'it' : 'them'}. Drain again if ${one ? 'it' : 'they'} must be out of service.`]
}

/** The closing lines after a wait that did not finish: what holds the workers, their state, the way back. */
export function unfinishedSummary(result: DrainResult, opts: {bin: string; spaceName: string; timeoutMs?: number}): string[] {
  const waiting = result.Workers.filter((w) => w.Leases.length > 0)
  const tasks = [...new Set(waiting.flatMap(tasksOf))]
  const held = `${plural(tasks.length, 'task')} still hold${tasks.length === 1 ? 's' : ''} leases (${tasks.join(', ')}).`
  const lines = [result.Outcome === 'timed-out'
    ? `Timed out after ${formatDuration(opts.timeoutMs ?? result.ElapsedSeconds * 1000)}: ${held}`
    : `Stopped waiting after ${formatDuration(result.ElapsedSeconds * 1000)}; ${held}`]
  const disabled = result.Workers.map((w) => `'${w.Name}'`)
  lines.push(`Left disabled: ${disabled.join(', ')} (no new task will lease ${disabled.length === 1 ? 'it' : 'them'}; running tasks go on).`)
  const undo = reenableCommand(opts.bin, result.Workers, opts.spaceName)
  if (undo) lines.push(`To put ${disabled.length === 1 ? 'it' : 'them'} back in service: ${undo}`)
  return lines
}

/** Where a drain learns of leases, in words (the lease API is reconciled with task logs where it exists). */
export function describeSource(source: SourceKind): string {
  switch (source) {
    case 'api': return 'the lease API'
    case 'api+logs': return 'the lease API and task logs'
    case 'logs': return 'executing tasks\' logs'
  }
}

/** `worker drain`: each event's stderr line(s). */
export function drainEventLines(event: WorkerDrainEvent, context: ProgressViewContext): string[] {
  switch (event.kind) {
    case 'plan': return [`Drain ${plural(event.targets.length, 'worker')}: ${event.targets.map((w) => `'${w.Name}'${w.IsDisabled ? ' (already disabled)' : ''}`).join(', ')}.`]
    case 'disabled': {
      const disabled = event.targets.filter((t) => t.WasEnabled).length
      const already = event.targets.length - disabled
      return [`Disabled ${plural(disabled, 'worker')}${already ? ` (${already} already disabled)` : ''}; waiting for ${event.targets.length === 1 ? 'its' : 'their'} leases to end (watching ${describeSource(event.source)}).`]
    }
    case 'stale-lease': return [staleLeaseLine(event.worker, event.lease)]
    case 'waiting': return [drainProgressLine(event.waiting, event.elapsedMs)]
    case 're-enabled': return reenabledSummary(event.result)
    case 'unfinished': return unfinishedSummary(event.result, {bin: context.bin, spaceName: event.spaceName, timeoutMs: event.timeoutMs})
  }
}

/** The lines of a drain before a delete, shared by `worker delete --drain` and `estate apply --drain`. */
function drainBeforeDeleteLines(event: DrainWaitEvent): string[] {
  switch (event.kind) {
    case 'stale-lease': return [staleLeaseLine(event.worker, event.lease)]
    case 'waiting': return event.waiting.length ? [drainingBeforeDeleteLine(event.waiting, event.elapsedMs)] : []
  }
}

/** `worker delete`: each event's stderr line(s). */
export function deleteEventLines(event: WorkerDeleteEvent, context: ProgressViewContext): string[] {
  switch (event.kind) {
    case 'stale-lease-not-blocking': return [staleLeaseBeforeDeleteLine(event)]
    case 'stale-lease':
    case 'waiting': return drainBeforeDeleteLines(event)
    case 'drain-not-finished': return [
      ...event.result.Workers.map(describeDrainStatus),
      ...(event.result.Outcome === 're-enabled' ? reenabledSummary(event.result) : unfinishedSummary(event.result, {bin: context.bin, spaceName: event.spaceName, timeoutMs: event.timeoutMs})),
    ]
    case 'put-back': return [event.error
      ? `'${event.worker.Name}' was disabled to be deleted and could not be enabled again (${event.error}): ${context.bin} worker enable ${shellQuote(event.worker.Name)} --space ${shellQuote(event.spaceName)}`
      : `'${event.worker.Name}' was not deleted; enabled again.`]
  }
}

/** `estate apply --drain`: each event's stderr line(s). */
export function estateDrainEventLines(event: EstateDrainEvent, context: ProgressViewContext): string[] {
  switch (event.kind) {
    case 'stale-lease':
    case 'waiting': return drainBeforeDeleteLines(event)
    case 'unfinished': return unfinishedSummary(event.result, {bin: context.bin, spaceName: event.spaceName, timeoutMs: event.timeoutMs})
  }
}

/** A rolling upgrade's progress, each line as `worker upgrade --rolling` prints it. */
export function rollEventLines(event: RollEvent): string[] {
  switch (event.kind) {
    case 'batch-skipped': return [`Batch ${event.batch}/${event.of}: skipped (another run is upgrading ${event.workers.map((w) => w.Name).join(', ')})`]
    case 'batch-draining': return [`Batch ${event.batch}/${event.of}: draining ${event.workers.map((w) => w.Name).join(', ')}...`]
    case 'stale-lease': return [`  ${staleLeaseLine(event.worker, event.lease)}`]
    case 'waiting': return event.waiting.length ? [`  waiting for ${event.waiting.map((w) => `${w.Name} (${plural(w.Leases.length, 'lease')}: ${tasksOf(w).join(', ')})`).join('; ')}`] : []
    case 'upgrade-task-started': return [`  ${upgradeTaskWord(event.upgrade)} task ${event.taskId} started`]
    case 'health-check': return [`  health check ${event.taskId} of ${event.workers.map((w) => w.Name).join(', ')}`]
    case 'batch-done': return [`  batch ${event.batch} done: ${event.workers.map((w) => w.Name).join(', ')} upgraded`]
  }
}

function upgradeTaskWord(kind: UpgradeKind): string {
  return kind === 'Tentacle' ? 'Upgrade' : 'UpdateCalamari'
}

/** The plan as shown before asking: the workers in order, the batches, the floor. */
export function planLines(plan: PlannedBatches, kind: UpgradeKind): string[] {
  const lines = [`Rolling ${kind === 'Tentacle' ? 'Tentacle upgrade' : 'Calamari update'} of ${plan.batches.flat().length} worker(s) in ${plan.batches.length} batch(es):`]
  plan.batches.forEach((batch, i) => lines.push(`  ${i + 1}. ${batch.map((w) => `${w.Name} (${w.Version}${w.IsDisabled ? ', disabled' : ''})`).join(', ')}`))
  for (const f of plan.floors) lines.push(`  pool '${f.PoolName}': ${f.AvailableNow} available now, at least ${f.AvailableAfter} during the upgrade (floor ${f.Floor})`)
  return lines
}

/** `worker upgrade`: each progress event's stderr line(s). */
export function upgradeEventLines(event: WorkerUpgradeEvent, context: ProgressViewContext): string[] {
  switch (event.kind) {
    case 'batch-skipped':
    case 'batch-draining':
    case 'stale-lease':
    case 'waiting':
    case 'upgrade-task-started':
    case 'health-check':
    case 'batch-done': return rollEventLines(event)
    case 'resuming-stopped-run': return [`'${event.worker.Name}' was disabled by an earlier octoworkers upgrade that was stopped (it was ${event.wasEnabled ? 'enabled' : 'disabled'} before): ${event.upgraded ? 'it is upgraded already; putting it back' : 'finishing its upgrade'}.`]
    case 'restored-health-check': return [`Enabled ${event.workers.map((w) => `'${w.Name}'`).join(', ')} again; health check ${event.taskId}...`]
    case 'rolling-plan': return planLines(event.plan, event.upgrade)
    case 'rolling-replanned': return ['The pools changed while you were asked; the batches now are:', ...planLines(event.plan, event.upgrade)]
    case 'single-task-plan': return [`Upgrade ${event.workers.map((w) => `${w.Name} (${w.Version})`).join(', ')}.`]
    case 'single-task-started': return [`Started ${event.taskName} task ${event.taskId}; waiting...`]
    case 'single-task-interrupted': return [`Stopped waiting; task ${event.taskId} goes on (${event.state}).`]
    case 'single-task-timed-out': return [`Task ${event.taskId} is still ${event.state} at the timeout; it goes on.`]
    case 'single-task-failed': return [`Task ${event.taskId} ended ${event.state}${event.error ? `: ${event.error.replace(/\.$/, '')}` : ''}.`]
    case 'roll-stopped': return rollStoppedLines(event, context)
  }
}

/** After a roll that did not complete: what happened, the state workers are in, how to undo and resume. */
function rollStoppedLines(event: Extract<WorkerUpgradeEvent, {kind: 'roll-stopped'}>, context: ProgressViewContext): string[] {
  const {result, request} = event
  const space = `--space ${shellQuote(event.spaceName)}`
  const lines: string[] = []
  if (result.Message) lines.push(result.Message)
  const done = result.Workers.filter((w) => w.Outcome === 'upgraded').map((w) => w.Name)
  lines.push(`Upgraded: ${done.length ? done.join(', ') : 'none'}.`)
  const failed = result.Workers.filter((w) => w.Outcome === 'failed' && !w.LeftDisabled)
  if (failed.length) lines.push(`Failed: ${failed.map((w) => `'${w.Name}'`).join(', ')} (put back as ${failed.length === 1 ? 'it was' : 'they were'} before the upgrade).`)
  if (event.leftDisabled.length) {
    lines.push(`Disabled by this run and not re-enabled: ${event.leftDisabled.map((w) => `'${w.Name}'`).join(', ')}. To undo: ${context.bin} worker enable ${event.leftDisabled.map((w) => shellQuote(w.Name)).join(' ')} ${space}`)
    lines.push(`Or run the upgrade again: it finds the workers this run disabled, and finishes or restores them.`)
  }
  if (event.remaining.length) {
    const flags = ['--rolling', ...(request.keepHealthy === undefined ? [] : [`--keep-healthy ${request.keepHealthy}`]), ...(request.batchSize === 1 ? [] : [`--batch ${request.batchSize}`]), ...(request.kind === 'Calamari' ? ['--calamari'] : [])]
    lines.push(`To resume with the rest: ${context.bin} worker upgrade ${event.remaining.map((w) => shellQuote(w.Name)).join(' ')} ${flags.join(' ')} ${space} -y`)
  }
  return lines
}

/** `worker upgrade`: each warning's text (the command adds the `Warning:` mark). */
export function upgradeWarningLine(warning: WorkerUpgradeWarning): string {
  switch (warning.kind) {
    case 'stopped-run-outside-selection': return `'${warning.worker.Name}' was disabled by an earlier octoworkers upgrade that was stopped (${describeProcess(warning.owner)}) and is not in this selection; name it to finish or restore it.`
    case 'skipping': return `skipping '${warning.worker.Name}': ${warning.reason}.`
    case 'single-task': return `this upgrades all ${warning.workers} worker(s) in one ${upgradeTaskWord(warning.upgrade)} task, as the portal does: the big-bang path, with no floor. Deployments may find no worker to lease meanwhile. Use --rolling to keep each pool's floor.`
  }
}

/** `worker upgrade`: a warning about its claim files (the command adds the `Warning:` mark); paths and names are escaped by the writer. */
export function upgradeClaimWarningLine(warning: ClaimWarning): string {
  switch (warning.kind) {
    case 'unsafe-directory': return `ignoring the upgrade claims in ${warning.dir}: not a private directory of this user.`
    case 'directory-unusable': return `cannot use the upgrade claims in ${warning.dir}: ${warning.message}.`
    case 'untrusted-file': return `ignoring ${warning.file}: not a small private regular file of this user (${warning.reason}).`
    case 'invalid-claim': return `ignoring ${warning.file}: not a valid upgrade claim.`
    case 'record-failed': return `cannot record the upgrade of '${warning.workerName}' in ${warning.dir}: ${warning.message}; a rerun will not know this run disabled it.`
  }
}
