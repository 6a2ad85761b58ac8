/** Text and JSON shapes of the commands that take workers out of service: drain, disable, delete, update --remove-pool, upgrade. */
import type {PoolFloor} from '../domain/pool-floors.js'
import type {DrainResult, WorkerDrainStatus} from '../app/maintenance/drain.js'
import type {RolledWorker} from '../app/maintenance/rolling-upgrade.js'

/**
 * `  pool 'Linux': 3 of 4 available now, 2 while drained (floor 2)`: one line per pool the change
 * affects, shown before acting, so a worker's other pools are named too. `state` is the command's
 * change in words (`while drained`, `after the delete`...).
 */
export function floorLines(floors: PoolFloor[], state: string): string[] {
  return floors.map((f) => `  pool '${f.PoolName}': ${f.AvailableNow} of ${f.Workers} available now, ${f.AvailableAfter} ${state} (floor ${f.Floor})`)
}

export function drainStatusJson(s: WorkerDrainStatus) {
  return {
    Id: s.Id,
    Name: s.Name,
    WasEnabled: s.WasEnabled,
    LeasesAtStart: s.LeasesAtStart,
    SecondsWaited: s.SecondsWaited,
    Outcome: s.Outcome,
    Leases: s.Leases.map((l) => ({LeaseId: l.LeaseId, TaskId: l.TaskId, TaskDescription: l.TaskDescription, TakenAt: l.TakenAt})),
    StaleLeases: s.StaleLeases.map((l) => ({LeaseId: l.LeaseId, TaskId: l.TaskId, TaskDescription: l.TaskDescription, TakenAt: l.TakenAt, Stale: true, TaskState: l.TaskState, TaskCompletedTime: l.TaskCompletedTime})),
  }
}

export function drainJson(result: DrainResult & {Source: string}, floors: PoolFloor[]) {
  return {Outcome: result.Outcome, Source: result.Source, ElapsedSeconds: result.ElapsedSeconds, Floors: floors, Workers: result.Workers.map(drainStatusJson)}
}

/** One stdout line per worker. */
export function describeWorkerResult(w: RolledWorker): string {
  if (w.Outcome === 'not-attempted') return `${w.Name}: not attempted (batch ${w.Batch})`
  if (w.Outcome === 'skipped') return `${w.Name}: skipped: ${w.Message} (batch ${w.Batch})`
  if (w.Outcome === 'refused') return `${w.Name}: refused: ${w.Message} (batch ${w.Batch})`
  return `${w.Name}: ${w.Outcome === 'failed' ? 'FAILED: ' : w.Outcome === 'interrupted' ? 'interrupted: ' : ''}${w.Message} (batch ${w.Batch})`
}
