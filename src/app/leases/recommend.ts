/**
 * What `leases report` recommends, each with the figures behind it (the views put them in words):
 * a pool whose every worker was busy for long enough needs another worker; a pool of several
 * workers that sat idle nearly all the window could do with fewer; a worker whose steps waited on
 * each other's mutex for long enough needs its steps in execution containers, or another worker; a
 * pool whose steps waited long enough for a worker at all needs another worker.
 */
import type {CapacityThresholds} from '../../domain/leases/capacity-thresholds.js'
import type {Capacity} from './capacity.js'

export type Recommendation =
  | {Kind: 'add-worker'; SpaceName: string; WorkerPoolName: string; PeakConcurrentLeases: number; AvailableWorkers: number; AllBusySeconds: number}
  | {Kind: 'fewer-workers'; SpaceName: string; WorkerPoolName: string; AvailableWorkers: number; IdlePercent: number}
  | {Kind: 'mutex-waits'; SpaceName: string; WorkerName: string; MutexWaitSeconds: number}
  | {Kind: 'lease-waits'; SpaceName: string; WorkerPoolName: string; LeaseWaitSeconds: number}

/** A pool of one worker is never told to lose it: a pool with no worker cannot run a step. */
const MIN_WORKERS_TO_SHRINK = 2

export function recommend(capacity: Capacity, thresholds: CapacityThresholds): Recommendation[] {
  const out: Recommendation[] = []
  for (const pool of capacity.Pools) {
    if (pool.AvailableWorkers > 0 && pool.AllBusySeconds * 1000 >= thresholds.allBusyMs && pool.AllBusySeconds > 0) {
      out.push({Kind: 'add-worker', SpaceName: pool.SpaceName, WorkerPoolName: pool.WorkerPoolName, PeakConcurrentLeases: pool.PeakConcurrentLeases, AvailableWorkers: pool.AvailableWorkers, AllBusySeconds: pool.AllBusySeconds})
    }
  }
  for (const pool of capacity.Pools) {
    if (pool.LeaseWaitSeconds > 0 && pool.LeaseWaitSeconds * 1000 >= thresholds.leaseWaitMs) {
      out.push({Kind: 'lease-waits', SpaceName: pool.SpaceName, WorkerPoolName: pool.WorkerPoolName, LeaseWaitSeconds: pool.LeaseWaitSeconds})
    }
  }
  for (const pool of capacity.Pools) {
    if (pool.IdleFraction !== null && pool.AvailableWorkers >= MIN_WORKERS_TO_SHRINK && pool.IdleFraction >= thresholds.idleShare) {
      out.push({Kind: 'fewer-workers', SpaceName: pool.SpaceName, WorkerPoolName: pool.WorkerPoolName, AvailableWorkers: pool.AvailableWorkers, IdlePercent: Math.floor(pool.IdleFraction * 1000) / 10})
    }
  }
  for (const worker of capacity.Workers) {
    if (worker.MutexWaitSeconds > 0 && worker.MutexWaitSeconds * 1000 >= thresholds.mutexWaitMs) {
      out.push({Kind: 'mutex-waits', SpaceName: worker.SpaceName, WorkerName: worker.WorkerName, MutexWaitSeconds: worker.MutexWaitSeconds})
    }
  }
  return out
}
